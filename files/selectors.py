"""Every read of processing batches and tasks.

Only the owner may follow a batch or a task (SPEC section 6): anyone else is refused
(403), and an id that matches nothing, or is not an id at all, is missing (404).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Model, QuerySet

from billing.errors import Forbidden, NotFound
from files.models import ProcessingBatch, ProcessingTask

__all__ = ["processing_batch_get", "processing_task_get", "processing_task_list"]


def _owned(model: type[Model], *, user: Any, object_id: Any, noun: str) -> Any:
    try:
        found = model._default_manager.get(pk=uuid.UUID(str(object_id)))
    except (model.DoesNotExist, ValueError, TypeError, AttributeError):  # type: ignore[attr-defined]
        raise NotFound(f"No {noun} matches the given id.") from None
    if found.owner_id != user.pk:
        raise Forbidden(f"This {noun} belongs to someone else.")
    return found


def processing_task_get(*, user: Any, task_id: Any) -> ProcessingTask:
    return _owned(ProcessingTask, user=user, object_id=task_id, noun="task")


def processing_batch_get(*, user: Any, batch_id: Any) -> ProcessingBatch:
    return _owned(ProcessingBatch, user=user, object_id=batch_id, noun="batch")


def processing_task_list(*, batch: ProcessingBatch) -> QuerySet[ProcessingTask]:
    """A batch's tasks in the order they were queued."""
    return batch.tasks.order_by("created_at", "id")
