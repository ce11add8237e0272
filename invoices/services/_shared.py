"""What the invoice services share: number parsing, and the actions' lock, audit trail and
refusals under the names the service modules use. Private to the services package."""

from __future__ import annotations

import logging
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from core.errors import Conflict
from invoices.actions import USER_TRANSITIONS, available_transitions, lock_visible_invoice
from invoices.actions.base import bump_version, record_event

if TYPE_CHECKING:
    from accounts.models import User
    from invoices.models import Invoice

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger("invoices.services")

__all__ = [
    "USER_TRANSITIONS",
    "_bump",
    "_conflict",
    "_decimal",
    "_lock_visible_invoice",
    "_record_event",
    "invoice_user_transitions",
    "logger",
]

_bump = bump_version
_lock_visible_invoice = lock_visible_invoice
_record_event = record_event


def _decimal(value: Any, field: str, errors: dict[str, Any], *, required: bool = False) -> Decimal | None:
    """`value` as a finite Decimal, or None with the reason put in `errors[field]`.

    Doors pass what they parsed, or what the client sent when they could not parse it:
    the message for "not a number" and for "missing" is decided here, once."""
    if required and (value is None or (isinstance(value, str) and not value.strip())):
        errors[field] = ["This field is required."]
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        errors[field] = ["A valid number is required."]
        return None
    if not number.is_finite():
        errors[field] = ["A valid number is required."]
        return None
    return number


def invoice_user_transitions(*, invoice: Invoice, user: User | None) -> list[str]:
    """What this user may do to the invoice now (`invoices.actions.available_transitions`)."""
    return available_transitions(invoice=invoice, user=user)


def _conflict(invoice: Invoice, actor: User | None, detail: str) -> Conflict:
    return Conflict(
        detail, status=invoice.status, available_transitions=available_transitions(invoice=invoice, user=actor)
    )
