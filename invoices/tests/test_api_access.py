"""Object-level access on every endpoint: someone else's invoice or customer is a 404, and
the attempt leaves no trace (no event, no payment, nothing changed)."""

from __future__ import annotations

from typing import Any

import pytest

from invoices.models import Customer, Invoice, InvoiceEvent, Payment
from invoices.tests.api_support import CUSTOMERS, INVOICES, client_for, invoice_url, line
from invoices.tests.factories import advance, make_invoice

pytestmark = pytest.mark.django_db

# (method, action, body, the state in which the owner could do it)
INVOICE_ENDPOINTS = [
    ("get", "", None, "draft"),
    ("patch", "", {"notes": "pwned"}, "draft"),
    ("delete", "", None, "draft"),
    ("post", "submit", None, "draft"),
    ("post", "approve", None, "pending_approval"),
    ("post", "reject", {"reason": "because"}, "pending_approval"),
    ("post", "reject", {}, "pending_approval"),
    ("post", "revise", None, "rejected"),
    ("post", "send", None, "approved"),
    ("post", "cancel", None, "approved"),
    ("post", "pay", None, "sent"),
    ("get", "payments", None, "sent"),
    ("post", "payments", {"amount": "1.00"}, "sent"),
    ("post", "payments", {"amount": "-1"}, "sent"),
    ("patch", "status", {"status": "cancelled"}, "sent"),
    ("get", "events", None, "draft"),
    ("get", "pdf", None, "sent"),
]


def _invoice_in(state: str, owner: Any, approver: Any) -> Invoice:
    invoice = make_invoice(owner=owner)
    if state == "rejected":
        advance(invoice, to="pending_approval", approver=approver)
        client_for(approver).post(invoice_url(invoice, "reject"), {"reason": "r"}, format="json")
    elif state != "draft":
        advance(invoice, to=state, approver=approver)
    invoice.refresh_from_db()
    return invoice


def _snapshot(invoice: Invoice) -> tuple[Any, ...]:
    invoice.refresh_from_db()
    return (
        invoice.status,
        invoice.version,
        invoice.notes,
        invoice.amount_paid,
        invoice.deleted_at,
        InvoiceEvent.objects.filter(invoice=invoice).count(),
        Payment.objects.filter(invoice=invoice).count(),
    )


@pytest.mark.parametrize(("method", "action", "body", "state"), INVOICE_ENDPOINTS)
def test_another_users_invoice_is_a_404_on_every_endpoint_and_nothing_happens(
    owner: Any, other_user: Any, approver: Any, method: str, action: str, body: Any, state: str
) -> None:
    invoice = _invoice_in(state, owner, approver)
    before = _snapshot(invoice)

    response = getattr(client_for(other_user), method)(invoice_url(invoice, action), body, format="json")

    assert response.status_code == 404
    assert response.json() == {"detail": "No invoice matches the given id."}
    assert _snapshot(invoice) == before


@pytest.mark.parametrize(("method", "action", "body", "state"), INVOICE_ENDPOINTS)
def test_an_invoice_id_that_does_not_exist_is_the_same_404(
    owner: Any, method: str, action: str, body: Any, state: str
) -> None:
    response = getattr(client_for(owner), method)(invoice_url(987654, action), body, format="json")

    assert response.status_code == 404
    assert response.json() == {"detail": "No invoice matches the given id."}


def test_another_users_invoice_is_not_found_by_number_listed_or_exported(owner: Any, other_user: Any) -> None:
    make_invoice(owner=owner, invoice_number="SECRET-1", customer_name="Hidden Co")
    client = client_for(other_user)

    assert client.get(f"{INVOICES}find/", {"invoice_number": "SECRET-1"}).status_code == 404
    assert client.get(INVOICES).json()["count"] == 0
    assert client.get(INVOICES, {"search": "SECRET"}).json()["count"] == 0
    export = b"".join(client.get(f"{INVOICES}export.csv").streaming_content).decode()  # type: ignore[attr-defined]  # a streaming response
    assert "SECRET-1" not in export
    assert "Hidden Co" not in export


def test_a_deleted_invoice_is_a_404_even_for_staff(owner: Any, approver: Any) -> None:
    invoice = make_invoice(owner=owner)
    client_for(owner).delete(invoice_url(invoice))

    assert client_for(approver).get(invoice_url(invoice)).status_code == 404
    assert client_for(owner).post(invoice_url(invoice, "submit")).status_code == 404
    assert InvoiceEvent.objects.filter(invoice=invoice).count() == 2


def test_staff_can_read_anyones_invoice_but_not_edit_it_into_their_own(owner: Any, approver: Any) -> None:
    invoice = make_invoice(owner=owner)

    response = client_for(approver).get(invoice_url(invoice))

    assert response.status_code == 200
    assert response.json()["owner"]["id"] == owner.pk
    assert response.json()["available_transitions"] == []


@pytest.mark.parametrize(
    ("method", "body"),
    [("get", None), ("patch", {"name": "Renamed"}), ("put", {"name": "Renamed"}), ("delete", None)],
)
def test_another_users_customer_is_a_404_and_stays_as_it_was(
    owner: Any, other_user: Any, method: str, body: Any
) -> None:
    customer = client_for(owner).post(CUSTOMERS, {"name": "Private Co"}, format="json").json()

    response = getattr(client_for(other_user), method)(f"{CUSTOMERS}{customer['id']}/", body, format="json")

    assert response.status_code == 404
    stored = Customer.objects.get(pk=customer["id"])
    assert (stored.name, stored.deleted_at) == ("Private Co", None)


def test_an_invoice_cannot_be_moved_onto_another_users_customer(owner: Any, other_user: Any) -> None:
    invoice = make_invoice(owner=owner)
    theirs = make_invoice(owner=other_user, customer_name="Their Co").customer

    response = client_for(owner).patch(
        invoice_url(invoice), {"customer_id": theirs.pk, "items": [line()]}, format="json"
    )

    assert response.status_code == 400
    invoice.refresh_from_db()
    assert invoice.customer_id != theirs.pk
