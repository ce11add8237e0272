"""Requests generated from the published OpenAPI document, valid and invalid, as a real client sends them.

Whatever arrives, the invoice and customer API answers with a status its document lists,
in the documented content type and shape, and never with a 5xx. Detail routes are
pointed at a real draft invoice (or customer) half the time, so bodies are checked by
the serializers and services rather than stopped at a 404.
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
from invoices.services import invoice_create
from invoices.tests.factories import item

# Each operation is called a few hundred times: without the general API rate limit.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_general_rate_limit")]

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(autouse=True)
def _keep_the_test_transaction_open() -> Any:
    """The app is called in-process, not through Django's test client, so do what that client does:
    leave connections open between requests (closing one would end the test's transaction)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


# Read through the app itself at collection time: the document needs no database.
fuzzed = (
    schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
    # The PDF is rendered by WeasyPrint (slow) and has nothing to parse; the rest is fuzzed.
    .include(path_regex=r"^/api/v1/(invoices|customers)/")
    .exclude(path_regex=r"/pdf/$")
)


@fuzzed.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    database=None,  # derandomized: nothing to replay, so write no .hypothesis directory
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_generated_requests_get_documented_answers_and_never_a_server_error(case: Any, owner: Any) -> None:
    invoice = owner.invoices.first() or invoice_create(
        owner=owner,
        customer_name="No Mail Ltd",
        customer_email="",
        items=[item()],  # blank fields are the edge cases
    )
    generated_id = (case.path_parameters or {}).get("id")
    if isinstance(generated_id, int) and generated_id % 2 == 0:  # negative cases keep their odd ids
        target = invoice.customer_id if case.path.startswith("/api/v1/customers/") else invoice.pk
        case.path_parameters["id"] = target
    headers = {"Authorization": f"Bearer {token_pair_issue(user=owner).access_token}"}

    case.call_and_validate(headers=headers, checks=CHECKS)
