"""Number patterns such as `RE-{YYYY}-{SEQ:05}`: parsing and formatting, pure functions.

Placeholders: `{YYYY}` (four-digit year), `{YY}` (two-digit year), `{MM}` (month) and
exactly one `{SEQ}` or `{SEQ:0n}` (the running number, zero-padded to n digits, 1 <= n
<= 12). A pattern that holds `{YYYY}` or `{YY}` restarts its sequence each year; one
without keeps counting for ever. Anything else in braces is refused, so a typo never
ends up printed on an invoice.
"""

from __future__ import annotations

import re
from datetime import date

_TOKEN = re.compile(r"\{([^{}]*)\}")
_SEQ = re.compile(r"SEQ(?::0([1-9]|1[0-2]))?")
_DATE_TOKENS = {"YYYY", "YY", "MM"}
MAX_NUMBER_LENGTH = 40
# The counter's period for patterns that never restart.
NO_PERIOD = 0


def pattern_errors(pattern: str) -> list[str]:
    """What is wrong with a pattern, in words; empty when it is usable."""
    if not pattern.strip():
        return ["A number pattern is required for sequential numbering."]
    if "{" in _TOKEN.sub("", pattern) or "}" in _TOKEN.sub("", pattern):
        return ["Unbalanced braces in the number pattern."]
    tokens = _TOKEN.findall(pattern)
    unknown = [token for token in tokens if token not in _DATE_TOKENS and not _SEQ.fullmatch(token)]
    if unknown:
        return [f"Unknown placeholder {{{unknown[0]}}}; use {{YYYY}}, {{YY}}, {{MM}} and {{SEQ:05}}."]
    sequences = [token for token in tokens if _SEQ.fullmatch(token)]
    if len(sequences) != 1:
        return ["The number pattern must hold exactly one {SEQ} placeholder, e.g. RE-{YYYY}-{SEQ:05}."]
    if len(format_number(pattern, sequence=10**12 - 1, on=date(2000, 1, 1))) > MAX_NUMBER_LENGTH:
        return [f"Numbers made from this pattern could be longer than {MAX_NUMBER_LENGTH} characters."]
    return []


def restarts_yearly(pattern: str) -> bool:
    return any(token in ("YYYY", "YY") for token in _TOKEN.findall(pattern))


def counter_period(pattern: str, on: date) -> int:
    """The counter a number is drawn from: the year for yearly patterns, else one for ever."""
    return on.year if restarts_yearly(pattern) else NO_PERIOD


def format_number(pattern: str, *, sequence: int, on: date) -> str:
    def replace(match: re.Match[str]) -> str:
        placeholder = match.group(1)
        if placeholder == "YYYY":
            return f"{on.year:04d}"
        if placeholder == "YY":
            return f"{on.year % 100:02d}"
        if placeholder == "MM":
            return f"{on.month:02d}"
        width = _SEQ.fullmatch(placeholder).group(1)  # type: ignore[union-attr]
        return f"{sequence:0{int(width)}d}" if width else str(sequence)

    return _TOKEN.sub(replace, pattern)
