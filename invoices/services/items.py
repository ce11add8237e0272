"""Line items: validation of what a client sends, and the totals the server computes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from core.errors import InvalidInput
from invoices.models import (
    Invoice,
    LineItem,
)
from invoices.money import (
    MAX_AMOUNT,
    MAX_QUANTITY,
    MAX_UNIT_PRICE,
    QUANTITY_PLACES,
    TAX_RATE_PLACES,
    UNIT_PRICE_PLACES,
    ZERO,
    format_amount,
    format_money,
    invoice_totals,
    line_amounts,
    places,
)
from invoices.services._shared import _decimal

MAX_ITEMS = 500
MAX_DESCRIPTION_LENGTH = 500
REQUIRED = "This field is required."


@dataclass(frozen=True)
class ItemInput:
    description: str
    quantity: Decimal
    unit_price: Decimal
    discount_percent: Decimal = ZERO
    tax_rate: Decimal = ZERO


def item_error_key(index: int, field: str) -> str:
    """The one key every door reads a line's error by: `items[1].unit_price` (0-based)."""
    return f"items[{index}].{field}"


def _item_errors(index: int, row: Mapping[str, Any]) -> tuple[ItemInput | None, dict[str, list[str]]]:
    """One line checked in full: every field's problem, not just the first one's."""
    line_errors: dict[str, list[str]] = {}
    description = str(row.get("description") or "").strip()
    if not description:
        line_errors["description"] = [REQUIRED]
    elif len(description) > MAX_DESCRIPTION_LENGTH:
        line_errors["description"] = [f"Ensure this field has no more than {MAX_DESCRIPTION_LENGTH} characters."]
    quantity = _decimal(row.get("quantity"), "quantity", line_errors, required=True)
    unit_price = _decimal(row.get("unit_price"), "unit_price", line_errors, required=True)
    discount = _decimal(row.get("discount_percent") or ZERO, "discount_percent", line_errors)
    tax_rate = _decimal(row.get("tax_rate") or ZERO, "tax_rate", line_errors)
    if quantity is not None and quantity <= 0:
        line_errors["quantity"] = ["Quantity must be greater than zero."]
    elif quantity is not None and (places(quantity) > QUANTITY_PLACES or quantity > MAX_QUANTITY):
        line_errors["quantity"] = [
            f"Quantity may have at most 11 digits before and {QUANTITY_PLACES} after the decimal point."
        ]
    if unit_price is not None and unit_price < 0:
        line_errors["unit_price"] = ["Unit price cannot be negative."]
    elif unit_price is not None and (places(unit_price) > UNIT_PRICE_PLACES or unit_price > MAX_UNIT_PRICE):
        line_errors["unit_price"] = [
            f"Unit price may have at most 12 digits before and {UNIT_PRICE_PLACES} after the decimal point."
        ]
    for name, value, most in (("discount_percent", discount, 2), ("tax_rate", tax_rate, TAX_RATE_PLACES)):
        if value is not None and not (0 <= value <= 100):
            line_errors[name] = ["Must be between 0 and 100."]
        elif value is not None and places(value) > most:
            line_errors[name] = [f"At most {most} decimal places."]
    errors = {item_error_key(index, name): messages for name, messages in line_errors.items()}
    if errors or quantity is None or unit_price is None or discount is None or tax_rate is None:
        return None, errors
    return ItemInput(description, quantity, unit_price, discount, tax_rate), errors


def _collect_items(raw_items: Iterable[Mapping[str, Any]], errors: dict[str, Any]) -> list[ItemInput]:
    """Check every line in one pass and add each problem to `errors` under
    `items[i].field`, so a bad price on one line does not hide a bad quantity on another."""
    raw = list(raw_items)
    if len(raw) > MAX_ITEMS:
        errors["items"] = [f"An invoice may have at most {MAX_ITEMS} items; got {len(raw)}."]
        return []
    items: list[ItemInput] = []
    for index, row in enumerate(raw):
        if not isinstance(row, Mapping):
            errors[f"items[{index}]"] = ["Each item must be an object with description, quantity and unit_price."]
            continue
        item, line_errors = _item_errors(index, row)
        errors.update(line_errors)
        if item is not None:
            items.append(item)
    return items


def _parse_items(raw_items: Iterable[Mapping[str, Any]]) -> list[ItemInput]:
    """Every line valid, or one `InvalidInput` naming each bad field of each line."""
    errors: dict[str, Any] = {}
    items = _collect_items(raw_items, errors)
    if errors:
        raise InvalidInput(errors=errors)
    return items


def invoice_items_check(*, items: Iterable[Mapping[str, Any]]) -> InvalidInput | None:
    """The lines' errors without saving anything, for a door that cannot save yet (its
    other fields did not parse) but shows every problem of one submit at once."""
    errors: dict[str, Any] = {}
    _collect_items(items, errors)
    return InvalidInput(errors=errors) if errors else None


def items_unchanged(invoice: Invoice, items: list[ItemInput]) -> bool:
    """True when `items` are the invoice's lines as stored, in order: rewriting them would
    write nothing new, so the update leaves them (and the version) alone."""
    stored = [
        (line.description, line.quantity, line.unit_price, line.discount_percent, line.tax_rate)
        for line in invoice.items.order_by("line_number", "id")
    ]
    given = [(item.description, item.quantity, item.unit_price, item.discount_percent, item.tax_rate) for item in items]
    return stored == given


def _write_items(invoice: Invoice, items: list[ItemInput]) -> None:
    """Replace the invoice's lines and store the totals computed from them."""
    invoice.items.all().delete()
    rows = []
    amounts = []
    for number, item in enumerate(items, start=1):
        line = line_amounts(
            quantity=item.quantity,
            unit_price=item.unit_price,
            discount_percent=item.discount_percent,
            tax_rate=item.tax_rate,
        )
        amounts.append(line)
        rows.append(
            LineItem(
                invoice=invoice,
                line_number=number,
                description=item.description,
                quantity=item.quantity,
                unit_price=item.unit_price,
                discount_percent=item.discount_percent,
                tax_rate=item.tax_rate,
                line_total=line.line_total,
                tax_amount=line.tax_amount,
            )
        )
    totals = invoice_totals(amounts)
    if totals.total_amount > MAX_AMOUNT or any(line.line_total > MAX_AMOUNT for line in amounts):
        raise InvalidInput(errors={"items": ["The invoice total exceeds the largest amount we can store."]})
    LineItem.objects.bulk_create(rows)
    invoice.subtotal = totals.subtotal
    invoice.tax_amount = totals.tax_amount
    invoice.total_amount = totals.total_amount


def _check_expected_total(invoice: Invoice, expected_total: Any) -> None:
    if expected_total is None:
        return
    errors: dict[str, Any] = {}
    claimed = _decimal(expected_total, "total_amount", errors)
    if errors or claimed is None:
        raise InvalidInput(errors=errors)
    if claimed != invoice.total_amount:
        expected = format_amount(invoice.total_amount)
        currency = invoice.currency
        raise InvalidInput(
            errors={
                "total_amount": [
                    f"The total does not match the items: expected {format_money(invoice.total_amount, currency)}, "
                    f"got {format_money(claimed, currency)}."
                ],
                "expected_total_amount": expected,
            }
        )
