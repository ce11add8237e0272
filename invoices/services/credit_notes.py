"""Credit notes: taking back part or all of a sent, overdue or paid invoice.

The invoice row is locked first (then the owner's credit-note counter), so concurrent
credits on one invoice queue and the credited total can never pass the invoice total:
the check here gives the 400, and the `invoices_invoice_credited_not_above_total`
constraint backs it in the database.

On an unpaid invoice the credit lowers the balance due; when payments and credits
together cover the total, the invoice is settled and moves to `paid` (the same `pay`
transition a last payment runs, so reports and the state machine need no new state).
On a paid invoice the credit records a refund owed (`Invoice.refund_owed`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from core.errors import Forbidden, InvalidInput
from invoices import events
from invoices.models import CreditNote, CreditNoteItem, EventKind, InvoiceStatus
from invoices.money import MAX_AMOUNT, ZERO, format_amount, invoice_totals, line_amounts
from invoices.services._shared import _bump, _conflict, _lock_visible_invoice, _record_event, _run_transition
from invoices.services.items import _parse_items
from invoices.services.numbering import credit_note_number

if TYPE_CHECKING:
    from accounts.models import User

CREDITABLE_STATES = (InvoiceStatus.SENT, InvoiceStatus.OVERDUE, InvoiceStatus.PAID)
MAX_REASON_LENGTH = 2000


def credit_note_create(
    *, invoice_id: int, actor: User | None, reason: str, items: Iterable[Mapping[str, Any]]
) -> CreditNote:
    """Issue a credit note on the invoice; its lines are computed like invoice lines.

    Only the invoice's owner issues credit notes (staff see them, like invoices). The
    credited total across all of an invoice's credit notes stays at most its total."""
    reason = (reason or "").strip()
    errors: dict[str, Any] = {}
    if not reason:
        errors["reason"] = ["A reason is required for a credit note."]
    elif len(reason) > MAX_REASON_LENGTH:
        errors["reason"] = [f"Ensure this field has no more than {MAX_REASON_LENGTH} characters."]
    raw_items = list(items)
    if not raw_items:
        errors["items"] = ["A credit note needs at least one item."]
    if errors:
        raise InvalidInput(errors=errors)
    parsed = _parse_items(raw_items)
    lines = [
        line_amounts(
            quantity=item.quantity,
            unit_price=item.unit_price,
            discount_percent=item.discount_percent,
            tax_rate=item.tax_rate,
        )
        for item in parsed
    ]
    totals = invoice_totals(lines)
    if totals.total_amount <= ZERO:
        raise InvalidInput(errors={"items": ["A credit note's total must be above zero."]})
    if totals.total_amount > MAX_AMOUNT:
        raise InvalidInput(errors={"items": ["The credit note total exceeds the largest amount we can store."]})

    with transaction.atomic():
        invoice = _lock_visible_invoice(invoice_id=invoice_id, actor=actor)
        if invoice.status not in CREDITABLE_STATES:
            raise _conflict(
                invoice,
                actor,
                f"Credit notes can be issued only on sent, overdue or paid invoices; this one is {invoice.status}.",
            )
        if actor is None or invoice.owner_id != actor.pk:
            raise Forbidden("Only the invoice's owner can issue a credit note.")
        creditable = invoice.total_amount - invoice.amount_credited
        if totals.total_amount > creditable:
            raise InvalidInput(
                errors={
                    "items": [
                        f"The credit of {format_amount(totals.total_amount)} exceeds what is left to credit on "
                        f"this invoice ({format_amount(creditable)} of {format_amount(invoice.total_amount)})."
                    ]
                }
            )
        today = timezone.localdate()
        credit_note = CreditNote.objects.create(
            owner_id=invoice.owner_id,
            invoice=invoice,
            number=credit_note_number(owner_id=invoice.owner_id, on=today),
            reason=reason,
            currency=invoice.currency,
            issue_date=today,
            subtotal=totals.subtotal,
            tax_amount=totals.tax_amount,
            total_amount=totals.total_amount,
            created_by=actor,
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
            for number, (item, line) in enumerate(zip(parsed, lines, strict=True), start=1)
        )
        invoice.amount_credited += totals.total_amount
        _bump(invoice)
        invoice.save()
        event = _record_event(
            invoice,
            actor=actor,
            kind=EventKind.CREDIT,
            reason=reason,
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
            _run_transition(invoice, name="pay", actor=actor)
    return credit_note
