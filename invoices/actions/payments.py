"""Payments: money received, and the invoice becoming paid when its balance reaches zero.

`RecordPayment` and `PayInFull` share one refusal and one locking body; paying in full
is a payment whose amount is the balance read under the lock, so it cannot overpay and
cannot be refused with a different 409 than a payment would be.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone

from core.errors import InvalidInput
from invoices import events
from invoices.actions.base import InvoiceAction, Refusal, bump_version, record_event
from invoices.actions.transitions import MarkInvoicePaid, transition_meta
from invoices.models import PAYABLE_STATES, EventKind, Payment, PaymentMethod
from invoices.money import ZERO, format_amount, format_money, quantize

# Payment.amount is NUMERIC(14, 2): twelve digits before the point.
PAYMENT_MAX_DIGITS_BEFORE_POINT = 12
# A payment given as a day (the page's "Paid on") is recorded at midday local time, so
# it stays on that day in every time zone a report may use; today means now.
PAID_ON_TIME_OF_DAY = time(12, 0)


def payment_time(*, paid_at: datetime | date | None) -> datetime:
    """When a payment was received: a moment as given, a day at local midday (today: now),
    nothing: now. Every door (API `paid_at`, the page's "Paid on") goes through here."""
    if paid_at is None:
        return timezone.now()
    if isinstance(paid_at, datetime):
        return paid_at if timezone.is_aware(paid_at) else timezone.make_aware(paid_at)
    if paid_at == timezone.localdate():
        return timezone.now()
    return timezone.make_aware(datetime.combine(paid_at, PAID_ON_TIME_OF_DAY))


def _amount(value: Any) -> Decimal | None:
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return number if number.is_finite() else None


class RecordPayment(InvoiceAction[Payment]):
    """Record money received on a sent or overdue invoice; more than the balance is refused."""

    name = "pay"

    def __init__(
        self,
        *,
        amount: Any = None,
        paid_at: datetime | date | None = None,
        method: str = PaymentMethod.BANK_TRANSFER,
        reference: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.raw_amount = amount
        self.amount: Decimal | None = None
        self.paid_at = paid_at
        self.method = method
        self.reference = reference or ""

    def refusal(self) -> Refusal | None:
        invoice = self._invoice()
        if invoice.deleted_at is not None or invoice.status not in PAYABLE_STATES:
            return Refusal.conflict(
                f"Payments can be recorded only on sent or overdue invoices; this one is {invoice.status}."
            )
        if not transition_meta("pay").has_transition_perm(invoice, invoice.status, self.actor):
            return Refusal.forbidden("You are not allowed to record payments on this invoice.")
        return None

    def validate_input(self) -> None:
        errors: dict[str, list[str]] = {}
        value = _amount(self.raw_amount)
        if value is None:
            errors["amount"] = ["A valid number is required."]
        elif value.adjusted() >= PAYMENT_MAX_DIGITS_BEFORE_POINT:
            # 1e30 cannot even be rounded to cents in Decimal's 28 digits, let alone stored.
            errors["amount"] = [f"Amount must be less than {10**PAYMENT_MAX_DIGITS_BEFORE_POINT:,}."]
        elif value <= 0 or value != quantize(value):
            errors["amount"] = ["Amount must be greater than zero, with at most 2 decimal places."]
        if self.method not in PaymentMethod.values:
            errors["method"] = [f"Unknown method; use one of {', '.join(PaymentMethod.values)}."]
        if errors:
            raise InvalidInput(errors=errors)
        self.amount = value

    def check_locked(self) -> None:
        invoice = self._invoice()
        balance = invoice.outstanding
        amount = self._amount()
        if amount > balance:
            raise InvalidInput(
                errors={
                    "amount": [
                        f"Payment of {format_money(amount, invoice.currency)} exceeds the balance due of "
                        f"{format_money(balance, invoice.currency)}."
                    ]
                }
            )

    def _amount(self) -> Decimal:
        if self.amount is None:
            raise RuntimeError("validate_input() sets the amount before the payment is written.")
        return self.amount

    def apply(self) -> Payment:
        invoice = self._invoice()
        amount = self._amount()
        payment = Payment.objects.create(
            invoice=invoice,
            amount=amount,
            paid_at=payment_time(paid_at=self.paid_at),
            method=self.method,
            reference=self.reference,
            recorded_by=self.actor,
        )
        invoice.amount_paid += amount
        bump_version(invoice)
        invoice.save()
        event = record_event(
            invoice,
            actor=self.actor,
            kind=EventKind.PAYMENT,
            data={
                "payment_id": payment.pk,
                "amount": format_amount(amount),
                "method": self.method,
                "reference": payment.reference,
                "balance_due": format_amount(invoice.outstanding),
            },
        )
        events.emit_on_commit(events.build_message(events.INVOICE_PAYMENT_RECORDED, invoice=invoice, event=event))
        if invoice.outstanding == ZERO:
            MarkInvoicePaid(invoice=invoice, actor=self.actor).execute_locked()
        return payment


class PayInFull(RecordPayment):
    """One payment of the whole balance, as read under the lock."""

    def validate_input(self) -> None:
        if self.method not in PaymentMethod.values:
            raise InvalidInput(errors={"method": [f"Unknown method; use one of {', '.join(PaymentMethod.values)}."]})

    def check_locked(self) -> None:
        self.amount = self._invoice().outstanding
