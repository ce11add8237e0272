"""Money rounding: half up, two places, rounded per line then summed."""

from decimal import Decimal

import pytest

from invoices.money import format_amount, invoice_totals, line_amounts, line_tax, line_total, quantize


@pytest.mark.parametrize(
    ("amount", "expected"),
    [("0.005", "0.01"), ("0.004", "0.00"), ("1.005", "1.01"), ("2.675", "2.68"), ("-0.005", "-0.01"), ("10", "10.00")],
)
def test_quantize_rounds_half_up_to_cents(amount: str, expected: str) -> None:
    assert quantize(Decimal(amount)) == Decimal(expected)


def test_line_total_applies_discount_before_rounding_once() -> None:
    # 3 x 33.33 = 99.99, less 10% = 89.991 -> 89.99
    assert line_total(quantity=Decimal("3"), unit_price=Decimal("33.33"), discount_percent=Decimal("10")) == Decimal(
        "89.99"
    )


def test_fractional_quantity_rounds_half_up() -> None:
    # 0.333 x 1.50 = 0.4995 -> 0.50
    assert line_total(quantity=Decimal("0.333"), unit_price=Decimal("1.50")) == Decimal("0.50")


def test_line_tax_is_computed_on_the_discounted_line_total() -> None:
    assert line_tax(line_total_amount=Decimal("89.99"), tax_rate=Decimal("20")) == Decimal("18.00")


def test_totals_sum_rounded_lines_and_total_is_subtotal_plus_tax() -> None:
    lines = [
        line_amounts(quantity=Decimal("1"), unit_price=Decimal("0.015"), tax_rate=Decimal("10")),
        line_amounts(quantity=Decimal("1"), unit_price=Decimal("0.015"), tax_rate=Decimal("10")),
    ]
    totals = invoice_totals(lines)
    assert [line.line_total for line in lines] == [Decimal("0.02"), Decimal("0.02")]
    assert totals.subtotal == Decimal("0.04")
    assert totals.tax_amount == Decimal("0.00")
    assert totals.total_amount == totals.subtotal + totals.tax_amount


def test_full_discount_makes_a_free_line() -> None:
    assert line_total(quantity=Decimal("5"), unit_price=Decimal("10"), discount_percent=Decimal("100")) == Decimal(
        "0.00"
    )


def test_amounts_are_formatted_with_two_places() -> None:
    assert format_amount(Decimal("1234.5")) == "1234.50"
    assert format_amount(Decimal("0")) == "0.00"
