"""Writing outbox messages and delivering them.

`outbox_enqueue` runs inside the transaction of the change it records, so the message
exists exactly when the change does. After the commit the relay queues its delivery on
Celery; if the broker is unreachable nothing is lost, because `outbox_deliver_due` (beat,
every `OUTBOX_SWEEP_SECONDS`, and `manage.py outbox_relay`) picks up every row left behind.

Delivery claims the row with `SELECT ... FOR UPDATE SKIP LOCKED` on PostgreSQL, so of two
workers handed the same message (a redelivered task, the sweep racing the relay) only one
runs the handler; the other moves on. The row is marked delivered in the same transaction
that held the claim. A handler that fails is recorded (attempts, last_error) and retried
with exponential backoff until `OUTBOX_MAX_ATTEMPTS`, then the row is `failed` for a person
to look at. The idempotency key goes to the receiver with every attempt, so the one
window where an effect can repeat (it happened, then the database went away before the
row said so) is one the receiver can recognise.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from outbox.handlers import handler_for
from outbox.models import OutboxMessage, OutboxStatus

logger = logging.getLogger(__name__)


class OutboxOutsideTransaction(RuntimeError):
    """An outbox message must be written in the transaction of the change it records."""


def outbox_enqueue(*, kind: str, idempotency_key: str, payload: dict) -> OutboxMessage:
    """Record an effect to deliver once the current transaction commits.

    The same key twice is the same effect: the first row is returned and nothing new is
    queued, so a service may call this again on a retried request without doubling it.
    """
    handler_for(kind)  # an unknown kind is refused now, not discovered by the relay later
    if not transaction.get_connection().in_atomic_block:
        raise OutboxOutsideTransaction(f"outbox_enqueue({kind!r}) must run inside the change's transaction")
    message, created = OutboxMessage.objects.get_or_create(
        idempotency_key=idempotency_key, defaults={"kind": kind, "payload": payload}
    )
    if created:
        # The relay queues a Celery task, and the tasks call these services: it is named in
        # settings (`OUTBOX_RELAY`) rather than imported, so the arrows only point down.
        transaction.on_commit(partial(import_string(settings.OUTBOX_RELAY), message.pk))
    return message


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: base, 2x base, 4x base ... capped at OUTBOX_RETRY_MAX_SECONDS."""
    seconds = settings.OUTBOX_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.OUTBOX_RETRY_MAX_SECONDS))


def outbox_deliver(*, message_id: int, now: datetime | None = None) -> OutboxMessage | None:
    """Deliver one message if it is pending, due and not claimed by someone else.

    Returns the message as left (delivered, or pending with the error recorded, or failed),
    or None when there was nothing to do: already delivered, not yet due, or claimed.
    """
    now = now or timezone.now()
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, status=OutboxStatus.PENDING, available_at__lte=now)
            .first()
        )
        if message is None:
            return None
        handler = handler_for(message.kind)
        message.attempts += 1
        try:
            with transaction.atomic():  # a handler's failed query must not poison the claim
                handler(message.payload, idempotency_key=message.idempotency_key)
        except Exception as exc:  # whatever stopped the effect is recorded as it was, then retried
            message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
                message.status = OutboxStatus.FAILED
                logger.error("outbox %s gave up after %s attempts: %s", message, message.attempts, message.last_error)
            else:
                message.available_at = now + retry_delay(message.attempts)
                logger.warning(
                    "outbox %s attempt %s failed, next at %s: %s",
                    message,
                    message.attempts,
                    message.available_at.isoformat(),
                    message.last_error,
                )
        else:
            message.status = OutboxStatus.DELIVERED
            message.delivered_at = timezone.now()
            message.last_error = ""
        message.save(update_fields=["status", "attempts", "last_error", "available_at", "delivered_at"])
    return message


def outbox_deliver_due(*, now: datetime | None = None, limit: int | None = None) -> int:
    """Deliver every pending message that is due (oldest first); returns how many were delivered."""
    now = now or timezone.now()
    limit = limit or settings.OUTBOX_SWEEP_BATCH
    due_ids = list(
        OutboxMessage.objects.filter(status=OutboxStatus.PENDING, available_at__lte=now)
        .order_by("available_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    delivered = 0
    for message_id in due_ids:
        message = outbox_deliver(message_id=message_id, now=now)
        if message is not None and message.status == OutboxStatus.DELIVERED:
            delivered += 1
    return delivered
