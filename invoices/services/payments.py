"""Payments: money received, and the invoice becoming paid when its balance reaches zero."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from core.errors import Forbidden, InvalidInput
from invoices import events
from invoices.models import (
    PAYABLE_STATES,
    EventKind,
    Payment,
    PaymentMethod,
)
from invoices.money import ZERO, format_amount, format_money, quantize
from invoices.services._shared import (
    _bump,
    _conflict,
    _decimal,
    _lock_visible_invoice,
    _record_event,
    _run_transition,
    _transition_meta,
)

if TYPE_CHECKING:
    from accounts.models import User

# Payment.amount is NUMERIC(14, 2): twelve digits before the point.
PAYMENT_MAX_DIGITS_BEFORE_POINT = 12


def payment_record(
    *,
    invoice_id: int,
    actor: User | None,
    amount: Any,
    paid_at: datetime | None = None,
    method: str = PaymentMethod.BANK_TRANSFER,
    reference: str = "",
) -> Payment:
    """Record money received. The invoice becomes paid when its balance reaches zero;
    paying more than the balance is refused."""
    errors: dict[str, Any] = {}
    value = _decimal(amount, "amount", errors)
    if value is not None and value.adjusted() >= PAYMENT_MAX_DIGITS_BEFORE_POINT:
        # 1e30 cannot even be rounded to cents in Decimal's 28 digits, let alone stored.
        errors["amount"] = [f"Amount must be less than {10**PAYMENT_MAX_DIGITS_BEFORE_POINT:,}."]
    elif value is not None and (value <= 0 or value != quantize(value)):
        errors["amount"] = ["Amount must be greater than zero, with at most 2 decimal places."]
    if method not in PaymentMethod.values:
        errors["method"] = [f"Unknown method; use one of {', '.join(PaymentMethod.values)}."]
    if errors or value is None:
        raise InvalidInput(errors=errors)
    with transaction.atomic():
        invoice = _lock_visible_invoice(invoice_id=invoice_id, actor=actor)
        if invoice.status not in PAYABLE_STATES:
            raise _conflict(
                invoice,
                actor,
                f"Payments can be recorded only on sent or overdue invoices; this one is {invoice.status}.",
            )
        if not _transition_meta(invoice, "pay").has_transition_perm(invoice, invoice.status, actor):
            raise Forbidden("You are not allowed to record payments on this invoice.")
        balance = invoice.outstanding
        if value > balance:
            raise InvalidInput(
                errors={
                    "amount": [
                        f"Payment of {format_money(value, invoice.currency)} exceeds the balance due of "
                        f"{format_money(balance, invoice.currency)}."
                    ]
                }
            )
        payment = Payment.objects.create(
            invoice=invoice,
            amount=value,
            paid_at=paid_at or timezone.now(),
            method=method,
            reference=reference or "",
            recorded_by=actor,
        )
        invoice.amount_paid += value
        _bump(invoice)
        invoice.save()
        event = _record_event(
            invoice,
            actor=actor,
            kind=EventKind.PAYMENT,
            data={
                "payment_id": payment.pk,
                "amount": format_amount(value),
                "method": method,
                "reference": payment.reference,
                "balance_due": format_amount(invoice.outstanding),
            },
        )
        events.emit_on_commit(events.build_message(events.INVOICE_PAYMENT_RECORDED, invoice=invoice, event=event))
        if invoice.outstanding == ZERO:
            _run_transition(invoice, name="pay", actor=actor)
    return payment


def invoice_pay_in_full(
    *, invoice_id: int, actor: User | None, method: str = PaymentMethod.BANK_TRANSFER, reference: str = ""
) -> Payment:
    """Record one payment of the whole remaining balance."""
    with transaction.atomic():
        invoice = _lock_visible_invoice(invoice_id=invoice_id, actor=actor)
        if invoice.status not in PAYABLE_STATES:
            raise _conflict(invoice, actor, f"Only sent or overdue invoices can be paid; this one is {invoice.status}.")
        return payment_record(
            invoice_id=invoice.pk,
            actor=actor,
            amount=invoice.outstanding,
            method=method,
            reference=reference,
        )
