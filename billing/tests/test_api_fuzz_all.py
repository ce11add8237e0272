"""Requests generated from the published OpenAPI document for every operation the invoice and
customer fuzz test (`invoices/tests/test_api_fuzz.py`) does not already cover: auth, company,
credit notes, files, upload, batches, tasks, dashboard and the admin views.

Whatever arrives, each answers with a status its document lists, in the documented content type
and shape, and never with a 5xx. The admin operations are called as a superuser, everything else
as an ordinary owner, so the documented answers are the ones a real caller gets.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.services import token_pair_issue

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_general_rate_limit")]

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(autouse=True)
def _keep_the_test_transaction_open() -> Any:
    """Called in-process, not through Django's test client: leave connections open between
    requests as that client does (closing one would end the test's transaction)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


fuzzed = (
    schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
    # Invoices and customers are fuzzed by invoices/tests/test_api_fuzz.py.
    .exclude(path_regex=r"^/api/v1/(invoices|customers)/")
    # PDFs are rendered by WeasyPrint (slow) and have nothing to parse.
    .exclude(path_regex=r"/pdf/$")
)


@fuzzed.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_every_other_operation_gets_documented_answers_and_never_a_server_error(
    case: Any, owner: Any, admin_user: Any
) -> None:
    caller = admin_user if case.path.startswith("/api/v1/admin/") else owner
    headers = {"Authorization": f"Bearer {token_pair_issue(user=caller).access_token}"}

    case.call_and_validate(headers=headers, checks=CHECKS)
