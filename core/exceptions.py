"""The API's one exception handler: every error is JSON, domain errors keep their codes."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import DomainError, InvalidInput
from core.parsers import body_too_large_detail

_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def nested_field_errors(errors: dict[str, Any]) -> dict[str, Any]:
    """Services key a line's errors by path (`items[1].unit_price`); the API answers in
    DRF's own shape for nested input, `{"items": {"1": {"unit_price": [...]}}}`, the same
    shape its serializers give for a malformed line, so a client reads both one way."""
    nested: dict[str, Any] = {}
    for key, value in errors.items():
        parts = [name or index for name, index in _PATH_PART.findall(key)]
        node = nested
        for part in parts[:-1]:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):  # a message already sits there: keep this one flat
                node, parts = nested, [key]
                break
            node = child
        node[parts[-1] if parts else key] = value
    return nested


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, InvalidInput) and exc.errors:
        return Response(nested_field_errors(exc.errors), status=exc.status_code)
    if isinstance(exc, DomainError):
        return Response({"detail": exc.detail, **exc.extra}, status=exc.status_code)
    if isinstance(exc, RequestDataTooBig):
        return Response({"detail": body_too_large_detail()}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    if isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        detail = (
            f"Too many fields: at most {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS}."
            if isinstance(exc, TooManyFieldsSent)
            else f"Too many files: at most {settings.DATA_UPLOAD_MAX_NUMBER_FILES}."
        )
        return Response({"detail": detail}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoValidationError):
        return Response(as_serializer_error(exc), status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)
