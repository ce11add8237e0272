"""Test data built the way users make it: through the services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model

from invoices import services
from invoices.models import Invoice
from invoices.roles import approvers_group

PASSWORD = "correct-horse-battery-9"
_counter = {"n": 0}


def _next() -> int:
    _counter["n"] += 1
    return _counter["n"]


def make_user(
    *, username: str | None = None, staff: bool = False, approver: bool = False, superuser: bool = False, **extra: Any
) -> Any:
    """A verified user; approvers are staff in the Approvers group (created by migration)."""
    n = _next()
    username = username or f"user{n}"
    user = get_user_model().objects.create_user(
        username=username,
        email=f"{username}@example.com",
        password=PASSWORD,
        is_staff=staff or approver or superuser,
        is_superuser=superuser,
        **extra,
    )
    if approver:
        user.groups.add(approvers_group())
    return user


def item(
    description: str = "Consulting",
    quantity: str = "1",
    unit_price: str = "100.00",
    discount_percent: str = "0",
    tax_rate: str = "0",
) -> dict[str, Decimal | str]:
    return {
        "description": description,
        "quantity": Decimal(quantity),
        "unit_price": Decimal(unit_price),
        "discount_percent": Decimal(discount_percent),
        "tax_rate": Decimal(tax_rate),
    }


def make_invoice(
    *, owner: Any, items: list[dict[str, Any]] | None = None, customer_name: str = "Acme Ltd", **fields: Any
) -> Invoice:
    return services.invoice_create(
        owner=owner,
        customer_name=customer_name,
        customer_email="billing@acme.example",
        items=items if items is not None else [item()],
        **fields,
    )


def advance(invoice: Invoice, *, to: str, approver: Any) -> Invoice:
    """Walk an invoice along the happy path to `to` (pending_approval, approved, sent, paid)."""
    path = ["pending_approval", "approved", "sent", "paid"]
    for status in path[: path.index(to) + 1]:
        if status == "pending_approval":
            services.invoice_submit(invoice_id=invoice.pk, actor=invoice.owner)
        elif status == "approved":
            services.invoice_approve(invoice_id=invoice.pk, actor=approver)
        elif status == "sent":
            services.invoice_send(invoice_id=invoice.pk, actor=invoice.owner)
        elif status == "paid":
            services.invoice_pay_in_full(invoice_id=invoice.pk, actor=invoice.owner)
    invoice.refresh_from_db()
    return invoice
