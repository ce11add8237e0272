"""The actions by the names the doors use, and what a user may do to an invoice now."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from invoices.actions.base import InvoiceAction
from invoices.actions.payments import PayInFull
from invoices.actions.transitions import (
    ApproveInvoice,
    CancelInvoice,
    RejectInvoice,
    ReviseInvoice,
    SendInvoice,
    SubmitInvoice,
    TransitionAction,
)

if TYPE_CHECKING:
    from accounts.models import User
    from invoices.models import Invoice

# Transitions a person asks for by name, in the order buttons show them; `pay` happens
# through payments and `mark_overdue` only through the periodic sweep.
USER_TRANSITION_ACTIONS: dict[str, type[TransitionAction]] = {
    action.name: action
    for action in (SubmitInvoice, ApproveInvoice, RejectInvoice, ReviseInvoice, SendInvoice, CancelInvoice)
}
USER_TRANSITIONS = tuple(USER_TRANSITION_ACTIONS)
# What `available_transitions` offers: the named transitions, then paying the balance.
OFFERED_ACTIONS: dict[str, type[InvoiceAction[Any]]] = {**USER_TRANSITION_ACTIONS, PayInFull.name: PayInFull}


def available_transitions(*, invoice: Invoice, user: User | None) -> list[str]:
    """What this user may do to the invoice now, as each action's `check()` decides: the
    page's buttons, the admin's buttons and the API's `available_transitions`."""
    if user is None or invoice.deleted_at is not None:
        return []
    return [name for name, action in OFFERED_ACTIONS.items() if action(invoice=invoice, actor=user).is_allowed()]
