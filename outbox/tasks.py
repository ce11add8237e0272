"""Celery tasks: load by id, call a service, nothing more."""

from __future__ import annotations

from celery import shared_task

from outbox.services import outbox_deliver, outbox_deliver_due


@shared_task(ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def outbox_deliver_task(message_id: int) -> None:
    """Deliver one outbox message (queued when its transaction commits). Failures are
    recorded on the row and retried by the sweep, so the task itself never retries."""
    outbox_deliver(message_id=message_id)


@shared_task(ignore_result=True)
def outbox_deliver_due_task() -> int:
    """Periodic (beat): deliver every pending message that is due, the ones whose relay
    never reached a worker included."""
    return outbox_deliver_due()
