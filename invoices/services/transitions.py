"""The state machine's services: every transition a person runs, and the overdue sweep.

Thin wrappers over `invoices.actions`: each builds the action and calls `execute()`,
which is the one durable write transaction (calling one of these inside another
transaction is a `RuntimeError`, not a second row lock).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.utils import timezone

from core.errors import DomainError, InvalidInput
from invoices.actions import (
    USER_TRANSITION_ACTIONS,
    USER_TRANSITIONS,
    MarkInvoiceOverdue,
    PayInFull,
    lock_visible_invoice,
    write_transaction,
)
from invoices.actions.transitions import transition_meta
from invoices.models import PAYABLE_STATES, Invoice, InvoiceStatus
from invoices.services._shared import _conflict, logger

if TYPE_CHECKING:
    from accounts.models import User

if TYPE_CHECKING:
    from accounts.models import User


def invoice_transition(*, invoice_id: int, actor: User | None, transition: str, reason: str = "") -> Invoice:
    """Run one named transition (submit, approve, reject, revise, send, cancel).

    The row is locked first, so of two concurrent approvals one wins and the other
    sees the new state and gets a 409; each success writes exactly one event.
    """
    action_class = USER_TRANSITION_ACTIONS.get(transition)
    if action_class is None:
        raise InvalidInput(errors={"transition": [f"Unknown transition; use one of {', '.join(USER_TRANSITIONS)}."]})
    return action_class(invoice_id=invoice_id, actor=actor, reason=reason).execute()


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
    """Mark approved invoice sent. The status change's event has the customer's e-mail
    written to the outbox in this transaction (`invoices.notifications`), so the e-mail
    exists exactly when the sent state does and goes out once a worker is reached."""
    return invoice_transition(invoice_id=invoice_id, actor=actor, transition="send")


def invoice_cancel(*, invoice_id: int, actor: User | None) -> Invoice:
    return invoice_transition(invoice_id=invoice_id, actor=actor, transition="cancel")


def invoice_transition_to_status(*, invoice_id: int, actor: User | None, status: str, reason: str = "") -> Invoice:
    """Run whichever action leads from the current state to `status` (or 409): paying the
    balance for `paid`, otherwise the one transition with that target. One lock, held by
    this transaction; the chosen action's locking body runs under it."""
    if status not in InvoiceStatus.values:
        raise InvalidInput(errors={"status": [f"Unknown status; use one of {', '.join(InvoiceStatus.values)}."]})
    with write_transaction():
        invoice = lock_visible_invoice(invoice_id=invoice_id, actor=actor)
        if status == InvoiceStatus.PAID and invoice.status in PAYABLE_STATES:
            PayInFull(invoice=invoice, actor=actor).execute_locked()
            invoice.refresh_from_db()
            return invoice
        for name, action_class in USER_TRANSITION_ACTIONS.items():
            meta = transition_meta(name)
            if meta.has_transition(invoice.status) and meta.get_transition(invoice.status).target == status:
                action = action_class(invoice=invoice, actor=actor, reason=reason)
                action.validate_input()
                return action.execute_locked()
        raise _conflict(invoice, actor, f"No transition leads from {invoice.status} to {status}.")


def invoices_mark_overdue(*, today: date | None = None) -> int:
    """Move every sent invoice past its due date to overdue; returns how many moved.

    Each invoice is locked and re-checked in its own transaction, so a payment racing
    the sweep wins cleanly and one bad row never stops the rest.
    """
    today = today or timezone.localdate()
    candidate_ids = list(
        Invoice.objects.alive().filter(status=InvoiceStatus.SENT, due_date__lt=today).values_list("pk", flat=True)
    )
    moved = 0
    for invoice_id in candidate_ids:
        try:
            with write_transaction():
                invoice = Invoice.objects.select_for_update().alive().filter(pk=invoice_id).first()
                if invoice is None or invoice.status != InvoiceStatus.SENT or not invoice.due_date < today:
                    continue
                invoice.overdue_as_of = today  # the transition's condition judges by the sweep's date
                MarkInvoiceOverdue(invoice=invoice, actor=None).execute_locked()
                moved += 1
        except DomainError:
            logger.exception("overdue sweep skipped invoice %s", invoice_id)
    return moved
