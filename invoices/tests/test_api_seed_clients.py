"""Calls exactly as the seed documents spell them work unchanged (issue 13).

Each test sends the seed's own spelling: paths without the slash, `PUT`, JSON numbers,
`skip`/`limit`, `per_page`, `customer_id`, `date_from`/`date_to`, capital states and
numbers typed in lower case.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from invoices.models import Invoice, LineItem
from invoices.tests.api_support import client_for, event_count, invoice_body, line
from invoices.tests.factories import advance, make_invoice

pytestmark = pytest.mark.django_db

SEED_INVOICES = "/api/v1/invoices"  # seed 000's path: no trailing slash


# --- PUT: a full update of a draft ---------------------------------------------------------


def test_put_replaces_a_draft_through_the_update_service(owner: Any) -> None:
    invoice = make_invoice(owner=owner, notes="old notes")
    body = invoice_body(customer_name="Globex", items=[line(quantity="3", unit_price="10.00")])

    response = client_for(owner).put(f"{SEED_INVOICES}/{invoice.pk}", body, format="json")

    assert response.status_code == 200
    data = response.json()
    assert data["customer_name"] == "Globex"
    assert data["notes"] == ""  # left out of a full update: reset
    assert data["total_amount"] == "30.00"
    assert [(item["quantity"], item["unit_price"]) for item in data["items"]] == [("3.000", "10.00")]
    assert event_count(invoice) == 2  # created, updated: the same event PATCH writes
    assert invoice.events.order_by("id").last().kind == "updated"


def test_put_with_a_trailing_slash_works_as_well(owner: Any) -> None:
    invoice = make_invoice(owner=owner)

    response = client_for(owner).put(f"{SEED_INVOICES}/{invoice.pk}/", invoice_body(notes="n"), format="json")

    assert response.status_code == 200
    assert response.json()["notes"] == "n"


def test_put_outside_draft_is_a_409_and_changes_nothing(owner: Any, approver: Any) -> None:
    invoice = advance(make_invoice(owner=owner), to="pending_approval", approver=approver)

    response = client_for(owner).put(f"{SEED_INVOICES}/{invoice.pk}", invoice_body(notes="late"), format="json")

    assert response.status_code == 409
    assert response.json()["status"] == "pending_approval"
    invoice.refresh_from_db()
    assert invoice.notes == ""
    assert event_count(invoice) == 2


@pytest.mark.parametrize(
    ("body", "named"),
    [({"customer_name": "Globex", "notes": "no items"}, "items"), ({"items": [line()], "notes": "nobody"}, "customer_name")],
)
def test_put_without_items_or_customer_is_a_400_and_changes_nothing(owner: Any, body: dict, named: str) -> None:
    invoice = make_invoice(owner=owner)
    before = list(LineItem.objects.filter(invoice=invoice).values_list("pk", flat=True))

    response = client_for(owner).put(f"{SEED_INVOICES}/{invoice.pk}", body, format="json")

    assert response.status_code == 400
    assert list(response.json()) == [named]
    assert list(LineItem.objects.filter(invoice=invoice).values_list("pk", flat=True)) == before
    assert event_count(invoice) == 1


def test_put_with_status_is_a_400_like_patch(owner: Any) -> None:
    invoice = make_invoice(owner=owner)

    response = client_for(owner).put(f"{SEED_INVOICES}/{invoice.pk}", invoice_body(status="paid"), format="json")

    assert response.status_code == 400
    assert "status" in response.json()
    assert Invoice.objects.get(pk=invoice.pk).status == "draft"


def test_put_on_someone_elses_invoice_is_a_404(owner: Any, other_user: Any) -> None:
    invoice = make_invoice(owner=owner)

    response = client_for(other_user).put(f"{SEED_INVOICES}/{invoice.pk}", invoice_body(), format="json")

    assert response.status_code == 404
    assert Invoice.objects.get(pk=invoice.pk).total_amount == Decimal("100.00")
