"""Payments: money received, and the invoice becoming paid when its balance reaches zero.

Thin wrappers over `invoices.actions.payments`: `payment_record` and
`invoice_pay_in_full` are two durable entry points over one locking body, so paying in
full never nests a second locked service.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from invoices.actions import PayInFull, RecordPayment
from invoices.actions.payments import PAYMENT_MAX_DIGITS_BEFORE_POINT, payment_time
from invoices.models import Payment, PaymentMethod

if TYPE_CHECKING:
    from accounts.models import User

__all__ = ["PAYMENT_MAX_DIGITS_BEFORE_POINT", "invoice_pay_in_full", "payment_record", "payment_time"]


def payment_record(
    *,
    invoice_id: int,
    actor: User | None,
    amount: Any,
    paid_at: datetime | date | None = None,
    method: str = PaymentMethod.BANK_TRANSFER,
    reference: str = "",
) -> Payment:
    """Record money received. The invoice becomes paid when its balance reaches zero;
    paying more than the balance is refused. `paid_at` is a moment, or a day (recorded
    at local midday; today means now), or nothing (now): see `payment_time`."""
    return RecordPayment(
        invoice_id=invoice_id, actor=actor, amount=amount, paid_at=paid_at, method=method, reference=reference
    ).execute()


def invoice_pay_in_full(
    *, invoice_id: int, actor: User | None, method: str = PaymentMethod.BANK_TRANSFER, reference: str = ""
) -> Payment:
    """Record one payment of the whole remaining balance, read under the row lock."""
    return PayInFull(invoice_id=invoice_id, actor=actor, method=method, reference=reference).execute()
