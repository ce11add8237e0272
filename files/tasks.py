"""Celery tasks of the files app: load by id, call a service, nothing more."""

from __future__ import annotations

from typing import Any

from celery import Task, shared_task
from django.conf import settings

from files.events import DocumentsQueued
from files.extraction import TransientExtractionError

MAX_RETRIES = 5


class DocumentTask(Task):
    """Finishes the processing task as failed when the pipeline itself breaks, so a bug
    shows as a failed task with its error type instead of one that runs forever."""

    def on_failure(self, exc: BaseException, task_id: str, args: Any, kwargs: Any, einfo: Any) -> None:
        from files.services import document_fail

        document_fail(
            task_id=args[0] if args else kwargs["task_id"],
            error=f"Processing stopped by an unexpected error ({type(exc).__name__}).",
        )


@shared_task(
    bind=True,
    base=DocumentTask,
    name="files.tasks.document_process_task",
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=MAX_RETRIES,
)
def document_process_task(self, task_id: str) -> str | None:
    """Read one uploaded document into a draft invoice (or a task waiting for review).

    Acked only when done and requeued when the worker dies, so a document is never lost;
    the pipeline is idempotent, so the redelivery never makes a second invoice. A
    transient extraction error is retried with exponential backoff (2, 4, 8 ... s)."""
    from files.services import document_process

    final_attempt = self.request.retries >= MAX_RETRIES
    try:
        task = document_process(task_id=task_id, final_attempt=final_attempt)
    except TransientExtractionError as error:
        raise self.retry(exc=error, countdown=2 ** (self.request.retries + 1)) from error
    return task.status if task is not None else None


def documents_queued_enqueue(event: DocumentsQueued) -> None:
    """Subscriber (`settings.FILE_EVENT_SUBSCRIBERS`): queue the pipeline for each task,
    on `DOCUMENT_PROCESSING_QUEUE`, once the upload or retry has committed."""
    for task_id in event.task_ids:
        document_process_task.apply_async(args=[task_id], queue=settings.DOCUMENT_PROCESSING_QUEUE)
