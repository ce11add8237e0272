"""Every write of stored files, batches and processing tasks.

Uploads are validated (`files.validation`) before a byte is stored; the row and the
bytes are written together, and a batch's tasks are queued only once the batch is
committed, so a worker never looks for a row that is not there yet. The pipeline that
reads a document into a draft is `files.pipeline.document_process`, exported here.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from core.errors import Conflict, InvalidInput, NotFound
from files import events
from files.models import ProcessingBatch, ProcessingStatus, ProcessingTask, StoredFile
from files.pipeline import document_fail, document_process
from files.storage import new_storage_key, storage_delete, storage_save
from files.validation import ValidatedUpload, validate_upload
from invoices import services as invoice_services
from invoices.models import Invoice, InvoiceSource, InvoiceStatus

if TYPE_CHECKING:
    from accounts.models import User

__all__ = [
    "MAX_FILES_PER_UPLOAD",
    "document_fail",
    "document_process",
    "processing_task_retry",
    "review_invoice_save",
    "sample_file_create",
    "stored_file_create",
    "stored_file_delete",
    "upload_batch_create",
]

logger = logging.getLogger("files.services")
MAX_FILES_PER_UPLOAD = 50


def _attachable_invoice(*, owner: User, invoice_id: int) -> Invoice:
    invoice = Invoice.objects.alive().filter(owner=owner, pk=invoice_id).first()
    if invoice is None:
        raise InvalidInput(errors={"invoice": ["No invoice of yours has this id."]})
    return invoice


def _store(*, owner: User, upload: ValidatedUpload, invoice: Invoice | None = None) -> StoredFile:
    # The bytes go first, so a row never points at bytes that were not written. (Should
    # the transaction roll back, the object is left unreferenced under its random key.)
    key = storage_save(key=new_storage_key(upload.content_type), content=upload.content)
    return StoredFile.objects.create(
        owner=owner,
        original_name=upload.name,
        storage_key=key,
        size=len(upload.content),
        content_type=upload.content_type,
        sha256=hashlib.sha256(upload.content).hexdigest(),
        invoice=invoice,
    )


def stored_file_create(*, owner: User, upload: ValidatedUpload, invoice_id: int | None = None) -> StoredFile:
    """Store a validated upload, attached to one of the owner's invoices if `invoice_id` is given."""
    with transaction.atomic():
        invoice = _attachable_invoice(owner=owner, invoice_id=invoice_id) if invoice_id is not None else None
        return _store(owner=owner, upload=upload, invoice=invoice)


def stored_file_delete(*, file_id: uuid.UUID, actor: User) -> None:
    """Soft delete a file (the row stays for the record) and remove its bytes once that is
    committed. A file attached to an invoice can be removed only while the invoice is a draft."""
    with transaction.atomic():
        stored = StoredFile.objects.visible_to(actor).select_for_update().filter(pk=file_id).first()
        if stored is None:
            raise NotFound("No file matches the given id.")
        if stored.invoice_id is not None:
            invoice = Invoice.objects.get(pk=stored.invoice_id)
            if invoice.status != InvoiceStatus.DRAFT:
                raise Conflict(
                    f"Attachments can be removed only while the invoice is a draft; this one is {invoice.status}.",
                    status=invoice.status,
                )
        stored.deleted_at = timezone.now()
        stored.save(update_fields=["deleted_at"])
        key = stored.storage_key
        transaction.on_commit(lambda: storage_delete(key))


def _check_options(*, count: int, confidence_threshold: float) -> None:
    errors: dict[str, list[str]] = {}
    if count < 1:
        errors["files"] = ["Upload at least one file."]
    elif count > MAX_FILES_PER_UPLOAD:
        errors["files"] = [f"At most {MAX_FILES_PER_UPLOAD} files per upload; got {count}."]
    if not 0 <= confidence_threshold <= 1:
        errors["confidence_threshold"] = ["Must be between 0 and 1."]
    if errors:
        raise InvalidInput(errors=errors)


