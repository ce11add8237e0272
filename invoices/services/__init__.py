"""Every write to invoices, customers and payments.

The API, the admin, the pages and Celery tasks all call these functions, so each
rule lives here once. Each service takes keyword-only arguments, validates, runs in
one transaction (locking the invoice row for anything that depends on its state),
writes the audit trail and emits its domain event on commit.

The package splits along the domain's seams: `customers`, `invoices` (create, edit,
delete), `items` (line validation and totals), `transitions` (the state machine),
`payments` and `credit_notes`; `_shared` holds what they have in common. The rules of
transitions, payments and credit notes live in `invoices.actions` (one `check()`, one
`execute()` each); the functions here are their thin, durable entry points.
"""

from invoices.services._shared import USER_TRANSITIONS, invoice_user_transitions
from invoices.services.credit_notes import credit_note_create
from invoices.services.customers import CUSTOMER_FIELDS, customer_create, customer_delete, customer_update
from invoices.services.invoices import (
    DEFAULT_PAYMENT_TERMS_DAYS,
    INVOICE_FIELDS,
    invoice_create,
    invoice_delete,
    invoice_update,
    not_editable_detail,
)
from invoices.services.items import MAX_ITEMS, ItemInput, invoice_items_check, item_error_key
from invoices.services.payments import invoice_pay_in_full, payment_record
from invoices.services.transitions import (
    invoice_approve,
    invoice_cancel,
    invoice_reject,
    invoice_revise,
    invoice_send,
    invoice_submit,
    invoice_transition,
    invoice_transition_to_status,
    invoices_mark_overdue,
)

__all__ = [
    "CUSTOMER_FIELDS",
    "DEFAULT_PAYMENT_TERMS_DAYS",
    "INVOICE_FIELDS",
    "MAX_ITEMS",
    "USER_TRANSITIONS",
    "ItemInput",
    "credit_note_create",
    "customer_create",
    "customer_delete",
    "customer_update",
    "invoice_approve",
    "invoice_cancel",
    "invoice_create",
    "invoice_delete",
    "invoice_items_check",
    "invoice_pay_in_full",
    "invoice_reject",
    "invoice_revise",
    "invoice_send",
    "invoice_submit",
    "invoice_transition",
    "invoice_transition_to_status",
    "invoice_update",
    "invoice_user_transitions",
    "invoices_mark_overdue",
    "item_error_key",
    "not_editable_detail",
    "payment_record",
]
