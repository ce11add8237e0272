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
    assert [(Decimal(item["quantity"]), Decimal(item["unit_price"])) for item in data["items"]] == [(3, 10)]
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


# --- numbers sent as JSON numbers ----------------------------------------------------------


def post_raw(user: Any, path: str, text: str) -> Any:
    """Send the body exactly as typed, so JSON numbers stay numbers on the wire."""
    return client_for(user).generic("POST", path, text, content_type="application/json")


def test_seed_000_create_with_json_numbers_makes_the_same_invoice_as_strings(owner: Any) -> None:
    text = (
        '{"customer_name": "Acme Ltd", "currency": "EUR", "issue_date": "2030-01-10", "due_date": "2030-02-09",'
        ' "items": [{"description": "Consulting", "quantity": 2, "unit_price": 100.00, "tax_rate": 19.0,'
        ' "discount_percent": 0}], "total_amount": 238.00}'
    )

    response = post_raw(owner, SEED_INVOICES, text)

    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["subtotal"], data["tax_amount"], data["total_amount"]) == ("200.00", "38.00", "238.00")
    # Compared as numbers: the places shown are the serializer's, not the client's.
    assert Decimal(data["items"][0]["quantity"]) == 2
    assert Decimal(data["items"][0]["unit_price"]) == 100


@pytest.mark.parametrize(
    ("number", "stored"),
    [("0.1", "0.10"), ("19.99", "19.99"), ("1e2", "100.00"), ("1E-1", "0.10"), ("99999999999.99", "99999999999.99")],
)
def test_a_json_number_unit_price_is_read_from_its_digits(owner: Any, number: str, stored: str) -> None:
    text = f'{{"customer_name": "Acme Ltd", "items": [{{"description": "x", "quantity": 1, "unit_price": {number}}}]}}'

    response = post_raw(owner, SEED_INVOICES, text)

    assert response.status_code == 201, response.json()
    assert Decimal(response.json()["items"][0]["unit_price"]) == Decimal(stored)
    assert LineItem.objects.get(invoice_id=response.json()["id"]).unit_price == Decimal(stored)


def test_a_json_number_with_more_digits_than_a_float_holds_is_refused_not_rounded(owner: Any) -> None:
    # As a float this is 100.0 and would pass; its digits have 15 decimal places.
    text = '{"customer_name": "Acme Ltd", "items": [{"description": "x", "quantity": 1, "unit_price": 100.000000000000001}]}'

    response = post_raw(owner, SEED_INVOICES, text)

    assert response.status_code == 400
    [message] = response.json()["items"]["0"]["unit_price"]
    assert message.startswith("Ensure that there are no more than") and message.endswith("decimal places.")
    assert Invoice.objects.count() == 0


def test_a_json_number_payment_amount_works_as_a_string_does(owner: Any, approver: Any) -> None:
    invoice = advance(make_invoice(owner=owner), to="sent", approver=approver)

    response = post_raw(owner, f"{SEED_INVOICES}/{invoice.pk}/payments", '{"amount": 50}')
    second = post_raw(owner, f"{SEED_INVOICES}/{invoice.pk}/payments", '{"amount": 49.99}')

    assert (response.status_code, second.status_code) == (201, 201)
    assert (response.json()["amount"], second.json()["amount"]) == ("50.00", "49.99")
    invoice.refresh_from_db()
    assert invoice.amount_paid == Decimal("99.99")


def test_nan_and_infinity_are_a_400(owner: Any) -> None:
    text = '{"customer_name": "Acme Ltd", "items": [{"description": "x", "quantity": 1, "unit_price": NaN}]}'

    response = post_raw(owner, SEED_INVOICES, text)

    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON parse error")
    assert Invoice.objects.count() == 0
