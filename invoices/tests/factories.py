"""Test data built the way users make it: through the services. Users come from
`accounts.tests.factories`, the one user factory."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from invoices import services
from invoices.models import Invoice


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
