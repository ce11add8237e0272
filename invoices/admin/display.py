"""How the back office shows statuses and money, and how it words a refusal."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.html import format_html
from django.utils.safestring import SafeString

from core.errors import DomainError, InvalidInput
from invoices.models import InvoiceStatus
from invoices.money import format_money

# (background, text) pairs with a contrast ratio above 4.5:1, readable in light and dark themes.
STATUS_COLORS: dict[str, tuple[str, str]] = {
    InvoiceStatus.DRAFT: ("#e5e7eb", "#374151"),
    InvoiceStatus.PENDING_APPROVAL: ("#fef3c7", "#92400e"),
    InvoiceStatus.APPROVED: ("#dbeafe", "#1e40af"),
    InvoiceStatus.REJECTED: ("#fce7f3", "#9d174d"),
    InvoiceStatus.SENT: ("#e0e7ff", "#3730a3"),
    InvoiceStatus.OVERDUE: ("#fee2e2", "#991b1b"),
    InvoiceStatus.PAID: ("#dcfce7", "#166534"),
    InvoiceStatus.CANCELLED: ("#f3f4f6", "#4b5563"),
}


def status_badge(status: str) -> SafeString:
    background, color = STATUS_COLORS.get(status, ("#e5e7eb", "#374151"))
    label = InvoiceStatus(status).label if status in InvoiceStatus.values else status
    return format_html(
        '<span class="invoice-status invoice-status-{}" style="display:inline-block;padding:2px 8px;'
        'border-radius:10px;font-size:11px;font-weight:600;white-space:nowrap;background:{};color:{};">{}</span>',
        status,
        background,
        color,
        label,
    )


def optional_status_badge(status: str) -> SafeString | str:
    """Events other than transitions have no from/to status."""
    return status_badge(status) if status else "-"


def money(amount: Decimal | None, currency: str) -> str:
    """`1,234.50 EUR`, as every page, e-mail and the PDF print it (`format_money`)."""
    if amount is None:
        return "-"
    return format_money(amount, currency)


def _flatten(errors: Any, prefix: str = "") -> list[str]:
    if isinstance(errors, dict):
        found: list[str] = []
        for key, value in errors.items():
            label = str(key).replace("_", " ").capitalize() if not prefix else f"{prefix} {key}"
            if isinstance(value, (dict, list, tuple)):
                found.extend(_flatten(value, label))
        return found
    if isinstance(errors, (list, tuple)):
        return [f"{prefix}: {item}" if prefix else str(item) for item in errors if not isinstance(item, dict)] + [
            message for item in errors if isinstance(item, dict) for message in _flatten(item, prefix)
        ]
    return []


def describe_error(error: DomainError) -> str:
    """The refusal in one line: field errors of an `InvalidInput`, or the detail."""
    if isinstance(error, InvalidInput) and error.errors:
        messages = _flatten(error.errors)
        if messages:
            return " ".join(messages)
    return str(error.detail)
