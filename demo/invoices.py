"""Demo invoices for `make run`: a realistic book of work, made through the services.

Only runs when the demo owner has no invoices yet, so a second run changes nothing
and never disturbs what someone did with the demo data in the meantime.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from invoices import services
from invoices.models import Invoice

if TYPE_CHECKING:
    from accounts.models import User

CUSTOMERS = (
    ("Northwind Traders", "accounts@northwind.example", "12 Harbour Road\nSeattle, WA 98101"),
    ("Globex Corporation", "ap@globex.example", "1 Globex Plaza\nCypress Creek"),
    ("Initech", "finance@initech.example", "4120 Freidrich Lane\nAustin, TX 78744"),
    ("Umbrella Health", "payables@umbrella.example", "500 Raccoon Ave\nRaccoon City"),
)

# (customer index, days ago issued, lines, where the invoice ends up)
PLAN = (
    (0, 2, [("Website redesign", "1", "4800.00", "0", "20")], "draft"),
    (
        1,
        5,
        [("Consulting (hours)", "12", "150.00", "0", "20"), ("Travel", "1", "320.40", "0", "0")],
        "pending_approval",
    ),
    (2, 9, [("Support plan (monthly)", "3", "450.00", "10", "20")], "approved"),
    (3, 20, [("Data migration", "1", "2750.00", "0", "20"), ("Training day", "2", "900.00", "5", "20")], "sent"),
    (0, 70, [("Hosting (annual)", "1", "1200.00", "0", "20")], "overdue"),
    (1, 45, [("Security audit", "1", "6400.00", "0", "20")], "paid"),
    (2, 30, [("Workshop", "1", "1500.00", "0", "20")], "rejected"),
    (3, 12, [("Licences", "25", "39.99", "0", "20")], "partially_paid"),
)


def seed_demo_invoices(*, owner: User, approver: User) -> int:
    """Create the demo invoices for `owner`; returns how many were made (0 if any exist)."""
    if Invoice.objects.filter(owner=owner).exists():
        return 0
    today = timezone.localdate()
    customers = [
        services.customer_create(owner=owner, name=name, email=email, address=address)
        for name, email, address in CUSTOMERS
    ]
    for customer_index, days_ago, lines, outcome in PLAN:
        issue_date = today - timedelta(days=days_ago)
        invoice = services.invoice_create(
            owner=owner,
            customer_id=customers[customer_index].pk,
            issue_date=issue_date,
            due_date=issue_date + timedelta(days=30),
            notes="Thank you for your business.",
            items=[
                {
                    "description": description,
                    "quantity": Decimal(quantity),
                    "unit_price": Decimal(price),
                    "discount_percent": Decimal(discount),
                    "tax_rate": Decimal(tax),
                }
                for description, quantity, price, discount, tax in lines
            ],
        )
        _walk(invoice, outcome=outcome, owner=owner, approver=approver, today=today)
    return len(PLAN)


def _walk(invoice: Invoice, *, outcome: str, owner: User, approver: User, today: Any) -> None:
    if outcome == "draft":
        return
    services.invoice_submit(invoice_id=invoice.pk, actor=owner)
    if outcome == "pending_approval":
        return
    if outcome == "rejected":
        services.invoice_reject(invoice_id=invoice.pk, actor=approver, reason="Please add the PO number.")
        return
    services.invoice_approve(invoice_id=invoice.pk, actor=approver)
    if outcome == "approved":
        return
    services.invoice_send(invoice_id=invoice.pk, actor=owner)
    if outcome == "overdue":
        services.invoices_mark_overdue(today=today)
    elif outcome == "paid":
        services.invoice_pay_in_full(invoice_id=invoice.pk, actor=owner, reference="Wire 88231")
    elif outcome == "partially_paid":
        services.payment_record(invoice_id=invoice.pk, actor=owner, amount=Decimal("400.00"), reference="Card")
