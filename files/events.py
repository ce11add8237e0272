"""What the files services announce once their transaction commits, and who hears it.

The services cannot queue the document pipeline themselves: `files.tasks` calls the
services, so an import the other way would close a services <-> tasks cycle. They
announce `DocumentsQueued` instead, and the subscribers listed in
`settings.FILE_EVENT_SUBSCRIBERS` (the pipeline's Celery task) act on it after the
commit, so a worker never looks for a task row that a rolled-back upload never wrote.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class DocumentsQueued:
    """Processing tasks made (or reset for a retry) and waiting for the pipeline."""

    task_ids: tuple[str, ...]


def _subscribers() -> tuple[Callable[[DocumentsQueued], None], ...]:
    return tuple(import_string(path) for path in getattr(settings, "FILE_EVENT_SUBSCRIBERS", ()))


def emit_on_commit(event: DocumentsQueued) -> None:
    """Hand `event` to every subscriber once the caller's transaction commits. A failing
    subscriber fails the request as queueing the task did before (a broker that is down
    is a 503), after the rows are committed."""
    for subscriber in _subscribers():
        transaction.on_commit(partial(subscriber, event))
