"""`files.progress`: each step is written to the task row and pushed, after commit, to the
task's, the owner's and the batch's groups on the real channel layer."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.db import transaction

from files.models import ProcessingBatch, ProcessingStatus, ProcessingTask
from files.progress import ProgressReporter, batch_group, task_group, user_tasks_group
from files.tests.progress_task import expected_steps, report_every_stage

pytestmark = pytest.mark.usefixtures("fresh_channel_layer")


@pytest.fixture
def batch(owner: Any) -> ProcessingBatch:
    return ProcessingBatch.objects.create(owner=owner)


@pytest.fixture
def task(owner: Any, batch: ProcessingBatch) -> ProcessingTask:
    return ProcessingTask.objects.create(owner=owner, batch=batch)


async def listen(*groups: str) -> str:
    layer = get_channel_layer()
    channel = await layer.new_channel()
    for group in groups:
        await layer.group_add(group, channel)
    return channel


async def next_message(channel: str, timeout: float = 2) -> dict[str, Any]:
    return await asyncio.wait_for(get_channel_layer().receive(channel), timeout)


async def nothing_arrives(channel: str) -> bool:
    try:
        await asyncio.wait_for(get_channel_layer().receive(channel), 0.3)
    except TimeoutError:
        return True
    return False


# --- the row --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_first_step_starts_the_task_and_later_steps_keep_its_start(task: ProcessingTask) -> None:
    reporter = ProgressReporter.for_task(task.pk)
    reporter.report("stage_start", "read", 0, "Reading")
    task.refresh_from_db()
    started_at = task.started_at
    assert (task.status, task.progress, task.current_stage, task.completed_at) == ("running", 0, "read", None)
    assert started_at is not None

    reporter.report("progress", "extract", 50, "Extracting")
    task.refresh_from_db()
    assert (task.status, task.progress, task.current_stage, task.started_at) == ("running", 50, "extract", started_at)


@pytest.mark.django_db
def test_complete_stores_the_result_and_finishes_the_task(task: ProcessingTask) -> None:
    result = {"structured_data": {"invoice_number": "A-1"}, "confidence_score": 0.93, "auto_saved": False}
    message = ProgressReporter(task).report("complete", "complete", 100, "Done", result=result)
    task.refresh_from_db()
    assert (task.status, task.progress, task.current_stage, task.result) == ("completed", 100, "complete", result)
    assert task.completed_at is not None and task.is_finished
    assert message["result"] == result and "error" not in message


@pytest.mark.django_db
def test_complete_below_the_threshold_leaves_the_task_needing_review(task: ProcessingTask) -> None:
    ProgressReporter(task).report("complete", "complete", 100, "Check the values", result={}, status="needs_review")
    task.refresh_from_db()
    assert task.status == ProcessingStatus.NEEDS_REVIEW


@pytest.mark.django_db
def test_an_error_fails_the_task_and_keeps_the_reason(task: ProcessingTask) -> None:
    message = ProgressReporter(task).report("error", "extract", 35, "Extraction failed", error="Unreadable scan")
    task.refresh_from_db()
    assert (task.status, task.error, task.progress, task.current_stage) == ("failed", "Unreadable scan", 35, "extract")
    assert task.completed_at is not None
    assert message["error"] == "Unreadable scan" and "result" not in message


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("arguments", "keywords"),
    [
        (("finished", "read", 10, "x"), {}),
        (("progress", "ocr", 10, "x"), {}),
        (("progress", "read", 101, "x"), {}),
        (("progress", "read", -1, "x"), {}),
        (("progress", "read", 5.5, "x"), {}),
        (("progress", "read", True, "x"), {}),
        (("complete", "complete", 100, "x"), {"status": "failed"}),
        (("error", "read", 10, "x"), {}),
    ],
)
def test_a_malformed_report_is_refused_and_changes_nothing(
    task: ProcessingTask, arguments: tuple[Any, ...], keywords: dict[str, Any]
) -> None:
    with pytest.raises(ValueError):
        ProgressReporter(task).report(*arguments, **keywords)
    task.refresh_from_db()
    assert (task.status, task.progress, task.current_stage, task.started_at) == ("queued", 0, "", None)


@pytest.mark.django_db
def test_reporting_on_a_deleted_task_raises(task: ProcessingTask) -> None:
    reporter = ProgressReporter(task)
    task.delete()
    with pytest.raises(ProcessingTask.DoesNotExist):
        reporter.report("progress", "read", 10, "Reading")


# --- the push -------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
async def test_a_step_reaches_the_task_owner_and_batch_groups_in_the_spec_shape(task: ProcessingTask) -> None:
    assert task.batch_id is not None
    channels = [
        await listen(task_group(task.pk)),
        await listen(user_tasks_group(task.owner_id)),
        await listen(batch_group(task.batch_id)),
    ]
    reporter = await database_sync_to_async(ProgressReporter.for_task)(task.pk)
    sent = await database_sync_to_async(reporter.report)("stage_complete", "read", 20, "Read 2 pages")
    for channel in channels:
        received = await next_message(channel)
        assert received["type"] == "task.progress"
        assert json.loads(received["text"]) == sent
    assert sent | {"timestamp": None} == {
        "type": "stage_complete",
        "task_id": str(task.pk),
        "stage": "read",
        "progress": 20,
        "message": "Read 2 pages",
        "timestamp": None,
    }


@pytest.mark.django_db(transaction=True)
async def test_a_task_outside_a_batch_reaches_its_own_and_its_owners_group(owner: Any) -> None:
    task = await database_sync_to_async(ProcessingTask.objects.create)(owner=owner)
    channel = await listen(task_group(task.pk), user_tasks_group(owner.pk))
    await database_sync_to_async(ProgressReporter(task).report)("progress", "read", 10, "Reading")
    assert [json.loads((await next_message(channel))["text"])["progress"] for _ in range(2)] == [10, 10]
    assert await nothing_arrives(channel)


@pytest.mark.django_db(transaction=True)
async def test_a_step_rolled_back_with_its_transaction_is_never_sent(task: ProcessingTask) -> None:
    channel = await listen(task_group(task.pk))

    def report_then_fail() -> None:
        with transaction.atomic():
            ProgressReporter(task).report("progress", "read", 10, "Reading")
            raise RuntimeError("the worker died before committing")

    with pytest.raises(RuntimeError):
        await database_sync_to_async(report_then_fail)()
    assert await nothing_arrives(channel)
    await database_sync_to_async(task.refresh_from_db)()
    assert (task.status, task.progress) == ("queued", 0)


@pytest.mark.django_db(transaction=True)
async def test_a_celery_task_reports_every_stage_in_order(task: ProcessingTask) -> None:
    channel = await listen(task_group(task.pk))
    await database_sync_to_async(report_every_stage.delay)(str(task.pk))  # eager in tests
    received = [json.loads((await next_message(channel))["text"]) for _ in expected_steps()]
    assert [(m["type"], m["stage"], m["progress"]) for m in received] == expected_steps()
    assert received[-1]["result"] == {"pages": 1, "stages": 4}
    await database_sync_to_async(task.refresh_from_db)()
    assert (task.status, task.progress) == ("completed", 100)
