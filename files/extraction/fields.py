"""Stage `extract`: invoice fields from free text, whatever the layout.

The reader looks for labels (`labels.py`, six languages) and for values of the right
shape next to them (on the same line, or on the next one when a layout puts the label
above its value). Amounts use the document's decimal mark. Figures are cross-checked:
subtotal + tax = total, the line items add up to the subtotal, each line's quantity x
price (less its discount) = its total, and the due date is not before the issue date;
agreement raises a field's confidence, disagreement lowers it. A field that is not
found is None with confidence 0: nothing is guessed.

`confidence_score` is a weighted mean of the per-field confidences: invoice number and
total count 2, due date 0.5, issue date, currency, subtotal, tax, customer name and
issuer name 1 each. A missing number or total therefore pulls the score down most; with
the default threshold of 0.8 a document needs nearly every key field, cross-checked,
to be saved without review.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from files.extraction.base import ExtractionError, ExtractionResult, ReadDocument
from files.extraction.labels import LANGUAGE_HINTS, LEGAL_FORMS, TITLE_WORDS, find_label
from files.extraction.values import (
    amounts_in,
    currency_mentions,
    decimal_mark,
    find_dates,
    find_iban,
    normalise_text,
    parse_amount,
    valid_tax_id,
)

FIELDS = (
    "invoice_number",
    "issue_date",
    "due_date",
    "currency",
    "subtotal",
    "tax_amount",
    "total_amount",
    "customer_name",
    "customer_address",
)
SCORE_WEIGHTS: dict[str, float] = {
    "invoice_number": 2,
    "issue_date": 1,
    "due_date": 0.5,
    "currency": 1,
    "subtotal": 1,
    "tax_amount": 1,
    "total_amount": 2,
    "customer_name": 1,
    "issuer_name": 1,
}
CENT = Decimal("0.01")
OCR_FACTOR = 0.9  # OCR text may hold misread characters that no cross-check can catch
TOTAL_CLASSES = ("subtotal", "tax_total", "total_amount", "tax")
UNITS = frozenset(
    "h hr hrs hour hours std std. stk stk. st st. pcs pc pc. x m m2 m3 kg l days day tage tag jours uds ud".split()
)
NUMBER_TOKEN = re.compile(r"^[\d][\d.,']*$")
POSTAL_LINE = re.compile(
    r"^(?:\d{4,5}(?:\s?[A-Z]{2})?\s+[^\d\s].*"  # 10115 Berlin, 1012 AB Amsterdam, 75002 Paris
    r"|.*,\s*[A-Z]{2}\s+\d{5}(?:-\d{4})?"  # New York, NY 10001
    r"|.*\s\d{5}(?:-\d{4})?"  # Chicago IL 60601
    r"|[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2})$"  # EC1A 1BB
)
# The separators of a letter's one-line sender address ("Acme GmbH · Street 1 · 10115 Berlin");
# OCR often reads the middle dot as a hyphen or a colon.
SENDER_SEPARATOR = re.compile(r"\s[·•|:\-–]\s")
# Two address rows on one line: "13001 Marseille 69001 Lyon", "152 rue de la Paix 116 avenue Hugo".
SECOND_POSTAL = re.compile(r"^(\d{4,5}(?:\s[A-Z]{2})?\s\D+?)\s(\d{4,5}(?:\s[A-Z]{2})?\s\D+)$")
SECOND_STREET = re.compile(r"^(.+?\D\s\d+[a-z]?|\d+\s\D+?)\s((?:\d+\s\D+)|(?:\D+\s\d+[a-z]?))$")
LEGAL_FORM_INSIDE = re.compile(LEGAL_FORMS.pattern.removesuffix("$") + r"['\".,]*(?=\s+\S)")
BLOCK_STOP_FIELDS = (
    "invoice_number",
    "issue_date",
    "due_date",
    "tax_id",
    "customer",
    "issuer",
    "subtotal",
    "total_amount",
)


def empty_data() -> dict[str, Any]:
    data: dict[str, Any] = dict.fromkeys(FIELDS)
    data["items"] = []
    data["issuer"] = {"name": None, "tax_id": None, "iban": None, "address": None}
    data["confidence"] = dict.fromkeys((*FIELDS, "items", "issuer_name", "issuer_tax_id", "issuer_iban"), 0.0)
    return data


def money_text(value: Decimal) -> str:
    return f"{value.quantize(CENT):.2f}"


def decimal_text(value: Decimal, *, min_places: int, max_places: int) -> str:
    text = f"{value.normalize():f}"
    places = len(text.split(".")[1]) if "." in text else 0
    return f"{value:.{max(min_places, min(places, max_places))}f}"


def _after(line: str, match: re.Match[str]) -> str:
    return line[match.end() :].strip(" :#.-–—\t")


def _has_label(line: str, fields: tuple[str, ...], *, at_start: bool = True) -> bool:
    return any(find_label(name, line, at_start=at_start) for name in fields)


def guess_language(lines: list[str]) -> str:
    text = " ".join(lines).lower()
    scores = {language: sum(text.count(word) for word in words) for language, words in LANGUAGE_HINTS.items()}
    return max(scores, key=lambda language: scores[language])


@dataclass
class _Reader:
    lines: list[str]
    mark: str
    month_first: bool

    # --- invoice number -----------------------------------------------------------
    def invoice_number(self) -> tuple[str | None, float]:
        for index, line in enumerate(self.lines):
            match = find_label("invoice_number", line)
            if not match:
                continue
            remainder = _after(line, match)
            candidates = [remainder] if remainder else []
            if index + 1 < len(self.lines) and not remainder:
                candidates.append(self.lines[index + 1])
            for candidate in candidates:
                token = self._identifier(candidate)
                if token:
                    return token, 0.9
        title = re.compile(r"^(?:" + "|".join(TITLE_WORDS) + r")\s+(?:no\.?|nr\.?|n°|#)?\s*(\S+)", re.IGNORECASE)
        for line in self.lines:
            if (match := title.match(line)) and (token := self._identifier(match.group(1))):
                return token, 0.75
        return None, 0.0

    @staticmethod
    def _identifier(text: str) -> str | None:
        first = text.split(" ")[0].strip(":#.,;()") if text else ""
        if first and re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9\-/._]*", first) and re.search(r"\d", first):
            if find_dates(first):
                return None
            return first
        return None

    # --- dates ----------------------------------------------------------------------
    def dates(self) -> dict[str, tuple[str | None, float]]:
        found: dict[str, tuple[str | None, float]] = {"issue_date": (None, 0.0), "due_date": (None, 0.0)}
        for index, line in enumerate(self.lines):
            issue = find_label("issue_date", line)
            due = find_label("due_date", line)
            if not issue and not due:
                continue
            field, match = (
                ("due_date", due)
                if due and (not issue or len(due.group(0)) >= len(issue.group(0)))
                else ("issue_date", issue)
            )
            if match is None or found[field][0] is not None:
                continue
            generic = field == "issue_date" and match.group(0).lower() in ("date", "datum", "fecha", "data")
            remainder = line[match.end() :]
            dates = find_dates(remainder, month_first=self.month_first)
            if not dates and index + 1 < len(self.lines) and not remainder.strip(" :"):
                dates = find_dates(self.lines[index + 1], month_first=self.month_first)
            if dates:
                found[field] = (dates[0][1].isoformat(), 0.8 if generic else 0.9)
        if found["issue_date"][0] is None:
            for line in self.lines:
                if dates := find_dates(line, month_first=self.month_first):
                    found["issue_date"] = (dates[0][1].isoformat(), 0.4)
                    break
        issue_on, due_on = found["issue_date"][0], found["due_date"][0]
        if issue_on and due_on:
            if due_on < issue_on:
                found = {name: (value, min(confidence, 0.4)) for name, (value, confidence) in found.items()}
            else:
                found = {name: (value, min(1.0, confidence + 0.05)) for name, (value, confidence) in found.items()}
        return found

    # --- totals ---------------------------------------------------------------------
    def classify_total(self, line: str) -> str | None:
        if _has_label(line, ("tax_id",), at_start=False) or find_iban(line):
            return None
        best, best_length = None, 0
        for name in TOTAL_CLASSES:
            match = find_label(name, line)
            if match and len(match.group(0)) > best_length:
                best, best_length = name, len(match.group(0))
        return best

    def totals(self, skip: set[int]) -> dict[str, list[Decimal]]:
        found: dict[str, list[Decimal]] = {name: [] for name in TOTAL_CLASSES}
        for index, line in enumerate(self.lines):
            if index in skip:
                continue
            name = self.classify_total(line)
            if not name:
                continue
            match = find_label(name, line)
            if match is None:  # classify_total found this label
                continue
            values = amounts_in(line[match.end() :], self.mark)
            if not values and index + 1 < len(self.lines) and not re.sub(r"[\s:()A-Z%0-9.,]", "", line[match.end() :]):
                following = self.lines[index + 1]
                if not re.search(r"[^\W\d_]{4,}", following):
                    values = amounts_in(following, self.mark)
            if values:
                found[name].append(values[-1])
        return found

    # --- items ----------------------------------------------------------------------
    def items(self) -> tuple[list[dict[str, Any]], list[float], set[int]]:
        header = None
        for index, line in enumerate(self.lines):
            if self._is_items_header(line):
                header = index
                break
        if header is None:
            return [], [], set()
        header_line = self.lines[header]
        described = find_label("items_description", header_line)
        if described is None:  # _is_items_header found this label
            return [], [], set()
        columns = header_line[described.end() :]
        discount_at = find_label("items_discount", columns)
        tax_at = find_label("items_tax", columns)
        discount_first = discount_at is not None and (not tax_at or discount_at.start() < tax_at.start())
        rows: list[dict[str, Any]] = []
        confidences: list[float] = []
        used = {header}
        for index in range(header + 1, len(self.lines)):
            line = self.lines[index]
            if self.classify_total(line) in ("subtotal", "total_amount", "tax_total") and not self._row(
                line, has_discount=bool(discount_at), discount_first=discount_first
            ):
                break
            if self.classify_total(line) in ("subtotal", "total_amount"):
                break
            parsed = self._row(line, has_discount=bool(discount_at), discount_first=discount_first)
            if parsed is None:
                if rows and len(used) > len(rows) + 3:
                    break
                continue
            row, confidence = parsed
            rows.append(row)
            confidences.append(confidence)
            used.add(index)
        return rows, confidences, used

    @staticmethod
    def _is_items_header(line: str) -> bool:
        """A table header: a description column and at least two other known column names."""
        described = find_label("items_description", line)
        if not described or described.start() > 20:
            return False
        columns = line[described.end() :]
        found = sum(
            1 for name in ("items_quantity", "items_amount", "items_discount", "items_tax") if find_label(name, columns)
        )
        return found >= 2 or bool(find_label("items_quantity", columns))

    def _row(self, line: str, *, has_discount: bool, discount_first: bool) -> tuple[dict[str, Any], float] | None:
        """One table row: a description, then figures; the figures are found from the right.

        The figures must satisfy quantity x price (less discount) = line total. The
        shortest run of figures that does wins, so numbers that end a description
        ("Sparkling water 0.75 l") stay in it; a row whose figures never agree is kept
        with a low confidence.
        """
        tokens = line.split(" ")
        start = len(tokens)
        while start > 0 and self._is_tail_token(tokens[start - 1]):
            start -= 1
        if start == len(tokens):
            return None
        fallback = None
        for need_quantity in (True, False):
            for cut in range(len(tokens) - 1, start - 1, -1):
                description = " ".join(tokens[:cut]).strip(" -–:")
                if not re.search(r"[^\W\d_]{2,}", description) or re.match(r"0\d", tokens[cut]):
                    continue
                elements = self._elements(tokens[cut:])
                last = self._greedy_last(elements)
                for numbers, percents in self._segmentations(elements):
                    if numbers and last is not None and numbers[-1] != last:
                        continue
                    if len(numbers) != (3 if need_quantity else 2):
                        continue
                    row, ok = self._interpret(
                        numbers, percents, has_discount=has_discount, discount_first=discount_first
                    )
                    if ok:
                        return {"description": description, **row}, 0.95
                    if fallback is None and cut == start:
                        fallback = ({"description": description, **row}, 0.4)
        return fallback

    def _greedy_last(self, elements: list[Any]) -> Decimal | None:
        """The line total read with every digit group before it (`1 184,65`, not `184,65`)."""
        if not elements or not isinstance(elements[-1], str):
            return None
        start = len(elements) - 1
        while (
            start > 0
            and isinstance(elements[start - 1], str)
            and re.fullmatch(r"\d{3}(?:[.,]\d{1,4})?", elements[start])
            and re.fullmatch(r"\d{1,3}", elements[start - 1])
        ):
            start -= 1
            if start > 0 and isinstance(elements[start - 1], str) and re.fullmatch(r"\d{3}", elements[start]):
                continue
            break
        return parse_amount(" ".join(elements[start:]), self.mark)

    @staticmethod
    def _is_tail_token(token: str) -> bool:
        bare = token.strip("()")
        return bool(
            NUMBER_TOKEN.match(bare)
            or bare == "%"
            or re.fullmatch(r"[\d.,]+%", bare)
            or bare in ("€", "$", "£", "CHF")
            or re.fullmatch(r"[A-Z]{3}", bare)
            or re.fullmatch(r"[$€£][\d.,']+", bare)
            or re.fullmatch(r"[\d.,']+[€$£]", bare)
            or bare.lower() in UNITS
        )

    @staticmethod
    def _elements(tail: list[str]) -> list[Any]:
        """Numbers (str) and percentages (("%", str)) of a row's figures; symbols and units dropped."""
        elements: list[Any] = []
        for token in tail:
            bare = token.strip("()€$£")
            if bare == "%":
                if elements and isinstance(elements[-1], str):
                    elements[-1] = ("%", elements[-1])
                continue
            if bare.endswith("%"):
                elements.append(("%", bare[:-1]))
            elif NUMBER_TOKEN.match(bare):
                elements.append(bare)
        return elements

    def _segmentations(self, elements: list[Any]) -> list[tuple[list[Decimal], list[Decimal]]]:
        """Every way to read space-separated digit groups (`1 234,56`) as numbers, greediest first."""
        results: list[tuple[list[Decimal], list[Decimal]]] = []

        def walk(position: int, numbers: list[Decimal], percents: list[Decimal]) -> None:
            if len(results) > 64:
                return
            if position == len(elements):
                results.append((numbers, percents))
                return
            element = elements[position]
            if isinstance(element, tuple):
                value = parse_amount(element[1], self.mark)
                if value is not None:
                    walk(position + 1, numbers, [*percents, value])
                return
            ends = [position]
            if re.fullmatch(r"\d{1,3}", element):
                end = position + 1
                while (
                    end < len(elements)
                    and isinstance(elements[end], str)
                    and re.fullmatch(r"\d{3}(?:[.,]\d{1,4})?", elements[end])
                ):
                    ends.append(end)
                    if not re.fullmatch(r"\d{3}", elements[end]):
                        break
                    end += 1
            for end in reversed(ends):
                value = parse_amount(" ".join(elements[position : end + 1]), self.mark)
                if value is not None:
                    walk(end + 1, [*numbers, value], percents)

        walk(0, [], [])
        return results

    @staticmethod
    def _interpret(
        numbers: list[Decimal], percents: list[Decimal], *, has_discount: bool, discount_first: bool
    ) -> tuple[dict[str, Any], bool]:
        total = numbers[-1]
        quantity, price = (numbers[-3], numbers[-2]) if len(numbers) >= 3 else (Decimal(1), numbers[-2])
        options: list[tuple[Decimal, Decimal | None]] = []  # (discount, tax rate)
        if len(percents) >= 2:
            first, second = percents[0], percents[1]
            options = [(first, second) if discount_first else (second, first)]
        elif len(percents) == 1:
            options = [(Decimal(0), percents[0])]
            if has_discount:
                options.insert(0, (percents[0], None))
        else:
            options = [(Decimal(0), None)]
        for discount, rate in options:
            expected = (quantity * price * (1 - discount / 100)).quantize(CENT)
            if abs(expected - total) <= CENT:
                row = {
                    # A row printing only price and total has no quantity: it is not made up.
                    "quantity": decimal_text(quantity, min_places=0, max_places=4) if len(numbers) >= 3 else None,
                    "unit_price": decimal_text(price, min_places=2, max_places=4),
                    "tax_rate": decimal_text(rate, min_places=0, max_places=3) if rate is not None else None,
                    "line_total": money_text(total),
                }
                return row, True
        discount, rate = options[-1]
        row = {
            "quantity": decimal_text(quantity, min_places=0, max_places=4) if len(numbers) >= 3 else None,
            "unit_price": decimal_text(price, min_places=2, max_places=4),
            "tax_rate": decimal_text(rate, min_places=0, max_places=3) if rate is not None else None,
            "line_total": money_text(total),
        }
        return row, False

    # --- parties --------------------------------------------------------------------
    def block(self, start: int, first: str | None) -> list[str]:
        """The lines of an address block: `first` (text after the label), then lines up to the postal line.

        A "number: value" or "date: value" line inside the block is the other column of a
        two-column header that OCR put on the same lines; it is skipped, not a stop.
        """
        lines = [first] if first else []
        for index in range(start, min(start + 9, len(self.lines))):
            if lines and (POSTAL_LINE.match(lines[-1]) or len(lines) >= 5):
                break
            line = self.lines[index]
            if _has_label(line, ("invoice_number", "issue_date", "due_date")) and not _has_label(
                line, ("customer", "issuer")
            ):
                continue
            if _has_label(line, BLOCK_STOP_FIELDS) or self._is_items_header(line):
                break
            if self.classify_total(line) or find_iban(line):
                break
            lines.append(line)
        return lines

    def labelled_block(self, field: str) -> tuple[list[str], int] | None:
        for index, line in enumerate(self.lines):
            match = find_label(field, line, at_start=True)
            if not match:
                continue
            remainder = _after(line, match)
            if re.match(r"(?:no\.?|number|nr\.?|id|#|nummer)\b", remainder, re.IGNORECASE):
                continue
            if remainder and _has_label(remainder, BLOCK_STOP_FIELDS, at_start=False):
                continue
            block = self.block(index + 1, remainder or None)
            if block:
                return block, index
        return None

    @staticmethod
    def split_one_line(lines: list[str]) -> list[str]:
        """`"Acme Ltd, 1 High Street, London"` -> name and address when a block is one line."""
        if len(lines) == 1 and ", " in lines[0]:
            name, _, rest = lines[0].partition(", ")
            if re.search(r"\d", rest):
                return [name, rest]
        return lines

    def customer(self, issuer_name: str | None) -> tuple[list[str], float, set[int]]:
        labelled = self.labelled_block("customer")
        if labelled:
            block, index = labelled
            block = self.split_one_line(block)
            return block, 0.9, set(range(index, index + len(block) + 1))
        # A letter's sender line ("Acme GmbH · Street 1 · 10115 Berlin") sits right above the recipient.
        if issuer_name:
            for index, line in enumerate(self.lines):
                if line.startswith(issuer_name) and len(SENDER_SEPARATOR.findall(line)) >= 2:
                    block = self.block(index + 1, None)
                    if block:
                        return block, 0.75, set(range(index, index + len(block) + 1))
        two_columns = self.side_by_side_parties(issuer_name)
        if two_columns:
            block, index = two_columns
            return block, 0.7, set(range(index, index + len(block) + 1))
        return [], 0.0, set()

    def side_by_side_parties(self, issuer_name: str | None) -> tuple[list[str], int] | None:
        """The customer column of seller and buyer printed side by side ("From  Bill to" / "Acme  Initech")."""
        columns = self.two_party_columns(issuer_name)
        return (columns[1], columns[2]) if columns else None

    def two_party_columns(self, issuer_name: str | None) -> tuple[list[str], list[str], int] | None:
        """(issuer lines, customer lines, label line) when both parties share lines, as OCR reads two columns.

        The first row is cut after the issuer's name (or after a company's legal form),
        the following rows before the second street or postal line.
        """
        for index, line in enumerate(self.lines):
            issuer_label = find_label("issuer", line, at_start=True)
            customer_label = find_label("customer", line)
            if not issuer_label or not customer_label or customer_label.start() <= issuer_label.end():
                continue
            rows = self.lines[index + 1 : index + 6]
            if not rows:
                return None
            cut = None
            if issuer_name and rows[0].startswith(issuer_name) and len(rows[0]) > len(issuer_name) + 1:
                cut = len(issuer_name)
            elif match := LEGAL_FORM_INSIDE.search(rows[0]):
                cut = match.end()
            if cut is None:
                return None
            left = [rows[0][:cut].strip(" '\"")]
            right = [rows[0][cut:].strip(" '\"")]
            for row in rows[1:]:
                split = SECOND_POSTAL.match(row) or SECOND_STREET.match(row)
                if not split:
                    break
                left.append(split.group(1).strip())
                right.append(split.group(2).strip())
                if POSTAL_LINE.match(right[-1]):
                    break
            return left, right, index
        return None

    def issuer(self) -> tuple[str | None, list[str], float]:
        labelled = self.labelled_block("issuer")
        top = self.top_name()
        columns = self.two_party_columns(top[0] if top else None)
        if columns and not labelled:
            name, *address = columns[0]
            return name, address, 0.75 if LEGAL_FORMS.search(name) else 0.6
        if labelled:
            block = self.split_one_line(labelled[0])
            name = block[0]
            confidence = 0.95 if top and top[0] == name else 0.85 if LEGAL_FORMS.search(name) else 0.7
            return name, block[1:], confidence
        if top is None:
            return None, [], 0.0
        name, index = top
        address = []
        following = self.lines[index + 1] if index + 1 < len(self.lines) else ""
        if following.startswith(name) and len(SENDER_SEPARATOR.findall(following)) >= 2:
            address = [part.strip() for part in SENDER_SEPARATOR.split(following)[1:] if part.strip()]
        else:
            block = self.block(index + 1, None)
            if block and POSTAL_LINE.match(block[-1]):
                address = block
        return name, address, 0.85 if LEGAL_FORMS.search(name) else 0.6

    def top_name(self) -> tuple[str, int] | None:
        """The first line that is neither a title nor a label: where letterheads put the issuer."""
        title = re.compile(r"\s*(?:[-–—|:]\s*)?(?:" + "|".join(TITLE_WORDS) + r")\s*$", re.IGNORECASE)
        for index, line in enumerate(self.lines[:8]):
            name = title.sub("", line).strip(" -–—|")
            if not name or re.fullmatch("(?:" + "|".join(TITLE_WORDS) + ")", name, re.IGNORECASE):
                continue
            if _has_label(name, (*BLOCK_STOP_FIELDS, "items_description")) or find_dates(name):
                continue
            if not re.search(r"[^\W\d_]{2,}", name):
                continue
            return name, index
        return None

    # --- identifiers ----------------------------------------------------------------
    def tax_id(self, skip: set[int]) -> tuple[str | None, float]:
        fallback: tuple[str | None, float] = (None, 0.0)
        for index, line in enumerate(self.lines):
            if index in skip:
                continue
            match = find_label("tax_id", line)
            if not match:
                continue
            remainder = _after(line, match)
            if not remainder and index + 1 < len(self.lines):
                remainder = self.lines[index + 1]
            tokens = remainder.split(" ")
            for count in range(min(5, len(tokens)), 0, -1):
                candidate = " ".join(tokens[:count])
                if value := valid_tax_id(candidate):
                    return value, 0.95
            if fallback[0] is None and tokens and re.search(r"\d{5,}", tokens[0]):
                fallback = (re.sub(r"[\s.\-]", "", tokens[0]), 0.3)
        for index, line in enumerate(self.lines):
            if index in skip:
                continue
            for token in re.findall(r"\b[A-Z]{2}[0-9A-Z]{8,12}\b", line):
                if value := valid_tax_id(token):
                    return value, 0.7
        return fallback

    def iban(self) -> tuple[str | None, float]:
        for line in self.lines:
            if value := find_iban(line):
                return value, 0.95
        return None, 0.0

    def currency(self) -> tuple[str | None, float]:
        total_lines = [line for line in self.lines if self.classify_total(line)]
        for lines, confidence in ((total_lines, 0.95), (self.lines, 0.85)):
            mentions = currency_mentions("\n".join(lines))
            if mentions:
                best = max(set(mentions), key=mentions.count)
                if best == "USD" and "USD" not in " ".join(lines) and "$" in " ".join(lines):
                    confidence -= 0.15  # a bare "$" is not only the US dollar
                return best, confidence
        return None, 0.0