def upload_batch_create(
    *, owner: User, uploads: Sequence[ValidatedUpload], auto_save: bool = True, confidence_threshold: float = 0.8
) -> ProcessingBatch:
    """Store each document, make a batch with one queued task per document, and queue the
    pipeline for each task once all of it is committed."""
    _check_options(count=len(uploads), confidence_threshold=confidence_threshold)
    with transaction.atomic():
        batch = ProcessingBatch.objects.create(
            owner=owner, auto_save=auto_save, confidence_threshold=confidence_threshold
        )
        task_ids = []
        for upload in uploads:
            stored = _store(owner=owner, upload=upload)
            task = ProcessingTask.objects.create(owner=owner, batch=batch, file=stored)
            task_ids.append(str(task.pk))
        _queue_on_commit(task_ids)
    return batch


def _queue_on_commit(task_ids: list[str]) -> None:
    """The pipeline's task is queued by a subscriber (`files.tasks`) after the commit."""
    events.emit_on_commit(events.DocumentsQueued(task_ids=tuple(task_ids)))


def sample_file_create(
    *, owner: User, business_type: str, complexity: str, company_name: str = "", seed: int | None = None
) -> tuple[StoredFile, dict[str, Any]]:
    """Render a sample invoice PDF (`files.samples`), store it as the owner's file, and
    return it with the values it prints."""
    from files import samples

    errors: dict[str, list[str]] = {}
    if business_type not in samples.SUPPORTED_BUSINESS_TYPES:
        errors["business_type"] = [f"Use one of {', '.join(samples.SUPPORTED_BUSINESS_TYPES)}."]
    if complexity not in samples.COMPLEXITY_LEVELS:
        errors["complexity"] = [f"Use one of {', '.join(samples.COMPLEXITY_LEVELS)}."]
    if errors:
        raise InvalidInput(errors=errors)
    sample = samples.render_sample(
        business_type=business_type, complexity=complexity, company_name=company_name or None, seed=seed
    )
    upload = validate_upload(content=sample.pdf, name=f"sample-{business_type}-{complexity}.pdf")
    with transaction.atomic():
        stored = _store(owner=owner, upload=upload)
    return stored, sample.expected


def processing_task_retry(*, task_id: uuid.UUID, actor: User) -> ProcessingTask:
    """Send a failed task through the pipeline again (the back office's "Retry failed").
    Only failed tasks are retried: one that completed or waits for review has its outcome."""
    with transaction.atomic():
        task = ProcessingTask.objects.select_for_update().filter(pk=task_id).first()
        if task is None:
            raise NotFound("No task matches the given id.")
        if task.status != ProcessingStatus.FAILED:
            raise Conflict(f"Only failed tasks can be retried; this one is {task.status}.", status=task.status)
        task.status = ProcessingStatus.QUEUED
        task.progress = 0
        task.current_stage = ""
        task.error = ""
        task.completed_at = None
        task.save(update_fields=["status", "progress", "current_stage", "error", "completed_at"])
        logger.info("task %s queued again by %s", task.pk, getattr(actor, "username", actor))
        _queue_on_commit([str(task.pk)])
    return task


def review_invoice_save(*, task_id: uuid.UUID, actor: User, fields: dict[str, Any]) -> Invoice:
    """Save what a person checked for a task that waited for review: the draft is made by
    `invoice_create` (`source=extracted`), the document is attached, and the task records
    it (`invoice_id`, `auto_saved` false) and is `completed`: nothing waits for review any
    more, so the batch counts and the jobs page stop listing it. Keyed by the task like the pipeline's own save:
    the task row is locked, and a task that already has its invoice returns that one, so
    a second submit of the form never makes a second invoice."""
    with transaction.atomic():
        task = ProcessingTask.objects.select_for_update().filter(pk=task_id, owner=actor).first()
        if task is None:
            raise NotFound("No task matches the given id.")
        if task.invoice_id is not None:
            return Invoice.objects.get(pk=task.invoice_id)
        if task.status != ProcessingStatus.NEEDS_REVIEW:
            raise Conflict(f"Only a task that needs review can be saved here; this one is {task.status}.")
        invoice = invoice_services.invoice_create(owner=actor, source=InvoiceSource.EXTRACTED, **fields)
        if task.file_id is not None:
            StoredFile.objects.alive().filter(pk=task.file_id).update(invoice=invoice)
        task.invoice = invoice
        task.status = ProcessingStatus.COMPLETED
        task.result = {**(task.result or {}), "auto_saved": False, "invoice_id": invoice.pk}
        task.save(update_fields=["invoice", "status", "result"])
    return invoice
