"""After a commit: hand a new outbox message to a Celery worker.

This runs in the request that committed, so it must never fail that request: if the
broker is unreachable (or, with eager tasks, the inline delivery cannot reach the
database) the message simply stays pending and the periodic sweep delivers it.
"""

from __future__ import annotations

import logging

from django.db import DatabaseError
from kombu.exceptions import OperationalError as BrokerUnreachable

logger = logging.getLogger(__name__)


def relay_message(message_id: int) -> None:
    from outbox.tasks import outbox_deliver_task

    try:
        outbox_deliver_task.delay(message_id)
    except (BrokerUnreachable, DatabaseError) as exc:
        logger.warning("outbox message %s left for the sweep: %s: %s", message_id, type(exc).__name__, exc)
