"""Stage `extract`: invoice fields from free text, whatever the layout."""

from __future__ import annotations

import re
from typing import Any

import dateparser

from files.extraction.base import ExtractionError, ExtractionResult, ReadDocument

FIELDS = (
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

NUMBER_RE = re.compile(r"(?:invoice\s*(?:no\.?|number|#)|rechnungsnummer)\s*[:#]?\s*([A-Z0-9][A-Z0-9\-/]{2,})", re.I)
ISSUE_RE = re.compile(r"(?:invoice\s*date|issue\s*date|rechnungsdatum)\s*:?\s*([^\n]+)", re.I)
DUE_RE = re.compile(r"(?:due\s*date|fällig\s*am)\s*:?\s*([^\n]+)", re.I)


def empty_data() -> dict[str, Any]:
    data: dict[str, Any] = dict.fromkeys(FIELDS)
    data["items"] = []
    data["issuer"] = {"name": None, "tax_id": None, "iban": None, "address": None}
    data["confidence"] = dict.fromkeys(FIELDS, 0.0)
    return data


def _date(raw: str) -> str | None:
    parsed = dateparser.parse(raw.strip(), settings={"STRICT_PARSING": True})
    return parsed.date().isoformat() if parsed else None


def extract_fields(document: ReadDocument) -> ExtractionResult:
    """A first reader: invoice number and dates."""
    text = document.text
    if not text.strip():
        raise ExtractionError("The document has no readable text.")
    data = empty_data()
    if match := NUMBER_RE.search(text):
        data["invoice_number"] = match.group(1)
        data["confidence"]["invoice_number"] = 0.9
    for name, pattern in (("issue_date", ISSUE_RE), ("due_date", DUE_RE)):
        if (match := pattern.search(text)) and (value := _date(match.group(1))):
            data[name] = value
            data["confidence"][name] = 0.9
    score = sum(data["confidence"].values()) / len(FIELDS)
    return ExtractionResult(structured_data=data, confidence_score=score, method="text")
