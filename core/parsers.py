"""JSON parsing with limits, for the API and for socket frames.

Python's `json` recurses once per nesting level, so 2,000 `[` (4 KB) raised
`RecursionError` and answered 500, anonymous login included. orjson parses without
recursion and refuses anything nested deeper than 1,024 levels; we then refuse anything
deeper than `MAX_DEPTH` (64), because what handles the data next recurses too (a
serializer's `str()` of a 1,000-deep list is a `RecursionError` of its own), and no
document of ours nests beyond five levels. Both refusals are a `ValueError`, which DRF's
parser turns into a 400 and the sockets into an error message.
The body is also read only up to `DATA_UPLOAD_MAX_MEMORY_SIZE`, as Django does for forms,
so a huge JSON body is a 413 before it is ever parsed.

JSON numbers with a fraction or exponent become `Decimal` on the API: a float keeps 17
significant digits at most, so `100.000000000000001` would silently arrive as `100.0`
and pass a two-places check it should fail. Once orjson has shown the document is
shallow enough, the standard library parses it again with `parse_float=Decimal`, so a
JSON number means exactly what the same digits sent as a string mean (seed 000 sends
money as JSON numbers). Integers stay `int`; `NaN` and `Infinity` are refused.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import orjson
from django.conf import settings
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 64


class RequestBodyTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "request_too_large"


def body_too_large_detail() -> str:
    return f"The request body is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes."


def json_depth_exceeds(value: Any, limit: int) -> bool:
    """Is `value` nested deeper than `limit` levels? Iterative, so depth costs no stack."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children: Iterable[Any]
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def _has_float(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, float):
            return True
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a valid JSON number")


def json_loads(data: bytes | str, *, max_depth: int = MAX_DEPTH, exact_numbers: bool = False) -> Any:
    """Parse JSON, refusing nesting deeper than `max_depth` levels (raises `ValueError`).
    With `exact_numbers`, numbers with a fraction or exponent are `Decimal`s."""
    value = orjson.loads(data)
    if json_depth_exceeds(value, max_depth):
        raise ValueError(f"JSON nested deeper than {max_depth} levels (depth limit)")
    if exact_numbers and _has_float(value):
        # Shallow now (at most MAX_DEPTH levels), so the recursive parser is safe.
        value = json.loads(data, parse_float=Decimal, parse_constant=_refuse_constant)
    return value


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser with a body size limit and a nesting limit."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Mapping[str, Any] | None = None) -> Any:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        data = stream.read() if limit is None else stream.read(limit + 1)
        if limit is not None and len(data) > limit:
            raise RequestBodyTooLarge(body_too_large_detail())
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            if encoding.lower().replace("-", "") != "utf8":
                data = data.decode(encoding)
            return json_loads(data, exact_numbers=True)
        except (ValueError, UnicodeDecodeError, LookupError) as exc:
            raise ParseError(f"JSON parse error - {exc}") from exc
