"""The state machine's services: every transition a person runs, and the overdue sweep."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from core.errors import DomainError, InvalidInput
from invoices.models import (
    PAYABLE_STATES,
    Invoice,
    InvoiceStatus,
)
from invoices.notifications import INVOICE_SENT_EMAIL, invoice_sent_email_key
from invoices.services._shared import (
    USER_TRANSITIONS,
    _conflict,
    _lock_visible_invoice,
    _run_transition,
    _transition_meta,
    logger,
)
from invoices.services.numbering import assign_final_number
from invoices.services.payments import payment_record
from outbox.services import outbox_enqueue

if TYPE_CHECKING:
    from accounts.models import User


def invoice_transition(*, invoice_id: int, actor: User | None, transition: str, reason: str = "") -> Invoice:
    """Run one named transition (submit, approve, reject, revise, send, cancel).

    The row is locked first, so of two concurrent approvals one wins and the other
    sees the new state and gets a 409; each success writes exactly one event.
    """
    if transition not in USER_TRANSITIONS:
        raise InvalidInput(errors={"transition": [f"Unknown transition; use one of {', '.join(USER_TRANSITIONS)}."]})
    reason = (reason or "").strip()
    if transition == "reject" and not reason:
        raise InvalidInput(errors={"reason": ["A reason is required to reject an invoice."]})
    with transaction.atomic():
        invoice = _lock_visible_invoice(invoice_id=invoice_id, actor=actor)
        _run_transition(
            invoice,
            name=transition,
            actor=actor,
            reason=reason,
            before_save=assign_final_number if transition == "approve" else None,
        )
        if transition == "send":
            # Written in this transaction: the e-mail exists exactly when the sent state does,
            # and goes out once the outbox reaches a worker, whatever Redis does meanwhile.
            outbox_enqueue(
                kind=INVOICE_SENT_EMAIL,
                idempotency_key=invoice_sent_email_key(invoice_id=invoice.pk),
                payload={"invoice_id": invoice.pk},
            )
    return invoice


def invoice_submit(*, invoice_id: int, actor: User | None) -> Invoice:
    return invoice_transition(invoice_id=invoice_id, actor=actor, transition="submit")


def invoice_approve(*, invoice_id: int, actor: User | None) -> Invoice:
    """Approve a pending invoice. Four-eyes: the owner cannot approve their own. With
    sequential numbering the invoice gets its final number here (`services.numbering`)."""
    return invoice_transition(invoice_id=invoice_id, actor=actor, transition="approve")


def invoice_reject(*, invoice_id: int, actor: User | None, reason: str) -> Invoice:
    return invoice_transition(invoice_id=invoice_id, actor=actor, transition="reject", reason=reason)


def invoice_revise(*, invoice_id: int, actor: User | None) -> Invoice:
    return invoice_transition(invoice_id=invoice_id, actor=actor, transition="revise")


def invoice_send(*, invoice_id: int, actor: User | None) -> Invoice:
    """Mark approved invoice sent; the customer gets the PDF by e-mail through the outbox."""
    return invoice_transition(invoice_id=invoice_id, actor=actor, transition="send")


def invoice_cancel(*, invoice_id: int, actor: User | None) -> Invoice:
    return invoice_transition(invoice_id=invoice_id, actor=actor, transition="cancel")


def invoice_transition_to_status(*, invoice_id: int, actor: User | None, status: str, reason: str = "") -> Invoice:
    """Run whichever transition leads from the current state to `status` (or 409)."""
    if status not in InvoiceStatus.values:
        raise InvalidInput(errors={"status": [f"Unknown status; use one of {', '.join(InvoiceStatus.values)}."]})
    with transaction.atomic():
        invoice = _lock_visible_invoice(invoice_id=invoice_id, actor=actor)
        if status == InvoiceStatus.PAID and invoice.status in PAYABLE_STATES:
            payment_record(invoice_id=invoice.pk, actor=actor, amount=invoice.outstanding)
            invoice.refresh_from_db()
            return invoice
        for name in USER_TRANSITIONS:
            meta = _transition_meta(invoice, name)
            if meta.has_transition(invoice.status) and meta.get_transition(invoice.status).target == status:
                return invoice_transition(invoice_id=invoice.pk, actor=actor, transition=name, reason=reason)
        raise _conflict(invoice, actor, f"No transition leads from {invoice.status} to {status}.")


def invoices_mark_overdue(*, today: date | None = None) -> int:
    """Move every sent invoice past its due date to overdue; returns how many moved.

    Each invoice is locked and re-checked on its own, so a payment racing the sweep
    wins cleanly and one bad row never stops the rest.
    """
    today = today or timezone.localdate()
    candidate_ids = list(
        Invoice.objects.alive().filter(status=InvoiceStatus.SENT, due_date__lt=today).values_list("pk", flat=True)
    )
    moved = 0
    for invoice_id in candidate_ids:
        try:
            with transaction.atomic():
                invoice = Invoice.objects.select_for_update().alive().filter(pk=invoice_id).first()
                if invoice is None or invoice.status != InvoiceStatus.SENT or not invoice.due_date < today:
                    continue
                invoice.overdue_as_of = today  # the transition's condition judges by the sweep's date
                _run_transition(invoice, name="mark_overdue", actor=None, system=True)
                moved += 1
        except DomainError:
            logger.exception("overdue sweep skipped invoice %s", invoice_id)
    return moved
