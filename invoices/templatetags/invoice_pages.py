"""Template filters of the invoice pages."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template

register = template.Library()


@register.filter
def plain_number(value: Any) -> str:
    """Quantities and rates as a person writes them: `2.500` -> `2.5`, `100.00` -> `100`."""
    try:
        return f"{Decimal(value).normalize():f}"
    except (InvalidOperation, TypeError, ValueError):
        return ""
