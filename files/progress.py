"""How a document's processing reports its progress: written to the task row, then pushed
to everyone following it (SPEC section 7).

The Celery pipeline holds a `ProgressReporter` and calls `report` at each step. Each call
updates the `ProcessingTask` row and, once that update is committed, sends

    {type: progress|stage_start|stage_complete|complete|error, task_id, stage, progress,
     message, result?, error?, timestamp}

to the task's group, its owner's tasks group and its batch's group. With `channels_redis`
the worker's message reaches sockets on every web process.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models.functions import Coalesce
from django.utils import timezone

from files.models import ProcessingStage, ProcessingStatus, ProcessingTask

PROGRESS = "progress"
STAGE_START = "stage_start"
STAGE_COMPLETE = "stage_complete"
COMPLETE = "complete"
ERROR = "error"
MESSAGE_TYPES = (PROGRESS, STAGE_START, STAGE_COMPLETE, COMPLETE, ERROR)
# The channel-layer message type; consumers handle it in `task_progress`.
LAYER_MESSAGE_TYPE = "task.progress"


def user_tasks_group(user_id: int) -> str:
    return f"tasks.user.{user_id}"


def task_group(task_id: uuid.UUID | str) -> str:
    return f"tasks.task.{task_id}"


def batch_group(batch_id: uuid.UUID | str) -> str:
    return f"tasks.batch.{batch_id}"


def _message(
    type: str,
    *,
    task_id: uuid.UUID,
    stage: str | None,
    progress: int,
    message: str,
    result: Any = None,
    error: str | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": type,
        "task_id": str(task_id),
        "stage": stage,
        "progress": progress,
        "message": message,
    }
    if result is not None:
        body["result"] = result
    if error is not None:
        body["error"] = error
    body["timestamp"] = timezone.now().isoformat()
    return body


async def _group_send_all(groups: list[str], layer_message: dict[str, Any]) -> None:
    layer = get_channel_layer()
    await asyncio.gather(*(layer.group_send(group, layer_message) for group in groups))


def _publish(groups: list[str], body: dict[str, Any]) -> None:
    if get_channel_layer() is None:
        return
    # Encoded once here, not once per socket.
    text = json.dumps(body, cls=DjangoJSONEncoder)
    async_to_sync(_group_send_all)(groups, {"type": LAYER_MESSAGE_TYPE, "text": text})


class ProgressReporter:
    """Reports one task's progress. Build it with `for_task(task_id)` inside the Celery task."""

    def __init__(self, task: ProcessingTask) -> None:
        self.task_id: uuid.UUID = task.pk
        self.groups = [task_group(task.pk), user_tasks_group(task.owner_id)]
        if task.batch_id is not None:
            self.groups.append(batch_group(task.batch_id))

    @classmethod
    def for_task(cls, task_id: uuid.UUID | str) -> ProgressReporter:
        return cls(ProcessingTask.objects.only("id", "owner_id", "batch_id").get(pk=task_id))

    def report(
        self,
        type: str,
        stage: str,
        progress: int,
        message: str,
        result: Any = None,
        error: str | None = None,
        *,
        status: str = ProcessingStatus.COMPLETED,
    ) -> dict[str, Any]:
        """Record a step and push it; returns the message sent.

        `complete` finishes the task as `status` (completed, or needs_review when the
        extraction was not confident enough) and stores `result`; `error` finishes it as
        failed with `error`. Every other type marks it running. The push waits for the
        row's commit, so a step rolled back with the caller's transaction is never seen.
        """
        if type not in MESSAGE_TYPES:
            raise ValueError(f"unknown progress message type {type!r}; use one of {', '.join(MESSAGE_TYPES)}")
        if stage not in ProcessingStage.values:
            raise ValueError(f"unknown stage {stage!r}; use one of {', '.join(ProcessingStage.values)}")
        if isinstance(progress, bool) or not isinstance(progress, int) or not 0 <= progress <= 100:
            raise ValueError(f"progress must be a whole number from 0 to 100, not {progress!r}")
        if type == COMPLETE and status not in (ProcessingStatus.COMPLETED, ProcessingStatus.NEEDS_REVIEW):
            raise ValueError("a complete task is either completed or needs_review")
        if type == ERROR and not error:
            raise ValueError("an error report needs the error")

        now = timezone.now()
        fields: dict[str, Any] = {
            "progress": progress,
            "current_stage": stage,
            "started_at": Coalesce("started_at", now),
        }
        if type == COMPLETE:
            fields.update(status=status, result=result, completed_at=now)
        elif type == ERROR:
            fields.update(status=ProcessingStatus.FAILED, error=error, completed_at=now)
        else:
            fields.update(status=ProcessingStatus.RUNNING)
        body = _message(
            type, task_id=self.task_id, stage=stage, progress=progress, message=message, result=result, error=error
        )
        with transaction.atomic():
            if not ProcessingTask.objects.filter(pk=self.task_id).update(**fields):
                raise ProcessingTask.DoesNotExist(f"task {self.task_id} no longer exists")
            groups = list(self.groups)
            transaction.on_commit(lambda: _publish(groups, body))
        return body


def task_state_message(task: ProcessingTask) -> dict[str, Any]:
    """Where a task stands, in the shape of a progress message, for a socket that connects
    after the task has already moved (a fast worker can finish before the page subscribes)."""
    stage = task.current_stage or None
    if task.status in (ProcessingStatus.COMPLETED, ProcessingStatus.NEEDS_REVIEW):
        return _message(
            COMPLETE,
            task_id=task.pk,
            stage=stage,
            progress=task.progress,
            message=task.get_status_display(),
            result=task.result,
        )
    if task.status == ProcessingStatus.FAILED:
        return _message(ERROR, task_id=task.pk, stage=stage, progress=task.progress, message="Failed", error=task.error)
    return _message(PROGRESS, task_id=task.pk, stage=stage, progress=task.progress, message=task.get_status_display())
