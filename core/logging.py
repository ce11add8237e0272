"""Logging filters: no bearer tokens, passwords or secrets in any line, and no traceback
for an ordinary 403 or 404."""

from __future__ import annotations

import logging
import re

_PATTERNS = [
    (re.compile(r"(?i)(bearer[\s,]+)[A-Za-z0-9\-_\.=]+"), r"\1[redacted]"),
    (
        # Credential-looking names, as JSON keys, form fields or URL query parameters
        # (`/ws/invoices/?access=...` must not reach an access log in clear).
        re.compile(
            r"(?i)((?<![A-Za-z0-9])(?:access_token|refresh_token|access|token|jwt|auth|api_key"
            r"|password|secret)[\"']?\s*[:=]\s*[\"']?)[^\s\"'&,]+"
        ),
        r"\1[redacted]",
    ),
    (re.compile(r"eyJ[A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]+"), "[redacted-jwt]"),
]


def redact(text: str) -> str:
    """Return `text` with anything that looks like a token or password replaced."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactSecretsFilter(logging.Filter):
    """Rewrites the rendered message so formatters never see a secret."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is not ours to fix here
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg = cleaned
            record.args = None
        return True


class ClientErrorWithoutTracebackFilter(logging.Filter):
    """A 4xx is the client's mistake and part of a normal day: one line says which
    request it was. Django logs a PermissionDenied with its traceback, which makes an
    ordinary 403 look like a crash; tracebacks are kept for 5xx, where they matter."""

    def filter(self, record: logging.LogRecord) -> bool:
        status_code = getattr(record, "status_code", None)
        if isinstance(status_code, int) and status_code < 500:
            record.exc_info = None
            record.exc_text = None
            record.stack_info = None
        return True
