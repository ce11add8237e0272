"""The progress sockets: owners only, a snapshot on connect, then every reported step."""

from __future__ import annotations

from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from rest_framework_simplejwt.tokens import AccessToken

from accounts.tests.factories import make_user
from billing.routing import websocket_application
from files.models import ProcessingBatch, ProcessingTask
from files.progress import ProgressReporter

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_channel_layer")]


@pytest.fixture
def staff(db: Any) -> Any:
    return make_user(username="stan", staff=True)


@pytest.fixture
def batch(owner: Any) -> ProcessingBatch:
    return ProcessingBatch.objects.create(owner=owner)


@pytest.fixture
def task(owner: Any, batch: ProcessingBatch) -> ProcessingTask:
    return ProcessingTask.objects.create(owner=owner, batch=batch)


async def open_socket(user: Any, path: str) -> WebsocketCommunicator:
    token = AccessToken.for_user(user)
    token["epoch"] = user.token_epoch
    communicator = WebsocketCommunicator(
        websocket_application, path, headers=[(b"authorization", f"Bearer {token}".encode())]
    )
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def assert_closed_with(communicator: WebsocketCommunicator, code: int) -> None:
    assert await communicator.receive_output(timeout=2) == {"type": "websocket.close", "code": code}
    await communicator.disconnect()


def report(task: ProcessingTask, *arguments: Any, **keywords: Any) -> Any:
    return database_sync_to_async(ProgressReporter(task).report)(*arguments, **keywords)


# --- who may connect ------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/ws/tasks/{task}/", "/ws/batches/{batch}/"])
async def test_another_user_is_refused_with_4403(task: ProcessingTask, other_user: Any, path: str) -> None:
    socket = await open_socket(other_user, path.format(task=task.pk, batch=task.batch_id))
    await assert_closed_with(socket, 4403)


@pytest.mark.parametrize("path", ["/ws/tasks/{task}/", "/ws/batches/{batch}/"])
async def test_staff_are_refused_too_since_progress_is_the_owners_alone(
    task: ProcessingTask, staff: Any, path: str
) -> None:
    socket = await open_socket(staff, path.format(task=task.pk, batch=task.batch_id))
    await assert_closed_with(socket, 4403)


@pytest.mark.parametrize(
    "path",
    [
        "/ws/tasks/00000000-0000-4000-8000-000000000000/",
        "/ws/tasks/12/",
        "/ws/batches/00000000-0000-4000-8000-000000000001/",
        "/ws/batches/x/",
    ],
)
async def test_a_missing_task_or_batch_is_closed_with_4404(owner: Any, path: str) -> None:
    await assert_closed_with(await open_socket(owner, path), 4404)


@pytest.mark.parametrize("path", ["/ws/tasks/", "/ws/tasks/{task}/", "/ws/batches/{batch}/"])
async def test_without_credentials_every_progress_socket_is_closed_with_4401(task: ProcessingTask, path: str) -> None:
    communicator = WebsocketCommunicator(websocket_application, path.format(task=task.pk, batch=task.batch_id))
    assert (await communicator.connect())[0]
    await assert_closed_with(communicator, 4401)


# --- what arrives ----------------------------------------------------------------------------


async def test_a_task_socket_starts_with_where_the_task_stands_then_follows_it(task: ProcessingTask) -> None:
    await report(task, "stage_complete", "read", 20, "Read")
    socket = await open_socket(task.owner, f"/ws/tasks/{task.pk}/")
    snapshot = await socket.receive_json_from()
    assert (snapshot["type"], snapshot["task_id"], snapshot["stage"], snapshot["progress"]) == (
        "progress",
        str(task.pk),
        "read",
        20,
    )
    sent = await report(task, "stage_start", "extract", 20, "Extracting")
    assert await socket.receive_json_from() == sent
    await socket.disconnect()


async def test_a_socket_opened_after_the_task_finished_learns_the_outcome(task: ProcessingTask) -> None:
    await report(task, "complete", "complete", 100, "Done", result={"invoice_id": 7}, status="needs_review")
    socket = await open_socket(task.owner, f"/ws/tasks/{task.pk}/")
    outcome = await socket.receive_json_from()
    assert (outcome["type"], outcome["progress"], outcome["result"]) == ("complete", 100, {"invoice_id": 7})
    await socket.disconnect()


async def test_a_failed_task_is_reported_as_an_error_on_connect(task: ProcessingTask) -> None:
    await report(task, "error", "read", 5, "Failed", error="Not a PDF")
    socket = await open_socket(task.owner, f"/ws/tasks/{task.pk}/")
    outcome = await socket.receive_json_from()
    assert (outcome["type"], outcome["error"]) == ("error", "Not a PDF")
    await socket.disconnect()


async def test_a_batch_socket_follows_every_task_of_the_batch_and_nothing_else(
    owner: Any, batch: ProcessingBatch
) -> None:
    first = await database_sync_to_async(ProcessingTask.objects.create)(owner=owner, batch=batch)
    second = await database_sync_to_async(ProcessingTask.objects.create)(owner=owner, batch=batch)
    elsewhere = await database_sync_to_async(ProcessingTask.objects.create)(owner=owner)
    socket = await open_socket(owner, f"/ws/batches/{batch.pk}/")
    snapshot = [await socket.receive_json_from() for _ in range(2)]
    assert [message["task_id"] for message in snapshot] == [str(first.pk), str(second.pk)]
    assert {message["progress"] for message in snapshot} == {0}

    await report(elsewhere, "progress", "read", 10, "Reading")
    await report(second, "progress", "read", 10, "Reading")
    assert (await socket.receive_json_from())["task_id"] == str(second.pk)
    assert await socket.receive_nothing(timeout=0.3)
    await socket.disconnect()


async def test_the_tasks_socket_gets_the_users_own_tasks_only(owner: Any, other_user: Any) -> None:
    mine = await database_sync_to_async(ProcessingTask.objects.create)(owner=owner)
    theirs = await database_sync_to_async(ProcessingTask.objects.create)(owner=other_user)
    socket = await open_socket(owner, "/ws/tasks/")
    await socket.send_json_to({"type": "ping"})
    assert await socket.receive_json_from() == {"type": "pong"}

    await report(theirs, "progress", "read", 10, "Reading")
    sent = await report(mine, "progress", "read", 15, "Reading")
    assert await socket.receive_json_from() == sent
    assert await socket.receive_nothing(timeout=0.3)
    await socket.disconnect()
