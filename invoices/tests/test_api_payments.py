"""Money received through the API: payments/, pay/, overpayment, states that take payments."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from invoices import services
from invoices.models import Invoice, Payment
from invoices.tests.api_support import client_for, event_count, invoice_url
from invoices.tests.factories import advance, item, make_invoice

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent_invoice(owner: Any, approver: Any) -> Invoice:
    """A sent invoice of 120.00 (100.00 + 20% tax)."""
    return advance(make_invoice(owner=owner, items=[item(tax_rate="20")]), to="sent", approver=approver)


def test_a_payment_is_recorded_and_listed(owner: Any, sent_invoice: Invoice) -> None:
    client = client_for(owner)

    response = client.post(
        invoice_url(sent_invoice, "payments"),
        {"amount": "40.00", "method": "card", "reference": "TX-1", "paid_at": "2030-01-15T10:00:00Z"},
        format="json",
    )

    assert response.status_code == 201, response.data
    payment = Payment.objects.get()
    assert response.json() == {
        "id": payment.pk,
        "invoice": sent_invoice.pk,
        "amount": "40.00",
        "paid_at": "2030-01-15T10:00:00Z",
        "method": "card",
        "reference": "TX-1",
        "recorded_by": {"id": owner.pk, "username": owner.username},
        "created_at": response.json()["created_at"],
    }
    listed = client.get(invoice_url(sent_invoice, "payments")).json()
    assert [row["id"] for row in listed] == [payment.pk]
    invoice = client.get(invoice_url(sent_invoice)).json()
    assert (invoice["status"], invoice["amount_paid"], invoice["balance_due"]) == ("sent", "40.00", "80.00")


def test_the_invoice_is_paid_when_the_balance_reaches_zero(owner: Any, sent_invoice: Invoice) -> None:
    client = client_for(owner)
    client.post(invoice_url(sent_invoice, "payments"), {"amount": "100.00"}, format="json")

    response = client.post(invoice_url(sent_invoice, "payments"), {"amount": "20.00"}, format="json")

    assert response.status_code == 201
    sent_invoice.refresh_from_db()
    assert sent_invoice.status == "paid"
    assert sent_invoice.paid_at is not None
    assert sent_invoice.amount_paid == Decimal("120.00")
    assert list(sent_invoice.events.values_list("kind", "transition")[4:]) == [
        ("payment", ""),
        ("payment", ""),
        ("transition", "pay"),
    ]


def test_an_overpayment_is_a_400_naming_the_balance_and_records_nothing(owner: Any, sent_invoice: Invoice) -> None:
    events_before = event_count(sent_invoice)

    response = client_for(owner).post(invoice_url(sent_invoice, "payments"), {"amount": "120.01"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"amount": ["Payment of 120.01 USD exceeds the balance due of 120.00 USD."]}
    assert not Payment.objects.exists()
    sent_invoice.refresh_from_db()
    assert (sent_invoice.status, sent_invoice.amount_paid) == ("sent", Decimal("0.00"))
    assert event_count(sent_invoice) == events_before


@pytest.mark.parametrize(
    ("body", "field", "message_part"),
    [
        ({"amount": "0"}, "amount", "greater than zero"),
        ({"amount": "-5.00"}, "amount", "greater than zero"),
        ({"amount": "1.001"}, "amount", "2 decimal places"),
        ({"amount": "1234567890123"}, "amount", "Amount must be less than 1,000,000,000,000."),
        ({"amount": "ten"}, "amount", "valid number"),
        ({}, "amount", "required"),
        ({"amount": "5.00", "method": "barter"}, "method", "not a valid choice"),
        ({"amount": "5.00", "paid_at": "last week"}, "paid_at", "wrong format"),
    ],
)
def test_a_bad_payment_is_a_400_naming_the_field(
    owner: Any, sent_invoice: Invoice, body: dict[str, str], field: str, message_part: str
) -> None:
    response = client_for(owner).post(invoice_url(sent_invoice, "payments"), body, format="json")

    assert response.status_code == 400
    assert message_part in " ".join(response.json()[field])
    assert not Payment.objects.exists()


@pytest.mark.parametrize("state", ["draft", "pending_approval", "approved", "paid", "cancelled"])
def test_payments_are_a_409_outside_sent_and_overdue(owner: Any, approver: Any, state: str) -> None:
    invoice = make_invoice(owner=owner)
    if state == "cancelled":
        services.invoice_cancel(invoice_id=invoice.pk, actor=owner)
    elif state != "draft":
        advance(invoice, to=state, approver=approver)
    payments_before = Payment.objects.count()
    events_before = event_count(invoice)

    response = client_for(owner).post(invoice_url(invoice, "payments"), {"amount": "1.00"}, format="json")

    assert response.status_code == 409
    assert set(response.json()) == {"detail", "status", "available_transitions"}
    assert response.json()["status"] == state
    assert Payment.objects.count() == payments_before
    assert event_count(invoice) == events_before


def test_an_overdue_invoice_takes_payments(owner: Any, approver: Any) -> None:
    invoice = make_invoice(owner=owner, issue_date=date(2020, 1, 1), due_date=date(2020, 1, 31))
    advance(invoice, to="sent", approver=approver)
    assert services.invoices_mark_overdue() == 1

    response = client_for(owner).post(invoice_url(invoice, "pay"))

    assert response.status_code == 200
    assert response.json()["status"] == "paid"
    assert invoice.events.last().from_status == "overdue"


def test_pay_records_one_payment_of_the_whole_balance(owner: Any, sent_invoice: Invoice) -> None:
    client = client_for(owner)
    client.post(invoice_url(sent_invoice, "payments"), {"amount": "20.00"}, format="json")

    response = client.post(invoice_url(sent_invoice, "pay"), {"method": "cash", "reference": "R-9"}, format="json")

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["balance_due"]) == ("paid", "0.00")
    last = Payment.objects.order_by("id").last()
    assert (last.amount, last.method, last.reference) == (Decimal("100.00"), "cash", "R-9")


def test_pay_on_a_draft_is_a_409_and_records_nothing(owner: Any) -> None:
    invoice = make_invoice(owner=owner)

    response = client_for(owner).post(invoice_url(invoice, "pay"))

    assert response.status_code == 409
    assert response.json()["status"] == "draft"
    assert not Payment.objects.exists()


def test_staff_may_record_a_payment_on_someone_elses_sent_invoice(
    staff_without_permission: Any, sent_invoice: Invoice
) -> None:
    response = client_for(staff_without_permission).post(
        invoice_url(sent_invoice, "payments"), {"amount": "10.00"}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["recorded_by"]["id"] == staff_without_permission.pk
