"""Money arithmetic and how money reads: Decimal only, rounded half up, explicitly.

Pure functions with no Django imports, so the page's JavaScript, the API, the PDF, the
CSV, the admin and the e-mails all agree with one definition (`static/js/money.js`
mirrors the arithmetic and the formatting digit for digit).

Quantities and unit prices carry up to four decimal places (fuel at 1.459 a litre,
cloud usage at 0.0125 a unit); every amount of money (line totals, tax, totals,
payments) is rounded half up to cents, once per line.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)
# 12 integer digits and 2 decimal places: what the database's money columns hold.
MAX_AMOUNT = Decimal("999999999999.99")
# Quantities and unit prices: up to 4 places; 11 and 12 integer digits respectively.
QUANTITY_PLACES = 4
UNIT_PRICE_PLACES = 4
# Tax rates with up to three places: US combined sales taxes such as 8.875 %.
TAX_RATE_PLACES = 3
MAX_QUANTITY = Decimal("99999999999.9999")
MAX_UNIT_PRICE = Decimal("999999999999.9999")
# Wide enough that quantity x price x discount is exact before the one rounding:
# 11+4 and 12+4 digits times a 5-digit percentage stay far below 60 significant digits.
_EXACT = Context(prec=60, rounding=ROUND_HALF_UP)


def quantize(amount: Decimal) -> Decimal:
    """Round to cents, half up (0.005 -> 0.01), the way invoices are printed."""
    with localcontext(_EXACT):
        return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def line_total(*, quantity: Decimal, unit_price: Decimal, discount_percent: Decimal = ZERO) -> Decimal:
    """`round(quantity x unit_price x (1 - discount/100), 2)`, rounded once at the end."""
    with localcontext(_EXACT):
        return quantize(quantity * unit_price * (1 - discount_percent / HUNDRED))


def line_tax(*, line_total_amount: Decimal, tax_rate: Decimal) -> Decimal:
    """Tax of one line, on its discounted total, rounded per line."""
    with localcontext(_EXACT):
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
    with localcontext(_EXACT):
        for line in lines:
            subtotal += line.line_total
            tax += line.tax_amount
    return InvoiceTotals(subtotal=quantize(subtotal), tax_amount=quantize(tax), total_amount=quantize(subtotal + tax))


def to_minor_units(amount: Decimal) -> int:
    """Cents as an integer: `Decimal("95.15")` -> `9515` (rounded half up first)."""
    return int(quantize(amount) * 100)


def places(value: Decimal) -> int:
    """Decimal places a number really has, ignoring trailing zeros: `1.4590` -> 3."""
    exponent = Decimal(value).normalize().as_tuple().exponent
    return max(-exponent, 0) if isinstance(exponent, int) else 0


# --- how money and numbers read ----------------------------------------------------------


def format_amount(amount: Decimal) -> str:
    """Two places, plain, as the API and the CSV send money: `"1234.50"`."""
    return f"{quantize(amount):.2f}"


def format_money(amount: Decimal, currency: str | None = None) -> str:
    """Money as people read it, on every page, message, e-mail, PDF and in the admin:
    grouped thousands and two places, then the ISO code when one is given:
    `format_money(Decimal("1000"), "EUR")` -> `"1,000.00 EUR"`."""
    text = f"{quantize(amount):,.2f}"
    return f"{text} {currency}" if currency else text


def format_quantity(value: Decimal) -> str:
    """A quantity with the precision it was given: `4.0000` -> `"4"`, `1.4590` -> `"1.459"`."""
    number = Decimal(value).normalize()
    return f"{number:f}" if number != 0 else "0"


def format_unit_price(value: Decimal, *, grouped: bool = False) -> str:
    """A unit price with at least two places and at most four, as given:
    `19.9900` -> `"19.99"`, `1.4590` -> `"1.459"`, `0.0125` -> `"0.0125"`, `5` -> `"5.00"`.
    `grouped` adds thousands separators for people (`"1,234.5678"`)."""
    digits = max(places(value), 2)
    with localcontext(_EXACT):
        number = Decimal(value).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return f"{number:,.{digits}f}" if grouped else f"{number:.{digits}f}"
