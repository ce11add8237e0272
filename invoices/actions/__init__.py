"""Transitions, payments and credit notes as actions, each with one `check()` and one
`execute()` (the pattern of Wagtail's `wagtail/actions/`).

`check()` is the single answer to "may this person do this to this invoice now, and if
not, why?": the page buttons, the API's `available_transitions`, the 403/409 text and the
admin's per-invoice report all read it. `execute()` opens the one durable write
transaction, locks the row, checks again, writes, records one event and queues the domain
event for after the commit. `invoices.services` keeps its function names as thin
wrappers, so callers need not know the classes.
"""

from invoices.actions.base import (
    InvoiceAction,
    Refusal,
    lock_visible_invoice,
    transaction_for_one_write,
    write_transaction,
)
from invoices.actions.credit_notes import CREDITABLE_STATES, IssueCreditNote
from invoices.actions.payments import PayInFull, RecordPayment, payment_time
from invoices.actions.registry import OFFERED_ACTIONS, USER_TRANSITION_ACTIONS, USER_TRANSITIONS, available_transitions
from invoices.actions.transitions import (
    ApproveInvoice,
    CancelInvoice,
    MarkInvoiceOverdue,
    MarkInvoicePaid,
    RejectInvoice,
    ReviseInvoice,
    SendInvoice,
    SubmitInvoice,
    TransitionAction,
)

__all__ = [
    "CREDITABLE_STATES",
    "OFFERED_ACTIONS",
    "USER_TRANSITIONS",
    "USER_TRANSITION_ACTIONS",
    "ApproveInvoice",
    "CancelInvoice",
    "InvoiceAction",
    "IssueCreditNote",
    "MarkInvoiceOverdue",
    "MarkInvoicePaid",
    "PayInFull",
    "RecordPayment",
    "Refusal",
    "RejectInvoice",
    "ReviseInvoice",
    "SendInvoice",
    "SubmitInvoice",
    "TransitionAction",
    "available_transitions",
    "lock_visible_invoice",
    "payment_time",
    "transaction_for_one_write",
    "write_transaction",
]