def _reconcile(
    totals: dict[str, list[Decimal]], items_sum: Decimal | None
) -> tuple[dict[str, Decimal | None], dict[str, float], bool]:
    """Choose subtotal, tax and total among the labelled candidates, preferring ones that add up."""
    subtotals, totals_found = totals["subtotal"], totals["total_amount"]
    tax_options: list[Decimal] = []
    if totals["tax_total"]:
        tax_options.append(totals["tax_total"][-1])
    if totals["tax"]:
        tax_options.append(sum(totals["tax"], Decimal(0)))
        tax_options.extend(totals["tax"])
    for subtotal in subtotals:
        for tax in tax_options:
            for total in reversed(totals_found):
                if subtotal + tax == total:
                    exact: dict[str, Decimal | None] = {"subtotal": subtotal, "tax_amount": tax, "total_amount": total}
                    return exact, dict.fromkeys(exact, 0.98), True
    values = {
        "subtotal": subtotals[0] if subtotals else None,
        "tax_amount": tax_options[0] if tax_options else None,
        "total_amount": max(totals_found) if totals_found else None,
    }
    if (
        items_sum is not None
        and values["subtotal"] is None
        and values["total_amount"] is not None
        and values["tax_amount"] is not None
        and items_sum + values["tax_amount"] == values["total_amount"]
    ):
        values["subtotal"] = items_sum
        return values, dict.fromkeys(values, 0.9), True
    confidence = {name: (0.6 if value is not None else 0.0) for name, value in values.items()}
    if all(values[name] is not None for name in values):
        confidence = dict.fromkeys(values, 0.4)  # all three printed but they do not add up
    return values, confidence, False


