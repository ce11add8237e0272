"""The stateful phase: sequences of API calls that follow the document's links.

A create's answer feeds the next request (`POST /invoices/` then submit, pay, credit notes ...
on that id; a customer then changed and deleted; a file then read and deleted), so the
operations are exercised on objects that really exist and in the states they reach, not only
on ids that 404. Every answer must be one the document lists, in its shape, never a 5xx; a
created object must be readable (`ensure_resource_availability`) and a deleted one gone
(`use_after_free`).
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import (
    content_type_conformance,
    ensure_resource_availability,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    use_after_free,
)

from accounts.services import token_pair_issue

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_general_rate_limit")]

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    ensure_resource_availability,
    use_after_free,
]
VALID_INVOICE = {
    "customer_name": "Linked Ltd",
    "customer_email": "billing@linked.example",
    "currency": "EUR",
    "items": [{"description": "Consulting", "quantity": "2", "unit_price": "150.00", "tax_rate": "19"}],
}
SCENARIOS = 25
STEPS_PER_SCENARIO = 10


@pytest.fixture(autouse=True)
def _keep_the_test_transaction_open() -> Any:
    """Called in-process, not through Django's test client: leave connections open between
    requests as that client does (closing one would end the test's transaction)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def linked_operations() -> Any:
    return (
        schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
        # PDFs are rendered by WeasyPrint (slow) and have nothing to parse.
        .exclude(path_regex=r"/pdf/$")
    )


def test_call_sequences_that_follow_the_links_get_documented_answers_and_never_a_server_error(owner: Any) -> None:
    headers = {"Authorization": f"Bearer {token_pair_issue(user=owner).access_token}"}
    calls: list[tuple[str, str, int]] = []

    class AsTheOwner(linked_operations().as_state_machine()):  # type: ignore[misc]
        def setup(self) -> None:
            # Each scenario starts from the same database and cache: Hypothesis replays choices
            # and needs the same answers to them (rows left by an earlier scenario would change
            # which links can be followed).
            super().setup()
            self.scenario = transaction.atomic()
            # Marked as Django's TestCase marks its own atomics, so the services' durable
            # transactions run inside it as savepoints, exactly as they do in any test.
            self.scenario._from_testcase = True  # type: ignore[attr-defined]  # the flag Django sets on its own
            self.scenario.__enter__()
            cache.clear()
            self.invoice_creates = 0

        def teardown(self) -> None:
            transaction.set_rollback(True)
            self.scenario.__exit__(None, None, None)
            super().teardown()

        def before_call(self, case: Any) -> None:
            # Generated invoice bodies almost never pass the money and date rules, so few chains
            # would start from a real invoice: every other create sends a valid one, the way a
            # client would, and the links take it through its states from there.
            if (case.method, case.path) == ("POST", "/api/v1/invoices/"):
                self.invoice_creates += 1
                if self.invoice_creates % 2:
                    case.body = VALID_INVOICE

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": headers}

        def after_call(self, response: Any, case: Any) -> None:
            super().after_call(response, case)
            calls.append((case.method, case.path, response.status_code))

        def validate_response(self, response: Any, case: Any, additional_checks: Any = None, **kwargs: Any) -> None:
            case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs, recorder=self.recorder)

    AsTheOwner.run(
        settings=settings(
            max_examples=SCENARIOS,
            stateful_step_count=STEPS_PER_SCENARIO,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.generate],  # derandomized and nothing stored: no replay or shrinking of a pass
            suppress_health_check=list(HealthCheck),
        )
    )

    # The links were followed: objects created in one step were found and changed in later ones.
    followed = {(method, path) for method, path, status in calls if "{" in path and 200 <= status < 300}
    print(f"{len(calls)} calls; answered 2xx on a linked object: {sorted(followed)}")
    assert len(calls) >= SCENARIOS
    assert {path for _method, path in followed if path.startswith("/api/v1/customers/{id}/")}
    assert {method for method, _path in followed} - {"GET"}, "no linked object was changed"
