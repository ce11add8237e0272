"""Dates, amounts, labels and identifiers the way real invoices print them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from files.extraction.values import (
    amounts_in,
    currency_mentions,
    decimal_mark,
    find_dates,
    find_iban,
    parse_amount,
    valid_tax_id,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-03-20", date(2023, 3, 20)),
        ("20/03/2023", date(2023, 3, 20)),
        ("March 20, 2023", date(2023, 3, 20)),
        ("20.03.2023", date(2023, 3, 20)),
        ("5. März 2024", date(2024, 3, 5)),
        ("5. Marz 2024", date(2024, 3, 5)),
        ("20 mars 2023", date(2023, 3, 20)),
        ("20 de marzo de 2023", date(2023, 3, 20)),
        ("20 marzo 2023", date(2023, 3, 20)),
        ("20 maart 2023", date(2023, 3, 20)),
        ("1st Feb 2024", date(2024, 2, 1)),
        ("20-03-2023", date(2023, 3, 20)),
    ],
)
def test_dates_in_every_supported_format_are_read(text, expected):
    assert [found for _, found in find_dates(f"Date: {text}")] == [expected]


def test_an_ambiguous_numeric_date_is_read_month_first_only_when_asked():
    assert find_dates("03/04/2024")[0][1] == date(2024, 4, 3)
    assert find_dates("03/04/2024", month_first=True)[0][1] == date(2024, 3, 4)
    assert find_dates("13/04/2024", month_first=True)[0][1] == date(2024, 4, 13)


def test_impossible_dates_are_not_read():
    assert find_dates("31.02.2024 and 2024-13-01") == []


@pytest.mark.parametrize(
    ("text", "mark", "expected"),
    [
        ("1,234.56", ".", Decimal("1234.56")),
        ("1.234,56", ",", Decimal("1234.56")),
        ("$1,234.56", ".", Decimal("1234.56")),
        ("1 234,56 EUR", ",", Decimal("1234.56")),
        ("CHF 1'234.50", ".", Decimal("1234.50")),
        ("Total 12.345.678,90 €", ",", Decimal("12345678.90")),
        ("£0.99", ".", Decimal("0.99")),
    ],
)
def test_amounts_in_every_supported_format_are_read(text, mark, expected):
    assert decimal_mark([text]) == mark
    assert amounts_in(text, mark)[-1] == expected


def test_percentages_are_not_taken_for_amounts():
    assert amounts_in("VAT 19 % 190,00", ",") == [Decimal("190.00")]
    assert amounts_in("MWST 8.1 % CHF 838.19", ".") == [Decimal("838.19")]


def test_the_document_decimal_mark_decides_an_ambiguous_figure():
    assert parse_amount("1.234", ",") == Decimal("1234")
    assert parse_amount("1.234", ".") == Decimal("1.234")
    assert parse_amount("1,5", ".") == Decimal("1.5")
    assert parse_amount("abc", ".") is None


def test_currencies_are_read_from_codes_and_symbols():
    assert currency_mentions("Total 1.234,56 €") == ["EUR"]
    assert currency_mentions("Amount due $1,234.56") == ["USD"]
    assert currency_mentions("CA$ 10.00") == ["CAD"]
    assert currency_mentions("Total CHF 1'234.50") == ["CHF"]
    assert currency_mentions("ALL items") == []  # a word, not the Albanian lek


@pytest.mark.parametrize(
    ("printed", "compact"),
    [
        ("DE136695976", "DE136695976"),
        ("FR 40 303 265 045", "FR40303265045"),
        ("NL004495445B01", "NL004495445B01"),
        ("GB 980 7806 84", "GB980780684"),
        ("CHE-116.281.710 MWST", "CHE116281710"),
        ("04-2103594", "042103594"),
    ],
)
def test_tax_ids_are_validated_and_compacted(printed, compact):
    assert valid_tax_id(printed) == compact


def test_a_tax_id_with_a_wrong_check_digit_is_not_valid():
    assert valid_tax_id("DE136695977") is None


def test_an_iban_is_found_with_its_spaces_and_validated():
    assert find_iban("IBAN: DE89 3704 0044 0532 0130 00 BIC COBADEFFXXX") == "DE89370400440532013000"
    assert find_iban("IBAN: DE89 3704 0044 0532 0130 01") is None