SPLIT_FIELDS = ("invoice_number", "issue_date", "due_date", "tax_id")
OCR_JUNK_TOKEN = re.compile(r"^[.,:;|_\-–—'\"“”‘’`~^©®°»«*=+<>\\/]+$")


def clean_ocr_line(line: str) -> str:
    """Drop tokens that are only punctuation: specks and ruling lines that OCR reads as `. | -`."""
    return " ".join(token for token in line.split(" ") if not OCR_JUNK_TOKEN.match(token)).strip()


def split_at_labels(lines: list[str]) -> list[str]:
    """Split a line where a strong label starts in its middle.

    OCR (and some text layers) put two columns on one line, "57 Station Lane Invoice
    No.: INV-1"; cutting before the label gives each column its own line again.
    Only specific labels (six letters or more: "Invoice No.", "Rechnungsdatum") cut,
    not generic words such as "date".
    """
    result = []
    for line in lines:
        cuts = []
        for field in SPLIT_FIELDS:
            match = find_label(field, line)
            if match and match.start() > 0 and len(match.group(0)) >= 6 and line[match.start() - 1] == " ":
                cuts.append(match.start())
        start = 0
        for cut in sorted(set(cuts)):
            if line[start:cut].strip():
                result.append(line[start:cut].strip())
                start = cut
        result.append(line[start:].strip())
    return [line for line in result if line]


