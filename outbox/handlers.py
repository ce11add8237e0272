"""The registry of who delivers each kind of outbox message.

`settings.OUTBOX_HANDLERS` maps a kind to the dotted path of a function
`handler(payload: dict, *, idempotency_key: str) -> None` that performs the effect and
raises if it did not happen. Listing them in settings keeps the answer to "what sends
this e-mail?" in one place, as `INVOICE_EVENT_SUBSCRIBERS` does for live messages.
Webhooks and other e-mails add a line there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

OutboxHandler = Callable[..., None]


def handler_for(kind: str) -> OutboxHandler:
    """The delivery function for `kind`; an unknown kind is a configuration error."""
    handlers: dict[str, str] = getattr(settings, "OUTBOX_HANDLERS", {})
    try:
        return import_string(handlers[kind])
    except KeyError as exc:
        raise ImproperlyConfigured(f"No outbox handler for kind {kind!r}; add it to OUTBOX_HANDLERS.") from exc


def known_kinds() -> tuple[str, ...]:
    handlers: dict[str, Any] = getattr(settings, "OUTBOX_HANDLERS", {})
    return tuple(handlers)
