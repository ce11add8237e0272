"""Template filters of the invoice pages."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template

from invoices.money import format_money, format_unit_price

register = template.Library()


@register.filter
def plain_number(value: Any) -> str:
    """Quantities and rates as a person writes them: `2.500` -> `2.5`, `100.00` -> `100`."""
    try:
        return f"{Decimal(value).normalize():f}"
    except (InvalidOperation, TypeError, ValueError):
        return ""


@register.filter
def money(value: Any, currency: str = "") -> str:
    """`{{ amount|money }}` -> `1,234.50`; `{{ amount|money:invoice.currency }}` -> `1,234.50 EUR`.
    The one way pages print money (`invoices.money.format_money`)."""
    if value is None or value == "":
        return ""
    try:
        return format_money(Decimal(value), currency or None)
    except (InvalidOperation, TypeError, ValueError):
        return ""


@register.filter
def unit_price(value: Any) -> str:
    """A unit price with the precision it was given: `19.99`, `1.459`, `0.0125`."""
    try:
        return format_unit_price(Decimal(value), grouped=True)
    except (InvalidOperation, TypeError, ValueError):
        return ""
