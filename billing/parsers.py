"""The API's JSON parser: JSON numbers with a fraction or exponent become `Decimal`.

DRF's parser reads `"unit_price": 19.99` as a Python float, and `DecimalField` then
works from the float's repr: 17 significant digits at most, so `100.000000000000001`
silently arrives as `100.0` and passes a two-decimal-places check it should fail. Here
the number is parsed to `Decimal` from its own text, so a JSON number means exactly
what the same digits sent as a string mean (seed 000 sends money as JSON numbers).
Integers stay `int`; `NaN` and `Infinity` are refused as DRF refuses them.
"""

from __future__ import annotations

import codecs
from decimal import Decimal
from typing import IO, Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils import json


class JSONParser(parsers.JSONParser):
    def parse(self, stream: IO[bytes], media_type: str | None = None, parser_context: Any = None) -> Any:
        encoding = parsers.get_encoding(parser_context or {})
        try:
            decoded_stream = codecs.getreader(encoding)(stream)
            parse_constant = json.strict_constant if self.strict else None
            return json.load(decoded_stream, parse_constant=parse_constant, parse_float=Decimal)
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from exc
