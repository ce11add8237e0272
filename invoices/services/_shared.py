"""What the invoice services share: number parsing, locking, the audit trail and the
state machine's checks. Private to the services package."""

from __future__ import annotations

import logging
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from core.errors import Conflict, Forbidden, NotFound
from invoices import events
from invoices.models import (
    EventKind,
    Invoice,
    InvoiceEvent,
)

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger("invoices.services")

# Transitions a person may ask for by name; `pay` happens through payments and
# `mark_overdue` only through the periodic sweep.
USER_TRANSITIONS = ("submit", "approve", "reject", "revise", "send", "cancel")


def _decimal(value: Any, field: str, errors: dict[str, Any]) -> Decimal | None:
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        errors[field] = ["A valid number is required."]
        return None
    if not number.is_finite():
        errors[field] = ["A valid number is required."]
        return None
    return number


def _record_event(
    invoice: Invoice,
    *,
    actor: User | None,
    kind: str,
    transition: str = "",
    from_status: str = "",
    to_status: str = "",
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> InvoiceEvent:
    return InvoiceEvent.objects.create(
        invoice=invoice,
        owner_id=invoice.owner_id,
        actor=actor if actor is not None and getattr(actor, "pk", None) else None,
        kind=kind,
        transition=transition,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        data=data or {},
    )


def _lock_visible_invoice(*, invoice_id: int, actor: User | None) -> Invoice:
    """Lock the invoice row for this transaction. Invisible invoices are 404, not 403."""
    try:
        invoice = Invoice.objects.select_for_update().alive().get(pk=invoice_id)
    except (Invoice.DoesNotExist, ValueError, TypeError):
        raise NotFound("No invoice matches the given id.") from None
    if actor is not None and not (actor.is_staff or invoice.owner_id == actor.pk):
        raise NotFound("No invoice matches the given id.")
    return invoice


def _bump(invoice: Invoice) -> None:
    invoice.version = (invoice.version or 0) + 1


def _transition_meta(invoice: Invoice, name: str) -> Any:
    return getattr(type(invoice), name)._django_fsm


def invoice_user_transitions(*, invoice: Invoice, user: User | None) -> list[str]:
    """Transitions this user may run now: the state allows it, its conditions hold and
    the user has the right. `pay` is offered while a balance can be paid."""
    if user is None or invoice.deleted_at is not None:
        return []
    names = []
    for name in (*USER_TRANSITIONS, "pay"):
        meta = _transition_meta(invoice, name)
        state = invoice.status
        if not meta.has_transition(state) or not meta.has_transition_perm(invoice, state, user):
            continue
        if name != "pay" and not meta.conditions_met(invoice, state):
            continue
        names.append(name)
    return names


def _conflict(invoice: Invoice, actor: User | None, detail: str) -> Conflict:
    return Conflict(
        detail, status=invoice.status, available_transitions=invoice_user_transitions(invoice=invoice, user=actor)
    )


def _run_transition(
    invoice: Invoice,
    *,
    name: str,
    actor: User | None,
    reason: str = "",
    system: bool = False,
    before_save: Callable[[Invoice], None] | None = None,
) -> InvoiceEvent:
    """Check state, conditions and permission, change the fields, write the event and
    queue the message. The caller holds the row lock and the transaction. `system`
    transitions (the overdue sweep) have no person whose permission to check.
    `before_save` changes more fields once every check has passed (approval gives the
    sequential number there)."""
    meta = _transition_meta(invoice, name)
    state = invoice.status
    if not meta.has_transition(state):
        raise _conflict(invoice, actor, f"Cannot {name.replace('_', ' ')} an invoice that is {state}.")
    if not system and not meta.has_transition_perm(invoice, state, actor):
        if name in ("approve", "reject") and actor is not None and invoice.owner_id == actor.pk:
            raise Forbidden(f"You cannot {name} your own invoice (four-eyes rule).")
        raise Forbidden(f"You are not allowed to {name.replace('_', ' ')} this invoice.")
    if not meta.conditions_met(invoice, state):
        if name == "submit":
            raise _conflict(
                invoice, actor, "An invoice needs at least one item and a total above zero to be submitted."
            )
        raise _conflict(invoice, actor, f"The invoice does not meet the conditions to {name.replace('_', ' ')}.")
    kwargs: dict[str, Any] = {"by": actor}
    if name == "reject":
        kwargs["reason"] = reason
    getattr(invoice, name)(**kwargs)
    if before_save is not None:
        before_save(invoice)
    _bump(invoice)
    invoice.save()
    event = _record_event(
        invoice,
        actor=actor,
        kind=EventKind.TRANSITION,
        transition=name,
        from_status=state,
        to_status=invoice.status,
        reason=reason,
    )
    events.emit_on_commit(events.build_message(events.INVOICE_STATUS_CHANGED, invoice=invoice, event=event))
    return event
