"""Every read of processing batches and tasks.

Only the owner may follow a batch or a task (SPEC section 6): on a socket anyone else is
refused (403); through the API (`hide_others=True`) another user's batch or task is missing
(404), like an id that matches nothing or is not an id at all. Stored files are seen by
their owner and by staff.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from core.errors import Forbidden, InvalidInput, NotFound
from files.models import FINISHED_STATUSES, ProcessingBatch, ProcessingStatus, ProcessingTask, StoredFile

if TYPE_CHECKING:
    from accounts.models import User

__all__ = [
    "invoice_attachment_list",
    "processing_batch_counts",
    "processing_batch_get",
    "processing_batch_list",
    "processing_batch_status",
    "processing_job_list",
    "processing_job_statistics",
    "processing_task_get",
    "processing_task_list",
    "review_prefill",
    "stored_file_get",
    "stored_file_list",
]


def _owned(
    model: type[ProcessingTask] | type[ProcessingBatch],
    *,
    user: User,
    object_id: Any,
    noun: str,
    hide_others: bool = False,
) -> Any:
    try:
        found = model._default_manager.get(pk=uuid.UUID(str(object_id)))
    except (model.DoesNotExist, ValueError, TypeError, AttributeError):
        raise NotFound(f"No {noun} matches the given id.") from None
    if found.owner_id != user.pk:
        if hide_others:
            raise NotFound(f"No {noun} matches the given id.")
        raise Forbidden(f"This {noun} belongs to someone else.")
    return found


def processing_task_get(*, user: User, task_id: Any, hide_others: bool = False) -> ProcessingTask:
    return _owned(ProcessingTask, user=user, object_id=task_id, noun="task", hide_others=hide_others)


def processing_batch_get(*, user: User, batch_id: Any, hide_others: bool = False) -> ProcessingBatch:
    return _owned(ProcessingBatch, user=user, object_id=batch_id, noun="batch", hide_others=hide_others)


def processing_batch_list(*, user: User) -> QuerySet[ProcessingBatch]:
    """The user's batches, newest first, with their tasks loaded in one more query."""
    return (
        ProcessingBatch.objects.filter(owner=user)
        .prefetch_related(Prefetch("tasks", queryset=ProcessingTask.objects.order_by("created_at", "id")))
        .order_by("-created_at", "-id")
    )


def processing_batch_counts(tasks: list[ProcessingTask]) -> dict[str, int]:
    counts = dict.fromkeys(ProcessingStatus.values, 0)
    for task in tasks:
        counts[task.status] += 1
    return {"total": len(tasks), **counts}


def processing_batch_status(tasks: list[ProcessingTask]) -> str:
    """queued (nothing started), running, completed (all finished, not all failed) or failed."""
    if not tasks or all(task.status == ProcessingStatus.QUEUED for task in tasks):
        return "queued"
    if any(task.status not in FINISHED_STATUSES for task in tasks):
        return "running"
    if all(task.status == ProcessingStatus.FAILED for task in tasks):
        return "failed"
    return "completed"


def stored_file_list(*, user: User) -> QuerySet[StoredFile]:
    return StoredFile.objects.visible_to(user).order_by("-created_at", "-id")


def invoice_attachment_list(*, invoice: Any) -> QuerySet[StoredFile]:
    """The files attached to an invoice that were not removed, oldest first (the order they
    were added). Whoever may see the invoice sees its attachments: the page checks that."""
    return StoredFile.objects.alive().filter(invoice=invoice).order_by("created_at", "id")


def stored_file_get(*, user: User, file_id: Any) -> StoredFile:
    """A file its owner or staff may see; anyone else, and a deleted file, is a 404."""
    try:
        return StoredFile.objects.visible_to(user).get(pk=uuid.UUID(str(file_id)))
    except (StoredFile.DoesNotExist, ValueError, TypeError, AttributeError):
        raise NotFound("No file matches the given id.") from None


def processing_job_list(*, status: str | None = None) -> QuerySet[ProcessingTask]:
    """Every user's tasks, for the back office, newest first."""
    tasks = ProcessingTask.objects.select_related("owner").order_by("-created_at", "-id")
    return tasks.filter(status=status) if status else tasks


def processing_job_statistics() -> dict[str, Any]:
    """total, last_24h and by_status over every task, in two aggregate queries."""
    since = timezone.now() - timedelta(hours=24)
    totals = ProcessingTask.objects.aggregate(total=Count("id"), last_24h=Count("id", filter=Q(created_at__gte=since)))
    by_status = dict.fromkeys(ProcessingStatus.values, 0)
    for row in ProcessingTask.objects.values("status").annotate(n=Count("id")).order_by():
        by_status[row["status"]] = row["n"]
    return {"total": totals["total"], "last_24h": totals["last_24h"], "by_status": by_status}


def processing_task_list(*, batch: ProcessingBatch) -> QuerySet[ProcessingTask]:
    """A batch's tasks in the order they were queued."""
    return batch.tasks.order_by("created_at", "id")


def _iso_date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def review_prefill(structured_data: dict[str, Any] | None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The invoice form's initial values and item rows for a task's `structured_data`.

    Where the data is complete this is exactly what the pipeline would have saved
    (`invoice_input_from`: lines, discounts, a one-line invoice from a subtotal); where it
    is not, each field that can be read is kept and the rest is left for the person."""
    from files.pipeline import invoice_input_from

    data = structured_data if isinstance(structured_data, dict) else {}
    try:
        values = invoice_input_from(data)
    except InvalidInput:
        values = {
            "invoice_number": data.get("invoice_number"),
            "issue_date": _iso_date(data.get("issue_date")),
            "due_date": _iso_date(data.get("due_date")),
            "currency": data.get("currency"),
            "customer_name": data.get("customer_name") or "",
            "customer_address": data.get("customer_address") or "",
            "items": [
                {
                    "description": row.get("description") or "",
                    "quantity": row.get("quantity") or "1",
                    "unit_price": row.get("unit_price"),
                    "discount_percent": row.get("discount_percent") or "0",
                    "tax_rate": row.get("tax_rate") or "0",
                }
                for row in (data["items"] if isinstance(data.get("items"), list) else [])
                if isinstance(row, dict)
            ],
        }
    initial = {
        "invoice_number": values["invoice_number"] or "",
        "issue_date": values["issue_date"],
        "due_date": values["due_date"],
        "customer_name": values["customer_name"],
        "customer_address": values["customer_address"],
    }
    if values["currency"]:
        initial["currency"] = str(values["currency"]).upper()
    return initial, values["items"] or [{}]
