"""Number patterns: what they accept and what they print."""

from __future__ import annotations

from datetime import date

import pytest

from companies.numbering import counter_period, format_number, pattern_errors, restarts_yearly


@pytest.mark.parametrize(
    ("pattern", "sequence", "expected"),
    [
        ("RE-{YYYY}-{SEQ:05}", 42, "RE-2026-00042"),
        ("{YY}{MM}-{SEQ:03}", 7, "2603-007"),
        ("INV{SEQ}", 1234, "INV1234"),
        ("N-{SEQ:02}", 123, "N-123"),
    ],
)
def test_a_pattern_prints_the_year_month_and_padded_sequence(pattern: str, sequence: int, expected: str) -> None:
    assert format_number(pattern, sequence=sequence, on=date(2026, 3, 9)) == expected


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("", "A number pattern is required for sequential numbering."),
        ("RE-{YYYY}", "The number pattern must hold exactly one {SEQ} placeholder, e.g. RE-{YYYY}-{SEQ:05}."),
        ("{SEQ}-{SEQ:03}", "The number pattern must hold exactly one {SEQ} placeholder, e.g. RE-{YYYY}-{SEQ:05}."),
        ("RE-{DD}-{SEQ}", "Unknown placeholder {DD}; use {YYYY}, {YY}, {MM} and {SEQ:05}."),
        ("RE-{SEQ:5}", "Unknown placeholder {SEQ:5}; use {YYYY}, {YY}, {MM} and {SEQ:05}."),
        ("RE-{SEQ", "Unbalanced braces in the number pattern."),
        ("X" * 30 + "{SEQ:012}", "Numbers made from this pattern could be longer than 40 characters."),
    ],
)
def test_a_bad_pattern_is_explained(pattern: str, message: str) -> None:
    assert pattern_errors(pattern) == [message]


def test_only_patterns_with_a_year_restart_each_year() -> None:
    assert restarts_yearly("RE-{YYYY}-{SEQ}") and restarts_yearly("{YY}-{SEQ}")
    assert not restarts_yearly("RE-{MM}-{SEQ}")
    assert counter_period("RE-{YY}-{SEQ}", date(2027, 1, 1)) == 2027
    assert counter_period("RE-{SEQ}", date(2027, 1, 1)) == 0
