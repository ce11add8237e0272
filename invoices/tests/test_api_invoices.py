"""The invoice resource through the API: create, read, edit, delete, sparse fields, ETags."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest

from invoices.api.serializers import INVOICE_FIELDS
from invoices.models import Customer, Invoice, InvoiceEvent, LineItem
from invoices.tests.api_support import INVOICES, client_for, event_count, invoice_body, invoice_url, line
from invoices.tests.factories import advance, make_invoice

pytestmark = pytest.mark.django_db


def test_creating_an_invoice_returns_a_draft_with_every_field_and_server_computed_money(owner: Any) -> None:
    body = invoice_body(
        items=[
            line("Design", quantity="2", unit_price="50.00", discount_percent="10", tax_rate="20"),
            line("Travel", quantity="3", unit_price="33.33"),
        ]
    )

    response = client_for(owner).post(INVOICES, body, format="json")

    assert response.status_code == 201, response.data
    data = response.json()
    assert set(data) == set(INVOICE_FIELDS)
    invoice = Invoice.objects.get()
    assert data["id"] == invoice.pk
    assert data["status"] == "draft"
    assert data["source"] == "manual"
    assert re.fullmatch(r"INV-\d{6}-[A-Z0-9]{6}", data["invoice_number"])
    assert data["invoice_number"].startswith("INV-203001-")
    assert (data["subtotal"], data["tax_amount"], data["total_amount"]) == ("189.99", "18.00", "207.99")
    assert (data["amount_paid"], data["balance_due"]) == ("0.00", "207.99")
    assert [(i["line_number"], i["description"], i["line_total"]) for i in data["items"]] == [
        (1, "Design", "90.00"),
        (2, "Travel", "99.99"),
    ]
    assert set(data["items"][0]) == {
        "id",
        "line_number",
        "description",
        "quantity",
        "unit_price",
        "discount_percent",
        "tax_rate",
        "line_total",
    }
    customer = Customer.objects.get()
    assert data["customer"] == {"id": customer.pk, "name": "Acme Ltd", "email": "billing@acme.example"}
    assert (data["customer_name"], data["customer_email"]) == ("Acme Ltd", "billing@acme.example")
    assert data["owner"] == {"id": owner.pk, "username": owner.username}
    assert data["approved_by"] is None
    assert data["available_transitions"] == ["submit", "cancel"]
    assert (data["currency"], data["issue_date"], data["due_date"]) == ("EUR", "2030-01-10", "2030-02-09")
    assert response["ETag"] == invoice.etag
    assert list(InvoiceEvent.objects.filter(invoice=invoice).values_list("kind", flat=True)) == ["created"]


def test_a_given_invoice_number_is_kept_and_may_not_repeat_for_the_same_owner(owner: Any, other_user: Any) -> None:
    first = client_for(owner).post(INVOICES, invoice_body(invoice_number="ACME-1"), format="json")
    again = client_for(owner).post(INVOICES, invoice_body(invoice_number="ACME-1"), format="json")
    someone_else = client_for(other_user).post(INVOICES, invoice_body(invoice_number="ACME-1"), format="json")

    assert first.status_code == 201 and first.json()["invoice_number"] == "ACME-1"
    assert again.status_code == 400
    assert "invoice_number" in again.json()
    assert someone_else.status_code == 201
    assert Invoice.objects.filter(owner=owner).count() == 1


def test_an_own_customer_can_be_given_by_id_and_its_details_are_copied(owner: Any) -> None:
    customer = (
        client_for(owner)
        .post(
            "/api/v1/customers/",
            {"name": "Globex", "email": "ap@globex.example", "address": "1 Main St"},
            format="json",
        )
        .json()
    )

    body = invoice_body(customer_id=customer["id"])
    del body["customer_name"], body["customer_email"]
    response = client_for(owner).post(INVOICES, body, format="json")

    assert response.status_code == 201, response.data
    data = response.json()
    assert data["customer"]["id"] == customer["id"]
    assert (data["customer_name"], data["customer_email"], data["customer_address"]) == (
        "Globex",
        "ap@globex.example",
        "1 Main St",
    )


def test_an_inline_customer_name_reuses_the_owners_existing_customer(owner: Any) -> None:
    client = client_for(owner)
    first = client.post(INVOICES, invoice_body(customer_name="Acme Ltd"), format="json").json()
    second = client.post(INVOICES, invoice_body(customer_name="acme ltd"), format="json").json()

    assert first["customer"]["id"] == second["customer"]["id"]
    assert Customer.objects.count() == 1


def test_another_users_customer_id_is_refused_and_nothing_is_written(owner: Any, other_user: Any) -> None:
    theirs = make_invoice(owner=other_user, customer_name="Their Customer").customer
    body = invoice_body(customer_id=theirs.pk)
    del body["customer_name"]

    response = client_for(owner).post(INVOICES, body, format="json")

    assert response.status_code == 400
    assert "customer_id" in response.json()
    assert not Invoice.objects.filter(owner=owner).exists()


@pytest.mark.parametrize(
    ("overrides", "error_path", "message_part"),
    [
        ({"items": [line(quantity="0")]}, ("items", "0", "quantity"), "greater than zero"),
        ({"items": [line(quantity="-2")]}, ("items", "0", "quantity"), "greater than zero"),
        ({"items": [line(unit_price="1234567890123.00")]}, ("items", "0", "unit_price"), "12 digits"),
        ({"items": [line(unit_price="-1.00")]}, ("items", "0", "unit_price"), "Unit price cannot be negative."),
        ({"items": [line(unit_price="1.00001")]}, ("items", "0", "unit_price"), "4 after the decimal point"),
        ({"items": [line(discount_percent="101")]}, ("items", "0", "discount_percent"), "Must be between 0 and 100."),
        ({"items": [line(description="")]}, ("items", "0", "description"), "This field is required."),
        ({"items": [line()] * 501}, ("items",), "at most 500 items; got 501"),
        ({"currency": "XYZ"}, ("currency",), "Unknown currency"),
        ({"currency": "EURO"}, ("currency",), "Unknown currency 'EURO'"),
        ({"due_date": "2030-01-09"}, ("due_date",), "cannot be before the issue date"),
        ({"issue_date": "10/01/2030"}, ("issue_date",), "Date has wrong format"),
        ({"customer_email": "not-an-email"}, ("customer_email",), "valid email"),
        ({"status": "paid"}, ("status",), "start as draft"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_writes_nothing(
    owner: Any, overrides: dict[str, Any], error_path: tuple[str, ...], message_part: str
) -> None:
    response = client_for(owner).post(INVOICES, invoice_body(**overrides), format="json")

    assert response.status_code == 400
    error: Any = response.json()
    for key in error_path:
        error = error[key]
    assert message_part in str(error)
    assert Invoice.objects.count() == 0
    assert Customer.objects.count() == 0
    assert LineItem.objects.count() == 0


def test_a_total_that_disagrees_with_the_items_is_a_400_naming_the_expected_value_and_nothing_survives(
    owner: Any,
) -> None:
    body = invoice_body(items=[line(quantity="2", unit_price="10.00", tax_rate="10")], total_amount="20.00")

    response = client_for(owner).post(INVOICES, body, format="json")

    assert response.status_code == 400
    data = response.json()
    assert "expected 22.00" in data["total_amount"][0]
    assert data["expected_total_amount"] == "22.00"
    # The customer and the lines were written inside the transaction that the mismatch rolled back.
    assert (Invoice.objects.count(), Customer.objects.count(), LineItem.objects.count()) == (0, 0, 0)


def test_a_total_that_agrees_with_the_items_is_accepted(owner: Any) -> None:
    body = invoice_body(items=[line(quantity="2", unit_price="10.00", tax_rate="10")], total_amount="22.00")

    response = client_for(owner).post(INVOICES, body, format="json")

    assert response.status_code == 201
    assert response.json()["total_amount"] == "22.00"


def test_an_invoice_without_items_is_created_as_an_empty_draft_that_cannot_be_submitted(owner: Any) -> None:
    response = client_for(owner).post(INVOICES, invoice_body(items=[]), format="json")

    assert response.status_code == 201
    assert response.json()["total_amount"] == "0.00"
    assert response.json()["available_transitions"] == ["cancel"]


def test_reading_an_invoice_sends_its_etag(owner: Any) -> None:
    invoice = make_invoice(owner=owner)

    response = client_for(owner).get(invoice_url(invoice))

    assert response.status_code == 200
    assert response["ETag"] == invoice.etag == f'"{invoice.pk}-1"'
    assert response.json()["invoice_number"] == invoice.invoice_number


def test_patch_edits_a_draft_replaces_its_items_and_returns_a_new_etag(owner: Any) -> None:
    invoice = make_invoice(owner=owner, items=[{"description": "Old", "quantity": "1", "unit_price": "5.00"}])
    client = client_for(owner)
    etag = client.get(invoice_url(invoice))["ETag"]

    response = client.patch(
        invoice_url(invoice),
        {"notes": "Thanks!", "currency": "gbp", "items": [line("New A", "1", "10.00"), line("New B", "2", "2.50")]},
        format="json",
        HTTP_IF_MATCH=etag,
    )

    assert response.status_code == 200, response.data
    data = response.json()
    assert (data["notes"], data["currency"], data["total_amount"]) == ("Thanks!", "GBP", "15.00")
    assert [item["description"] for item in data["items"]] == ["New A", "New B"]
    assert response["ETag"] != etag
    assert LineItem.objects.filter(invoice=invoice).count() == 2
    assert list(InvoiceEvent.objects.filter(invoice=invoice).values_list("kind", flat=True)) == ["created", "updated"]


def test_patch_without_items_keeps_the_items(owner: Any) -> None:
    invoice = make_invoice(owner=owner)

    response = client_for(owner).patch(invoice_url(invoice), {"notes": "n"}, format="json")

    assert response.status_code == 200
    assert len(response.json()["items"]) == 1


def test_patch_with_a_stale_if_match_is_412_and_changes_nothing(owner: Any) -> None:
    invoice = make_invoice(owner=owner, notes="before")
    client = client_for(owner)
    stale = client.get(invoice_url(invoice))["ETag"]
    client.patch(invoice_url(invoice), {"notes": "someone else's edit"}, format="json")

    response = client.patch(invoice_url(invoice), {"notes": "mine"}, format="json", HTTP_IF_MATCH=stale)

    assert response.status_code == 412
    assert "ETag" in response.json()["detail"]
    invoice.refresh_from_db()
    assert invoice.notes == "someone else's edit"
    assert event_count(invoice) == 2


def test_status_in_a_patch_is_a_400_and_changes_nothing(owner: Any) -> None:
    invoice = make_invoice(owner=owner, notes="before")

    response = client_for(owner).patch(invoice_url(invoice), {"status": "approved", "notes": "x"}, format="json")

    assert response.status_code == 400
    assert "transition" in response.json()["status"][0]
    invoice.refresh_from_db()
    assert (invoice.status, invoice.notes) == ("draft", "before")
    assert event_count(invoice) == 1


def test_patch_outside_draft_is_a_409_with_the_state_and_changes_nothing(owner: Any, approver: Any) -> None:
    invoice = advance(make_invoice(owner=owner), to="approved", approver=approver)

    response = client_for(owner).patch(invoice_url(invoice), {"notes": "late edit"}, format="json")

    assert response.status_code == 409
    assert response.json() == {
        "detail": "Only draft invoices can be edited; this one is approved.",
        "status": "approved",
        "available_transitions": ["send", "cancel"],
    }
    invoice.refresh_from_db()
    assert invoice.notes == ""
    assert event_count(invoice) == 3


def test_patch_whose_new_items_disagree_with_the_total_keeps_the_old_items(owner: Any) -> None:
    invoice = make_invoice(owner=owner)
    before = list(LineItem.objects.filter(invoice=invoice).values_list("pk", flat=True))

    response = client_for(owner).patch(
        invoice_url(invoice), {"items": [line(unit_price="7.00")], "total_amount": "8.00"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["expected_total_amount"] == "7.00"
    assert list(LineItem.objects.filter(invoice=invoice).values_list("pk", flat=True)) == before
    invoice.refresh_from_db()
    assert invoice.total_amount == Decimal("100.00")


def test_patch_with_due_date_before_issue_date_is_a_400(owner: Any) -> None:
    invoice = make_invoice(owner=owner)

    response = client_for(owner).patch(invoice_url(invoice), {"due_date": "2000-01-01"}, format="json")

    assert response.status_code == 400
    assert "due_date" in response.json()
    assert event_count(invoice) == 1


def test_deleting_a_draft_hides_it_and_keeps_the_row_and_its_trail(owner: Any) -> None:
    invoice = make_invoice(owner=owner)
    client = client_for(owner)

    response = client.delete(invoice_url(invoice))

    assert response.status_code == 204
    assert client.get(invoice_url(invoice)).status_code == 404
    assert client.get(INVOICES).json()["count"] == 0
    invoice.refresh_from_db()
    assert invoice.deleted_at is not None
    assert list(InvoiceEvent.objects.filter(invoice=invoice).values_list("kind", flat=True)) == ["created", "deleted"]


def test_deleting_an_invoice_that_is_neither_draft_nor_cancelled_is_a_409(owner: Any, approver: Any) -> None:
    invoice = advance(make_invoice(owner=owner), to="sent", approver=approver)

    response = client_for(owner).delete(invoice_url(invoice))

    assert response.status_code == 409
    assert response.json()["status"] == "sent"
    invoice.refresh_from_db()
    assert invoice.deleted_at is None


def test_sparse_fields_narrow_the_list_the_detail_and_find(owner: Any) -> None:
    invoice = make_invoice(owner=owner)
    client = client_for(owner)
    wanted = {"id", "invoice_number", "total_amount"}

    listed = client.get(INVOICES, {"fields": "id,invoice_number,total_amount"}).json()["results"]
    detail = client.get(invoice_url(invoice), {"fields": "id, invoice_number,total_amount"}).json()
    found = client.get(
        f"{INVOICES}find/", {"invoice_number": invoice.invoice_number, "fields": "id,invoice_number,total_amount"}
    ).json()

    assert listed == [{"id": invoice.pk, "invoice_number": invoice.invoice_number, "total_amount": "100.00"}]
    assert set(detail) == wanted
    assert set(found) == wanted


@pytest.mark.parametrize("path", ["list", "detail", "find"])
def test_an_unknown_sparse_field_is_a_400_listing_the_valid_ones(owner: Any, path: str) -> None:
    invoice = make_invoice(owner=owner)
    url = {"list": INVOICES, "detail": invoice_url(invoice), "find": f"{INVOICES}find/"}[path]

    query = {"fields": "id,secret", **({"invoice_number": invoice.invoice_number} if path == "find" else {})}
    response = client_for(owner).get(url, query)

    assert response.status_code == 400
    message = response.json()["fields"][0]
    assert "secret" in message
    assert "valid fields: " + ", ".join(INVOICE_FIELDS) in message


def test_an_empty_sparse_field_list_is_a_400(owner: Any) -> None:
    response = client_for(owner).get(INVOICES, {"fields": " , "})

    assert response.status_code == 400
    assert response.json()["fields"][0].startswith("Name at least one field; valid fields: id, invoice_number")


def test_find_returns_the_invoice_with_that_number_or_404(owner: Any) -> None:
    invoice = make_invoice(owner=owner, invoice_number="FIND-ME")
    client = client_for(owner)

    assert client.get(f"{INVOICES}find/", {"invoice_number": "FIND-ME"}).json()["id"] == invoice.pk
    assert client.get(f"{INVOICES}find/", {"invoice_number": "NOPE"}).status_code == 404
    missing = client.get(f"{INVOICES}find/")
    assert missing.status_code == 400
    assert "invoice_number" in missing.json()


def test_the_api_needs_a_signed_in_user(owner: Any) -> None:
    invoice = make_invoice(owner=owner)

    from rest_framework.test import APIClient

    anonymous = APIClient()
    assert anonymous.get(INVOICES).status_code == 401
    assert anonymous.get(invoice_url(invoice)).status_code == 401
    assert anonymous.post(INVOICES, invoice_body(), format="json").status_code == 401
    assert Invoice.objects.count() == 1
