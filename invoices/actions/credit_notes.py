"""Issuing a credit note: taking back part or all of a sent, overdue or paid invoice.

The invoice row is locked first (then the owner's credit-note counter), so concurrent
credits on one invoice queue and the credited total can never pass the invoice total:
`check_locked` gives the 400, and the `invoices_invoice_credited_not_above_total`
constraint backs it in the database.

On an unpaid invoice the credit lowers the balance due; when payments and credits
together cover the total, the invoice is settled and moves to `paid` (the same `pay`
transition a last payment runs). On a paid invoice the credit records a refund owed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from core.errors import InvalidInput
from invoices import events
from invoices.actions.base import InvoiceAction, Refusal, bump_version, record_event
from invoices.actions.transitions import MarkInvoicePaid
from invoices.models import CreditNote, CreditNoteItem, EventKind, InvoiceStatus
from invoices.money import MAX_AMOUNT, ZERO, InvoiceTotals, LineAmounts, format_amount, invoice_totals, line_amounts

if TYPE_CHECKING:
    from invoices.services.items import ItemInput

CREDITABLE_STATES = (InvoiceStatus.SENT, InvoiceStatus.OVERDUE, InvoiceStatus.PAID)
MAX_REASON_LENGTH = 2000


class IssueCreditNote(InvoiceAction[CreditNote]):
    """Only the invoice's owner issues credit notes (staff see them, like invoices); the
    credited total across an invoice's credit notes stays at most its total."""

    name = "credit"

    def __init__(self, *, reason: str = "", items: Iterable[Mapping[str, Any]] = (), **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.reason = (reason or "").strip()
        self.raw_items = list(items)
        self.items: list[ItemInput] = []
        self.lines: list[LineAmounts] = []
        self.totals: InvoiceTotals | None = None

    def refusal(self) -> Refusal | None:
        invoice = self._invoice()
        if invoice.deleted_at is not None or invoice.status not in CREDITABLE_STATES:
            return Refusal.conflict(
                f"Credit notes can be issued only on sent, overdue or paid invoices; this one is {invoice.status}."
            )
        if self.actor is None or invoice.owner_id != self.actor.pk:
            return Refusal.forbidden("Only the invoice's owner can issue a credit note.")
        return None

    def validate_input(self) -> None:
        from invoices.services.items import _parse_items

        errors: dict[str, list[str]] = {}
        if not self.reason:
            errors["reason"] = ["A reason is required for a credit note."]
        elif len(self.reason) > MAX_REASON_LENGTH:
            errors["reason"] = [f"Ensure this field has no more than {MAX_REASON_LENGTH} characters."]
        if not self.raw_items:
            errors["items"] = ["A credit note needs at least one item."]
        if errors:
            raise InvalidInput(errors=errors)
        self.items = _parse_items(self.raw_items)
        self.lines = [
            line_amounts(
                quantity=item.quantity,
                unit_price=item.unit_price,
                discount_percent=item.discount_percent,
                tax_rate=item.tax_rate,
            )
            for item in self.items
        ]
        totals = invoice_totals(self.lines)
        if totals.total_amount <= ZERO:
            raise InvalidInput(errors={"items": ["A credit note's total must be above zero."]})
        if totals.total_amount > MAX_AMOUNT:
            raise InvalidInput(errors={"items": ["The credit note total exceeds the largest amount we can store."]})
        self.totals = totals

    def _totals(self) -> InvoiceTotals:
        if self.totals is None:
            raise RuntimeError("validate_input() computes the totals before the credit note is written.")
        return self.totals

    def check_locked(self) -> None:
        invoice = self._invoice()
        total = self._totals().total_amount
        creditable = invoice.total_amount - invoice.amount_credited
        if total > creditable:
            raise InvalidInput(
                errors={
                    "items": [
                        f"The credit of {format_amount(total)} exceeds what is left to credit on "
                        f"this invoice ({format_amount(creditable)} of {format_amount(invoice.total_amount)})."
                    ]
                }
            )

    def apply(self) -> CreditNote:
        from invoices.services.numbering import credit_note_number

        invoice = self._invoice()
        totals = self._totals()
        today = timezone.localdate()
        credit_note = CreditNote.objects.create(
            owner_id=invoice.owner_id,
            invoice=invoice,
            number=credit_note_number(owner_id=invoice.owner_id, on=today),
            reason=self.reason,
            currency=invoice.currency,
            issue_date=today,
            subtotal=totals.subtotal,
            tax_amount=totals.tax_amount,
            total_amount=totals.total_amount,
            created_by=self.actor,
        )
        CreditNoteItem.objects.bulk_create(
            CreditNoteItem(
                credit_note=credit_note,
                line_number=number,
                description=item.description,
                quantity=item.quantity,
                unit_price=item.unit_price,
                discount_percent=item.discount_percent,
                tax_rate=item.tax_rate,
                line_total=line.line_total,
                tax_amount=line.tax_amount,
            )
            for number, (item, line) in enumerate(zip(self.items, self.lines, strict=True), start=1)
        )
        invoice.amount_credited += totals.total_amount
        bump_version(invoice)
        invoice.save()
        event = record_event(
            invoice,
            actor=self.actor,
            kind=EventKind.CREDIT,
            reason=self.reason,
            data={
                "credit_note_id": credit_note.pk,
                "number": credit_note.number,
                "total_amount": format_amount(credit_note.total_amount),
                "amount_credited": format_amount(invoice.amount_credited),
                "balance_due": format_amount(invoice.outstanding),
                "refund_owed": format_amount(invoice.refund_owed),
            },
        )
        events.emit_on_commit(
            events.build_message(
                events.INVOICE_CREDITED,
                invoice=invoice,
                event=event,
                extra={
                    "credit_note": {
                        "id": credit_note.pk,
                        "number": credit_note.number,
                        "total_amount": format_amount(credit_note.total_amount),
                    }
                },
            )
        )
        if invoice.status != InvoiceStatus.PAID and invoice.outstanding == ZERO:
            MarkInvoicePaid(invoice=invoice, actor=self.actor).execute_locked()
        return credit_note
