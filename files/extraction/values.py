"""Values as invoices print them: amounts, dates, currencies, tax ids and IBANs.

Amounts are parsed by hand rather than with a generic price parser because the
reader has to decide, once per document, which mark is the decimal one (`1.234,56`
versus `1,234.56`) and then apply it to every figure, including ambiguous ones such as
`1.234` or a French `1 234,56` whose groups are separated by spaces. Month names come
from Babel's CLDR data for the six languages, so `5. März 2024`, `20 mars 2023`,
`20 de marzo de 2023` and `March 20, 2023` are read without a per-language table here.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from babel.dates import get_month_names
from stdnum import iban as iban_module
from stdnum.ch import uid as ch_uid
from stdnum.eu import vat as eu_vat
from stdnum.gb import vat as gb_vat
from stdnum.us import ein as us_ein

from core.currencies import ISO_4217_CODES

SPACES = re.compile(r"[\u00a0\u2000-\u200b\u202f\u205f\u3000\t]")
APOSTROPHES = re.compile(r"[\u2019\u02bc\u00b4`]")

# A figure: optional groups of three after 1-3 digits (separated by . , ' or a space), optional decimals.
AMOUNT = re.compile(r"(?<![\w.,'/-])(?:\d{1,3}(?:[.,' ]\d{3})+|\d+)(?:[.,]\d{1,4})?(?![\d%]|[.,]\d|\s?%)")
PERCENT = re.compile(r"(?<![\w.,])\d{1,3}(?:[.,]\d{1,3})?\s?%")

CURRENCY_SYMBOLS: dict[str, str] = {
    "€": "EUR",
    "£": "GBP",
    "US$": "USD",
    "CA$": "CAD",
    "C$": "CAD",
    "A$": "AUD",
    "AU$": "AUD",
    "$": "USD",
    "¥": "JPY",
    "₹": "INR",
    "zł": "PLN",
    "Fr.": "CHF",
}
# Three-letter words that are also currency codes; counted only right next to a figure.
AMBIGUOUS_CODES = frozenset({"ALL", "TOP", "CUP", "MOP", "BAM", "BOB", "SOS", "NAD", "PEN", "CAD", "LAK", "MAD"})
CODE = re.compile(r"(?<![A-Za-z])([A-Z]{3})(?![A-Za-z])")

MONTH_LOCALES = ("en", "de", "fr", "es", "it", "nl")


def normalise_text(text: str) -> list[str]:
    """Lines with unusual spaces and apostrophes made plain, runs of spaces collapsed, blanks dropped."""
    text = SPACES.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n"))
    text = APOSTROPHES.sub("'", text)
    lines = [re.sub(r" {2,}", " ", line).strip() for line in text.split("\n")]
    return [line for line in lines if line]


def decimal_mark(lines: list[str]) -> str:
    """`","` or `"."`: the mark that most often precedes exactly two final digits in the document."""
    comma = dot = 0
    for line in lines:
        comma += len(re.findall(r"\d,\d{2}(?![\d])", line))
        dot += len(re.findall(r"\d\.\d{2}(?![\d.])", line))
    return "," if comma > dot else "."


def parse_amount(token: str, mark: str) -> Decimal | None:
    """A printed figure as a Decimal, given the document's decimal mark; None if it is not one."""
    token = token.strip().replace(" ", "").replace("'", "")
    if not token or not token[0].isdigit():
        return None
    other = "." if mark == "," else ","
    if mark in token and other in token:
        # Both present: whichever comes last is the decimal mark.
        if token.rfind(mark) < token.rfind(other):
            mark, other = other, mark
        token = token.replace(other, "")
    elif other in token:
        tail = token.rpartition(other)[2]
        if len(tail) == 3 and token.count(other) >= 1 and all(len(group) == 3 for group in token.split(other)[1:]):
            token = token.replace(other, "")  # grouping only
        elif token.count(other) == 1:
            mark = other  # a lone foreign mark before 1, 2 or 4 digits is a decimal mark after all
        else:
            return None
    if token.count(mark) > 1:
        return None
    try:
        return Decimal(token.replace(mark, "."))
    except InvalidOperation:
        return None


def amounts_in(text: str, mark: str) -> list[Decimal]:
    """Every figure in `text`, percentages removed first."""
    text = PERCENT.sub(" ", text)
    values = []
    for match in AMOUNT.finditer(text):
        value = parse_amount(match.group(0), mark)
        if value is not None:
            values.append(value)
    return values


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


@lru_cache(maxsize=1)
def month_numbers() -> dict[str, int]:
    """Every wide and abbreviated month name of the six languages (with and without accents) -> 1..12."""
    names: dict[str, int] = {}
    for locale in MONTH_LOCALES:
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for number, name in get_month_names(width, context=context, locale=locale).items():
                    key = name.lower().rstrip(".")
                    names.setdefault(key, number)
                    names.setdefault(_strip_accents(key), number)
    names.setdefault("sept", 9)
    return names


