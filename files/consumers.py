"""Live document-processing progress: `/ws/tasks/` (every task of the user),
`/ws/tasks/{id}/` (one task) and `/ws/batches/{id}/` (one upload). Owners only.

A socket opened on one task or batch first gets where each task stands, then every step
as `files.progress` reports it: a page that subscribes after a fast worker finished
still learns the outcome.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from channels.db import database_sync_to_async

from core.errors import Forbidden, NotFound
from core.sockets import CLOSE_FORBIDDEN, CLOSE_NOT_FOUND, AuthenticatedJsonConsumer, SocketRefused
from files import progress, selectors

if TYPE_CHECKING:
    from accounts.models import User


class TaskProgressMixin:
    async def task_progress(self, event: dict[str, Any]) -> None:
        await self.send(text_data=event["text"])  # type: ignore[attr-defined]  # the consumer mixed into sends; the text is JSON the publisher encoded


def _refusal(error: Exception) -> SocketRefused:
    return SocketRefused(CLOSE_FORBIDDEN if isinstance(error, Forbidden) else CLOSE_NOT_FOUND)


class TaskListConsumer(TaskProgressMixin, AuthenticatedJsonConsumer):
    """Every processing task of the signed-in user."""

    async def subscribe(self, user: User) -> list[str]:
        return [progress.user_tasks_group(user.pk)]


@database_sync_to_async
def _task_group(user: User, task_id: str) -> str:
    return progress.task_group(selectors.processing_task_get(user=user, task_id=task_id).pk)


@database_sync_to_async
def _task_snapshot(user: User, task_id: str) -> list[dict[str, Any]]:
    return [progress.task_state_message(selectors.processing_task_get(user=user, task_id=task_id))]


@database_sync_to_async
def _batch_group(user: User, batch_id: str) -> str:
    return progress.batch_group(selectors.processing_batch_get(user=user, batch_id=batch_id).pk)


@database_sync_to_async
def _batch_snapshot(user: User, batch_id: str) -> list[dict[str, Any]]:
    batch = selectors.processing_batch_get(user=user, batch_id=batch_id)
    return [progress.task_state_message(task) for task in selectors.processing_task_list(batch=batch)]


class _SnapshotConsumer(TaskProgressMixin, AuthenticatedJsonConsumer):
    """A socket on one object: access checked on connect, then a snapshot of its tasks."""

    url_kwarg: str

    @property
    def object_id(self) -> str:
        return self.scope["url_route"]["kwargs"][self.url_kwarg]

    async def group_for(self, user: User) -> str:
        raise NotImplementedError

    async def snapshot_for(self, user: User) -> list[dict[str, Any]]:
        raise NotImplementedError

    async def subscribe(self, user: User) -> list[str]:
        try:
            return [await self.group_for(user)]
        except (Forbidden, NotFound) as error:
            raise _refusal(error) from None

    async def subscribed(self) -> None:
        # Read after joining the group: a step may arrive twice, but is never missed.
        try:
            snapshot = await self.snapshot_for(self.scope["user"])
        except (Forbidden, NotFound) as error:  # deleted in between
            await self.close(code=_refusal(error).code)
            return
        for message in snapshot:
            await self.send_json(message)


class TaskConsumer(_SnapshotConsumer):
    """One task's progress."""

    url_kwarg = "task_id"

    async def group_for(self, user: User) -> str:
        return await _task_group(user, self.object_id)

    async def snapshot_for(self, user: User) -> list[dict[str, Any]]:
        return await _task_snapshot(user, self.object_id)


class BatchConsumer(_SnapshotConsumer):
    """The progress of every task in one upload."""

    url_kwarg = "batch_id"

    async def group_for(self, user: User) -> str:
        return await _batch_group(user, self.object_id)

    async def snapshot_for(self, user: User) -> list[dict[str, Any]]:
        return await _batch_snapshot(user, self.object_id)
