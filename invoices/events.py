"""Domain events that the invoice services emit after their transaction commits.

A service builds an `InvoiceMessage` (the shape WebSocket clients receive, SPEC
section 6) and calls `emit_on_commit`. Nothing leaves the process until the
database has committed, so a rolled-back or losing request has no side effect.

Subscribers are listed in settings (dotted paths), so anyone can find who listens, and
the services never import them (a subscriber may queue Celery work; tasks import
services, so the arrow must not run back):
- `INVOICE_EVENT_TRANSACTION_SUBSCRIBERS` run at once, inside the change's transaction,
  for what must be written with the change or not at all: the outbox row of the
  "invoice sent" e-mail (`invoices.notifications`). Their errors roll the change back.
- `INVOICE_EVENT_SUBSCRIBERS` run after the commit: the live-update bridge. One failing
  never blocks the others and never undoes the committed change.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from invoices.money import format_amount, format_money

logger = logging.getLogger(__name__)

INVOICE_CREATED = "invoice.created"
INVOICE_UPDATED = "invoice.updated"
INVOICE_STATUS_CHANGED = "invoice.status_changed"
INVOICE_PAYMENT_RECORDED = "invoice.payment_recorded"
INVOICE_DELETED = "invoice.deleted"
# A credit note was issued on the invoice; the message also carries `credit_note`.
INVOICE_CREDITED = "invoice.credited"
MESSAGE_TYPES = (
    INVOICE_CREATED,
    INVOICE_UPDATED,
    INVOICE_STATUS_CHANGED,
    INVOICE_PAYMENT_RECORDED,
    INVOICE_CREDITED,
    INVOICE_DELETED,
)


@dataclass(frozen=True)
class InvoiceMessage:
    """One thing that happened to one invoice, addressed by owner and invoice id."""

    type: str
    invoice_id: int
    owner_id: int
    invoice: dict[str, Any]
    event: dict[str, Any]
    extra: dict[str, Any] = field(default_factory=dict)

    def as_payload(self) -> dict[str, Any]:
        """The JSON body clients receive."""
        return {"type": self.type, "invoice": self.invoice, "event": self.event, **self.extra}


def invoice_summary(invoice: Any) -> dict[str, Any]:
    balance: Decimal = invoice.outstanding
    return {
        "id": invoice.pk,
        "invoice_number": invoice.invoice_number,
        "status": invoice.status,
        "total_amount": format_amount(invoice.total_amount),
        "balance_due": format_amount(balance),
        "currency": invoice.currency,
        "customer_name": invoice.customer_name,
        "due_date": invoice.due_date.isoformat() if invoice.due_date else None,
    }


# How each event reads, on the timeline, the dashboard's activity and in live messages:
# the pages render `text` and the live scripts show the `text` each message carries.
TRANSITION_TEXT = {
    "submit": "Submitted for approval",
    "approve": "Approved",
    "reject": "Rejected",
    "revise": "Revised back to draft",
    "send": "Sent to the customer",
    "pay": "Paid in full",
    "mark_overdue": "Marked overdue",
    "cancel": "Cancelled",
}
KIND_TEXT = {"created": "Created", "updated": "Edited", "payment": "Payment recorded", "deleted": "Deleted"}


def event_text(event: Any, *, currency: str | None = None) -> str:
    """One event in words: `Approved`, `Payment of 1,000.00 EUR recorded`, `Edited: notes`."""
    if event.kind == "transition":
        return TRANSITION_TEXT.get(event.transition, event.transition.replace("_", " ").capitalize())
    data = event.data or {}
    if event.kind == "payment" and data.get("amount"):
        return f"Payment of {format_money(Decimal(data['amount']), currency)} recorded"
    if event.kind == "updated":
        changed = sorted(data.get("changed", {}))
        return f"Edited: {', '.join(name.replace('_', ' ') for name in changed)}" if changed else "Edited"
    return KIND_TEXT.get(event.kind, event.kind.replace("_", " ").capitalize())


def event_summary(event: Any, *, currency: str | None = None) -> dict[str, Any]:
    """An event as sockets and the activity feed carry it; `currency` is its invoice's."""
    actor = event.actor
    return {
        "id": event.pk,
        "kind": event.kind,
        "transition": event.transition or None,
        "from_status": event.from_status or None,
        "to_status": event.to_status or None,
        "actor": {"id": actor.pk, "username": actor.get_username()} if actor is not None else None,
        "reason": event.reason or None,
        "at": event.created_at.isoformat(),
        "text": event_text(event, currency=currency),
    }


def build_message(
    message_type: str, *, invoice: Any, event: Any, extra: dict[str, Any] | None = None
) -> InvoiceMessage:
    if message_type not in MESSAGE_TYPES:
        raise ValueError(f"unknown invoice message type {message_type!r}")
    return InvoiceMessage(
        type=message_type,
        invoice_id=invoice.pk,
        owner_id=invoice.owner_id,
        invoice=invoice_summary(invoice),
        event=event_summary(event, currency=invoice.currency),
        extra=extra or {},
    )


def _subscribers(setting: str = "INVOICE_EVENT_SUBSCRIBERS") -> tuple[Callable[[InvoiceMessage], None], ...]:
    return tuple(import_string(path) for path in getattr(settings, setting, ()))


def dispatch(message: InvoiceMessage) -> None:
    """Hand a committed message to every subscriber. One failing subscriber never
    blocks the others, and never undoes the committed change."""
    for subscriber in _subscribers():
        try:
            subscriber(message)
        except Exception:
            logger.exception("invoice event subscriber %s failed for %s", subscriber, message.type)


def emit_on_commit(message: InvoiceMessage) -> None:
    """Announce a change the caller's transaction is making. The transaction subscribers
    write their rows now, so those commit or roll back with the change; everything else
    hears of it once the transaction has committed."""
    for subscriber in _subscribers("INVOICE_EVENT_TRANSACTION_SUBSCRIBERS"):
        subscriber(message)
    transaction.on_commit(lambda: dispatch(message))
