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


@dataclass(frozen=True)
class ItemInput:
    description: str
    quantity: Decimal
    unit_price: Decimal
    discount_percent: Decimal = ZERO
    tax_rate: Decimal = ZERO


def _parse_items(raw_items: Iterable[Mapping[str, Any]]) -> list[ItemInput]:
    """Validate line items; errors are reported per line as `items[i].field`."""
    raw = list(raw_items)
    if len(raw) > MAX_ITEMS:
        raise InvalidInput(errors={"items": [f"An invoice may have at most {MAX_ITEMS} items; got {len(raw)}."]})
    items: list[ItemInput] = []
    errors: dict[str, Any] = {}
    for index, row in enumerate(raw):
        line_errors: dict[str, Any] = {}
        description = str(row.get("description") or "").strip()
        if not description:
            line_errors["description"] = ["This field is required."]
        elif len(description) > 500:
            line_errors["description"] = ["Ensure this field has no more than 500 characters."]
        quantity = _decimal(row.get("quantity"), "quantity", line_errors)
        unit_price = _decimal(row.get("unit_price"), "unit_price", line_errors)
        discount = _decimal(row.get("discount_percent", ZERO) or ZERO, "discount_percent", line_errors)
        tax_rate = _decimal(row.get("tax_rate", ZERO) or ZERO, "tax_rate", line_errors)
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
        if line_errors:
            errors[f"items[{index}]"] = line_errors
            continue
        items.append(ItemInput(description, quantity, unit_price, discount, tax_rate))  # type: ignore[arg-type]
    if errors:
        raise InvalidInput(errors={"items": errors})
    return items


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