def _is_bare_label(line: str) -> bool:
    for field in SPLIT_FIELDS:
        match = find_label(field, line, at_start=True)
        if match and not _after(line, match):
            return True
    return False


def _value_segments(line: str) -> list[str]:
    """A row of values cut into pieces: whole dates stay one piece, other text splits on spaces."""
    segments: list[str] = []
    position = 0
    for start, _ in find_dates(line):
        match_end = _date_end(line, start)
        segments.extend(line[position:start].split())
        segments.append(line[start:match_end])
        position = match_end
    segments.extend(line[position:].split())
    return segments


def _date_end(line: str, start: int) -> int:
    end = len(line)
    while end > start and not find_dates(line[start:end]):
        end -= 1
    while end > start + 1 and find_dates(line[start : end - 1]) == find_dates(line[start:end]):
        end -= 1
    return end


def join_label_rows(lines: list[str]) -> list[str]:
    """Labels printed side by side above their values ("No. | Date | Due" over "42 | ... | ...").

    After `split_at_labels` those are several bare label lines followed by one line of
    values; when the values split into as many pieces as there are labels, each label
    gets its own piece.
    """
    result: list[str] = []
    index = 0
    while index < len(lines):
        end = index
        while end < len(lines) and _is_bare_label(lines[end]):
            end += 1
        count = end - index
        if count >= 2 and end < len(lines):
            segments = _value_segments(lines[end])
            if len(segments) == count:
                result.extend(f"{label} {value}" for label, value in zip(lines[index:end], segments, strict=True))
                index = end + 1
                continue
        if count:
            result.extend(lines[index:end])
            index = end
        else:
            result.append(lines[index])
            index += 1
    return result


