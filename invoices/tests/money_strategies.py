"""Random invoices the way people write them, and an independent check of their totals.

The expected amounts are computed here in integer arithmetic (ten-thousandths and
cents), not with `invoices.money`, so a property test compares two separate
definitions of the SPEC's rule: line_total = round(q x p x (1 - d/100), 2) half up,
line tax = round(line_total x rate/100, 2) half up, totals summed from rounded lines.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from decimal import Decimal

from hypothesis import strategies as st

# The tax rates people use (Germany 19/7, France 20/5.5/10, Netherlands 21, Nordics 25,
# New York City's combined sales tax 8.875, ...).
TAX_RATES = ["0", "5.5", "7", "7.5", "10", "19", "20", "21", "25", "8.875"]


def _decimals(*, low: str, high: str, max_places: int) -> st.SearchStrategy[str]:
    def with_places(places: int) -> st.SearchStrategy[str]:
        return st.decimals(min_value=Decimal(low), max_value=Decimal(high), places=places).map(lambda d: f"{d:f}")

    return st.integers(min_value=0, max_value=max_places).flatmap(with_places)


quantities = st.one_of(
    st.sampled_from(["1", "2", "4", "0.5", "1.459", "0.0125", "12.75"]),
    _decimals(low="0.0001", high="10000", max_places=4),
)
unit_prices = st.one_of(
    st.sampled_from(["19.99", "0.0125", "1.459", "100", "0", "999.95"]),
    _decimals(low="0", high="50000", max_places=4),
)
discounts = st.one_of(
    st.just("0"), st.sampled_from(["5", "10", "12.5", "33.33", "100"]), _decimals(low="0", high="100", max_places=2)
)


@st.composite
def line_items(draw: st.DrawFn) -> dict[str, str]:
    return {
        "description": draw(st.sampled_from(["Fuel", "Cloud usage", "Consulting", "Design", "Licence"])),
        "quantity": draw(quantities),
        "unit_price": draw(unit_prices),
        "discount_percent": draw(discounts),
        "tax_rate": draw(st.sampled_from(TAX_RATES)),
    }


invoice_lines = st.lists(line_items(), min_size=1, max_size=10)


def _scaled(text: str, places: int) -> int:
    """`"1.459"` at 4 places -> 14590, exactly."""
    whole, _, fraction = text.partition(".")
    return int(whole + fraction.ljust(places, "0")[:places]) if fraction or places else int(whole)


def _round_half_up(numerator: int, denominator: int) -> int:
    return (2 * numerator + denominator) // (2 * denominator)


@dataclass(frozen=True)
class ExpectedTotals:
    lines: tuple[int, ...]  # cents of each line total
    subtotal: str
    tax_amount: str
    total_amount: str


def cents_text(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def expected_totals(lines: list[dict[str, str]]) -> ExpectedTotals:
    line_cents = []
    tax_cents = 0
    for line in lines:
        quantity = _scaled(line["quantity"], 4)  # ten-thousandths
        price = _scaled(line["unit_price"], 4)  # ten-thousandths
        keep = 10_000 - _scaled(line["discount_percent"], 2)  # hundredths of a percent kept
        # q x p x keep / (10^4 x 10^4 x 10^4) units = that x 100 / 10^12 cents
        cents = _round_half_up(quantity * price * keep * 100, 10**12)
        line_cents.append(cents)
        tax_cents += _round_half_up(cents * _scaled(line["tax_rate"], 3), 100_000)
    subtotal = sum(line_cents)
    return ExpectedTotals(
        lines=tuple(line_cents),
        subtotal=cents_text(subtotal),
        tax_amount=cents_text(tax_cents),
        total_amount=cents_text(subtotal + tax_cents),
    )


@st.composite
def parts_of(draw: st.DrawFn, total_cents: int) -> list[int]:
    """Cents that add up to `total_cents`, in 1 to 6 positive parts."""
    count = draw(st.integers(min_value=1, max_value=min(6, total_cents)))
    cuts = (
        sorted(
            draw(st.sets(st.integers(min_value=1, max_value=total_cents - 1), min_size=count - 1, max_size=count - 1))
        )
        if count > 1
        else []
    )
    bounds = [0, *cuts, total_cents]
    return [high - low for low, high in itertools.pairwise(bounds)]
