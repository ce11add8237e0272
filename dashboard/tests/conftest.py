"""A book of invoices in every state, made through the services, with known figures.

Dates are relative to the real today, because the overdue sweep and the state machine
compare due dates with it. The figures the dashboard must show for this book are
worked out by hand in the tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from invoices import services
from invoices.models import Invoice
from invoices.tests.factories import advance, item, make_invoice


@pytest.fixture
def today() -> date:
    return timezone.localdate()


def days(n: int) -> timedelta:
    return timedelta(days=n)


def sent_invoice(owner: Any, approver: Any, **fields: Any) -> Invoice:
    return advance(make_invoice(owner=owner, **fields), to="sent", approver=approver)


def pay(invoice: Invoice, amount: str, *, days_ago: int = 0) -> None:
    services.payment_record(
        invoice_id=invoice.pk, actor=invoice.owner, amount=amount, paid_at=timezone.now() - days(days_ago)
    )


@dataclass
class Book:
    """Olivia's invoices (USD unless said), Mallory's, and one of Alice's."""

    current: Invoice  # Acme, 100.00, due in 20 days, 40.00 paid two days ago
    overdue_35: Invoice  # Globex, 250.00, 35 days past due, swept to overdue
    overdue_61: Invoice  # Initech, 40.00, 61 days past due, swept to overdue
    overdue_eur: Invoice  # Globex, EUR 1000.00 + 20% tax, 95 days past due, swept to overdue
    paid_long_ago: Invoice  # Acme, 500.00, issued 120 days ago, paid 45 days ago
    sent_past_due: Invoice  # Acme, 300.00, 5 days past due, sent after the sweep: still `sent`
    paid_today: Invoice  # Hooli, 80.00, issued 5 days ago, paid in full now
    draft: Invoice  # 70.00
    pending: Invoice  # 90.00, waiting for approval
    cancelled: Invoice  # 15.00, cancelled draft
    deleted: Invoice  # 999.00, sent, 9.00 paid, cancelled and deleted: counts nowhere
    others_overdue: Invoice  # Mallory's Umbrella, 700.00, 100.00 paid now, swept to overdue
    others_pending: Invoice  # Mallory's, 55.00
    approvers_own_pending: Invoice  # Alice's, 33.00


@pytest.fixture
def book(owner: Any, other_user: Any, approver: Any, today: date) -> Book:
    current = sent_invoice(owner, approver, issue_date=today - days(10), due_date=today + days(20))
    pay(current, "40.00", days_ago=2)
    overdue_35 = sent_invoice(
        owner,
        approver,
        customer_name="Globex",
        items=[item(quantity="2", unit_price="125.00")],
        issue_date=today - days(50),
        due_date=today - days(35),
    )
    overdue_61 = sent_invoice(
        owner,
        approver,
        customer_name="Initech",
        items=[item(unit_price="40.00")],
        issue_date=today - days(80),
        due_date=today - days(61),
    )
    overdue_eur = sent_invoice(
        owner,
        approver,
        customer_name="Globex",
        currency="EUR",
        items=[item(unit_price="1000.00", tax_rate="20")],
        issue_date=today - days(100),
        due_date=today - days(95),
    )
    paid_long_ago = sent_invoice(
        owner, approver, items=[item(unit_price="500.00")], issue_date=today - days(120), due_date=today - days(100)
    )
    others_overdue = sent_invoice(
        other_user,
        approver,
        customer_name="Umbrella",
        items=[item(unit_price="700.00")],
        issue_date=today - days(40),
        due_date=today - days(10),
    )
    assert services.invoices_mark_overdue(today=today) == 5
    pay(paid_long_ago, "500.00", days_ago=45)
    pay(others_overdue, "100.00")

    sent_past_due = sent_invoice(
        owner, approver, items=[item(unit_price="300.00")], issue_date=today - days(20), due_date=today - days(5)
    )
    paid_today = sent_invoice(
        owner,
        approver,
        customer_name="Hooli",
        items=[item(unit_price="80.00")],
        issue_date=today - days(5),
        due_date=today + days(25),
    )
    services.invoice_pay_in_full(invoice_id=paid_today.pk, actor=owner)
    draft = make_invoice(owner=owner, items=[item(unit_price="70.00")])
    pending = advance(make_invoice(owner=owner, items=[item(unit_price="90.00")]), to="pending_approval", approver=None)
    cancelled = make_invoice(owner=owner, items=[item(unit_price="15.00")])
    services.invoice_cancel(invoice_id=cancelled.pk, actor=owner)
    deleted = sent_invoice(owner, approver, items=[item(unit_price="999.00")], issue_date=today - days(3))
    pay(deleted, "9.00")
    services.invoice_cancel(invoice_id=deleted.pk, actor=owner)
    services.invoice_delete(invoice_id=deleted.pk, actor=owner)
    others_pending = advance(
        make_invoice(owner=other_user, items=[item(unit_price="55.00")]), to="pending_approval", approver=None
    )
    approvers_own_pending = advance(
        make_invoice(owner=approver, items=[item(unit_price="33.00")]), to="pending_approval", approver=None
    )
    return Book(
        current=current,
        overdue_35=overdue_35,
        overdue_61=overdue_61,
        overdue_eur=overdue_eur,
        paid_long_ago=paid_long_ago,
        sent_past_due=sent_past_due,
        paid_today=paid_today,
        draft=draft,
        pending=pending,
        cancelled=cancelled,
        deleted=deleted,
        others_overdue=others_overdue,
        others_pending=others_pending,
        approvers_own_pending=approvers_own_pending,
    )