def extract_fields(document: ReadDocument) -> ExtractionResult:
    """Read the invoice fields from a document's text (text layer or OCR)."""
    lines = normalise_text(document.text)
    if document.kind in ("scan_pdf", "image"):
        lines = [line for line in (clean_ocr_line(line) for line in lines) if line]
    lines = join_label_rows(split_at_labels(lines))
    if sum(len(line) for line in lines) < 20:
        raise ExtractionError("The document has no readable text.")
    data = empty_data()
    confidence = data["confidence"]
    mark = decimal_mark(lines)
    language = guess_language(lines)
    has_dollar = "$" in document.text or "USD" in document.text
    reader = _Reader(lines=lines, mark=mark, month_first=language == "en" and has_dollar)

    data["invoice_number"], confidence["invoice_number"] = reader.invoice_number()
    for name, (value, score) in reader.dates().items():
        data[name], confidence[name] = value, score
    data["currency"], confidence["currency"] = reader.currency()

    items, item_confidences, item_lines = reader.items()
    totals = reader.totals(skip=item_lines)
    items_sum = sum((Decimal(item["line_total"]) for item in items), Decimal(0)) if items else None
    values, total_confidence, consistent = _reconcile(totals, items_sum)
    if data["invoice_number"] is None and values["total_amount"] is None:
        raise ExtractionError("The document does not look like an invoice: it has no invoice number and no total.")
    for name, amount in values.items():
        data[name] = money_text(amount) if amount is not None else None
        confidence[name] = total_confidence[name]
    if items:
        data["items"] = items
        confidence["items"] = sum(item_confidences) / len(item_confidences)
        if values["subtotal"] is not None and items_sum == values["subtotal"]:
            confidence["items"] = max(confidence["items"], 0.95)
            confidence["subtotal"] = max(confidence["subtotal"], 0.99)
        elif values["subtotal"] is not None:
            confidence["items"] = min(confidence["items"], 0.5)

    issuer_name, issuer_address, issuer_confidence = reader.issuer()
    customer_block, customer_confidence, customer_lines = reader.customer(issuer_name)
    if customer_block:
        data["customer_name"] = customer_block[0]
        confidence["customer_name"] = customer_confidence
        if len(customer_block) > 1:
            data["customer_address"] = "\n".join(customer_block[1:])
            confidence["customer_address"] = customer_confidence - 0.05
    tax_id, confidence["issuer_tax_id"] = reader.tax_id(skip=customer_lines)
    iban, confidence["issuer_iban"] = reader.iban()
    data["issuer"] = {
        "name": issuer_name,
        "tax_id": tax_id,
        "iban": iban,
        "address": "\n".join(issuer_address) or None,
    }
    confidence["issuer_name"] = issuer_confidence if issuer_name else 0.0

    method = "ocr" if document.kind in ("scan_pdf", "image") else "text"
    if method == "ocr":
        for name in confidence:
            cross_checked = name in ("subtotal", "tax_amount", "total_amount") and consistent
            if not cross_checked:
                confidence[name] = round(confidence[name] * OCR_FACTOR, 3)
    confidence.update({name: round(value, 3) for name, value in confidence.items()})
    score = sum(confidence[name] * weight for name, weight in SCORE_WEIGHTS.items()) / sum(SCORE_WEIGHTS.values())
    return ExtractionResult(structured_data=data, confidence_score=round(score, 3), method=method)