NUMERIC_DATE = re.compile(r"(?<!\d)(\d{1,2})\s?[./-]\s?(\d{1,2})\s?[./-]\s?(\d{4}|\d{2})(?!\d)")
ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
DAY_MONTH_YEAR = re.compile(
    r"(?<!\d)(\d{1,2})(?:st|nd|rd|th|er|º|°)?\.?\s*(?:de\s+)?([^\W\d_]{3,}\.?)\s*(?:de\s+)?,?\s*(\d{4})(?!\d)"
)
MONTH_DAY_YEAR = re.compile(r"([^\W\d_]{3,})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})(?!\d)")


def _safe_date(year: int, month: int, day: int) -> date | None:
    if year < 100:
        year += 2000
    try:
        return date(year, month, day)
    except ValueError:
        return None


def find_dates(text: str, *, month_first: bool = False) -> list[tuple[int, date]]:
    """(position, date) for every date in `text`, in order of appearance."""
    months = month_numbers()
    found: list[tuple[int, date]] = []
    taken: list[tuple[int, int]] = []

    def add(match: re.Match[str], value: date | None) -> None:
        if value is None or any(start < match.end() and match.start() < end for start, end in taken):
            return
        taken.append(match.span())
        found.append((match.start(), value))

    for match in ISO_DATE.finditer(text):
        add(match, _safe_date(int(match.group(1)), int(match.group(2)), int(match.group(3))))
    for match in DAY_MONTH_YEAR.finditer(text):
        month = months.get(match.group(2).lower().rstrip("."))
        if month:
            add(match, _safe_date(int(match.group(3)), month, int(match.group(1))))
    for match in MONTH_DAY_YEAR.finditer(text):
        month = months.get(match.group(1).lower().rstrip("."))
        if month:
            add(match, _safe_date(int(match.group(3)), month, int(match.group(2))))
    for match in NUMERIC_DATE.finditer(text):
        first, second, year = int(match.group(1)), int(match.group(2)), int(match.group(3))
        if first > 12 or (not month_first and second <= 12):
            add(match, _safe_date(year, second, first))
        else:
            add(match, _safe_date(year, first, second))
    return sorted(found, key=lambda item: item[0])


def currency_mentions(text: str) -> list[str]:
    """ISO codes and symbols in `text`, as ISO codes, in order of appearance."""
    mentions: list[tuple[int, str]] = []
    for match in CODE.finditer(text):
        code = match.group(1)
        if code not in ISO_4217_CODES:
            continue
        if code in AMBIGUOUS_CODES:
            around = text[max(0, match.start() - 2) : match.end() + 2]
            if not re.search(r"\d", around):
                continue
        mentions.append((match.start(), code))
    taken: list[tuple[int, int]] = []
    for symbol, code in sorted(CURRENCY_SYMBOLS.items(), key=lambda pair: -len(pair[0])):
        for match in re.finditer(re.escape(symbol), text):
            if any(start < match.end() and match.start() < end for start, end in taken):
                continue  # part of a longer symbol already counted: the A$ in CA$
            if symbol == "Fr." and not re.match(r"\s?\d", text[match.end() : match.end() + 2]):
                continue
            taken.append(match.span())
            mentions.append((match.start(), code))
    return [code for _, code in sorted(mentions)]


def valid_tax_id(candidate: str) -> str | None:
    """The compact tax id if `candidate` is a valid EU/UK VAT number, Swiss UID or US EIN."""
    for module, compact in (
        (eu_vat, eu_vat.compact),
        (gb_vat, lambda number: "GB" + gb_vat.compact(number)),
        (ch_uid, ch_uid.compact),
        (us_ein, us_ein.compact),
    ):
        raw = candidate
        if module is ch_uid:
            if not candidate.upper().startswith("CHE"):
                continue
            raw = re.sub(r"\s*(?:MWST|TVA|IVA|HR)$", "", candidate, flags=re.IGNORECASE)
        if module is us_ein and not re.fullmatch(r"\d{2}-?\d{7}", raw):
            continue
        if module.is_valid(raw):
            return compact(raw)
    return None


IBAN_START = re.compile(r"\b[A-Z]{2}\d{2}(?=[ A-Z0-9]{10,})")


def find_iban(line: str) -> str | None:
    """The first valid IBAN in `line`, compact, trying shorter runs when trailing text sticks to it."""
    for match in IBAN_START.finditer(line):
        rest = line[match.start() :]
        run = re.match(r"[A-Z0-9 ]+", rest)
        if not run:
            continue
        characters = run.group(0).replace(" ", "")[:34]
        for length in range(len(characters), 14, -1):
            if iban_module.is_valid(characters[:length]):
                return characters[:length]
    return None
