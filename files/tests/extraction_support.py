"""Comparing what the extractor read with what a sample printed."""

from __future__ import annotations

import re
from typing import Any

KEY_FIELDS = (
    "invoice_number",
    "issue_date",
    "due_date",
    "currency",
    "subtotal",
    "tax_amount",
    "total_amount",
    "customer_name",
    "customer_address",
)
ISSUER_FIELDS = ("name", "tax_id", "iban", "address")


def same_address(left: str | None, right: str | None) -> bool:
    """Addresses compare by their words: a layout may print on one line, with commas, what another breaks."""

    def words(value: str | None) -> str | None:
        return re.sub(r"[\s,]+", " ", value).strip() if value is not None else None

    return words(left) == words(right)


def field_errors(expected: dict[str, Any], found: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """{field: (expected, found)} for every key and issuer field that differs."""
    errors: dict[str, tuple[Any, Any]] = {}
    for name in KEY_FIELDS:
        equal = same_address if name == "customer_address" else (lambda a, b: a == b)
        if not equal(expected[name], found[name]):
            errors[name] = (expected[name], found[name])
    for name in ISSUER_FIELDS:
        equal = same_address if name == "address" else (lambda a, b: a == b)
        if not equal(expected["issuer"][name], found["issuer"][name]):
            errors[f"issuer.{name}"] = (expected["issuer"][name], found["issuer"][name])
    return errors
