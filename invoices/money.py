"""Money arithmetic: Decimal only, rounded half up to two places, explicitly.

Pure functions with no Django imports, so the page's JavaScript, the API and the
PDF all agree with one definition (see `static/js/invoice-form.js`, which mirrors it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)
# 12 integer digits and 2 decimal places: what the database columns hold.
MAX_AMOUNT = Decimal("999999999999.99")


def quantize(amount: Decimal) -> Decimal:
    """Round to cents, half up (0.005 -> 0.01), the way invoices are printed."""
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def line_total(*, quantity: Decimal, unit_price: Decimal, discount_percent: Decimal = ZERO) -> Decimal:
    """`round(quantity x unit_price x (1 - discount/100), 2)`, rounded once at the end."""
    return quantize(quantity * unit_price * (1 - discount_percent / HUNDRED))


def line_tax(*, line_total_amount: Decimal, tax_rate: Decimal) -> Decimal:
    """Tax of one line, on its discounted total, rounded per line."""
    return quantize(line_total_amount * tax_rate / HUNDRED)


@dataclass(frozen=True)
class LineAmounts:
    line_total: Decimal
    tax_amount: Decimal


@dataclass(frozen=True)
class InvoiceTotals:
    subtotal: Decimal
    tax_amount: Decimal
    total_amount: Decimal


def line_amounts(
    *, quantity: Decimal, unit_price: Decimal, discount_percent: Decimal = ZERO, tax_rate: Decimal = ZERO
) -> LineAmounts:
    total = line_total(quantity=quantity, unit_price=unit_price, discount_percent=discount_percent)
    return LineAmounts(line_total=total, tax_amount=line_tax(line_total_amount=total, tax_rate=tax_rate))


def invoice_totals(lines: Iterable[LineAmounts]) -> InvoiceTotals:
    """Subtotal and tax are sums of already-rounded lines; the total is their sum."""
    subtotal = ZERO
    tax = ZERO
    for line in lines:
        subtotal += line.line_total
        tax += line.tax_amount
    return InvoiceTotals(subtotal=quantize(subtotal), tax_amount=quantize(tax), total_amount=quantize(subtotal + tax))


def format_amount(amount: Decimal) -> str:
    """Two places, as the API sends money: `"1234.50"`."""
    return f"{quantize(amount):.2f}"
