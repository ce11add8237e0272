"""One document's way from stored bytes to a draft invoice (SPEC section 7).

Stages and their progress: `read` 0-20, `extract` 20-80, `validate` 80-90, `save` 90-95,
`complete` 100, each reported through `files.progress`, which writes the task row and
pushes the step to the sockets after commit, so a poller and a late socket see the same.

Delivery is at least once (the Celery task acks late and is requeued when its worker
dies), so every step is safe to repeat: a finished task is left alone, and the save is
keyed by the task. It locks the task row, and if the task already has its invoice (a
worker died after the save committed, and the document is read again) it returns that
one; the unique `ProcessingTask.invoice` makes a second invoice for one task impossible
even so.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import F

from core.errors import InvalidInput
from files import progress
from files.extraction import ExtractionError, ExtractionResult, TransientExtractionError, get_extractor
from files.models import ProcessingStatus, ProcessingTask, StoredFile
from files.storage import storage_read
from invoices import services as invoice_services
from invoices.models import Invoice, InvoiceSource
from invoices.money import line_total

logger = logging.getLogger("files.pipeline")

__all__ = ["document_fail", "document_process", "invoice_input_from"]


@dataclass(frozen=True)
class _Outcome:
    status: str
    message: str
    invoice: Invoice | None = None


def _result(extraction: ExtractionResult | None, *, invoice: Invoice | None, message: str = "") -> dict[str, Any]:
    body: dict[str, Any] = {
        "structured_data": extraction.structured_data if extraction else None,
        "confidence_score": extraction.confidence_score if extraction else None,
        "method": extraction.method if extraction else None,
        "auto_saved": invoice is not None,
        "invoice_id": invoice.pk if invoice is not None else None,
    }
    if message:
        body["message"] = message
    return body


def _date(value: Any, field: str, errors: dict[str, list[str]]) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        errors[field] = [f"Not an ISO date: {value!r}."]
        return None


def _amount(value: Any, field: str, errors: dict[str, list[str]]) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors[field] = [f"Not an amount: {value!r}."]
        return None
    if not number.is_finite():
        errors[field] = [f"Not an amount: {value!r}."]
        return None
    return number


def _discount_for(row: dict[str, Any]) -> Any:
    """The line's discount: the one read, or the one its printed amount implies.

    Documents often print a line's discount as a column the reader does not name; the
    amount `quantity x unit_price x (1 - d/100)` gives it away. It is used only when our
    own rounding of it gives back exactly the printed amount."""
    if row.get("discount_percent") not in (None, ""):
        return row["discount_percent"]
    try:
        quantity = Decimal(str(row.get("quantity") or "1"))
        unit_price = Decimal(str(row["unit_price"]))
        printed = Decimal(str(row["line_total"]))
    except (KeyError, InvalidOperation, ValueError):
        return "0"
    gross = quantity * unit_price
    if not gross.is_finite() or not printed.is_finite() or gross <= 0 or printed >= gross or printed < 0:
        return "0"
    discount = ((1 - printed / gross) * 100).quantize(Decimal("0.01"))
    if line_total(quantity=quantity, unit_price=unit_price, discount_percent=discount) == printed:
        return discount
    return "0"


def _item_input(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "description": row.get("description"),
        "quantity": row.get("quantity") if row.get("quantity") not in (None, "") else "1",
        "unit_price": row.get("unit_price"),
        "discount_percent": _discount_for(row),
        "tax_rate": row.get("tax_rate") or "0",
    }


def invoice_input_from(data: dict[str, Any]) -> dict[str, Any]:
    """The keyword arguments of `invoice_create` for extracted `structured_data`.

    Read lines become items; a document without a readable table becomes one line of its
    subtotal at its tax rate. The printed total is passed as `expected_total`, so an
    extraction whose numbers do not add up is refused by the invoice service itself.
    """
    errors: dict[str, list[str]] = {}
    issue_date = _date(data.get("issue_date"), "issue_date", errors)
    due_date = _date(data.get("due_date"), "due_date", errors)
    subtotal = _amount(data.get("subtotal"), "subtotal", errors)
    tax_amount = _amount(data.get("tax_amount"), "tax_amount", errors)
    total = _amount(data.get("total_amount"), "total_amount", errors)
    raw_items = data.get("items") or []
    if not isinstance(raw_items, list):
        errors["items"] = ["Items must be a list."]
        raw_items = []
    items = [_item_input(row) for row in raw_items if isinstance(row, dict)]
    if not items:
        base = subtotal if subtotal is not None else total
        if base is None:
            errors["total_amount"] = ["Neither line items nor a subtotal or total were read."]
        else:
            rate = Decimal("0")
            if subtotal and tax_amount:
                rate = (tax_amount / subtotal * 100).quantize(Decimal("0.01"))
            label = f"Invoice {data['invoice_number']}" if data.get("invoice_number") else "Invoice total"
            items = [{"description": label, "quantity": "1", "unit_price": base, "tax_rate": rate}]
    if errors:
        raise InvalidInput(errors=errors)
    return {
        "invoice_number": data.get("invoice_number") or None,
        "issue_date": issue_date,
        "due_date": due_date,
        "currency": data.get("currency") or None,
        "customer_name": data.get("customer_name") or "",
        "customer_address": data.get("customer_address") or "",
        "items": items,
        "expected_total": total,
    }


def _describe(error: InvalidInput) -> str:
    """One line from the service's field errors, e.g. `due_date: The due date cannot be ...`."""
    if not error.errors:
        return error.detail

    def flatten(prefix: str, value: Any) -> list[str]:
        if isinstance(value, dict):
            # {"items": {"items[0]": ...}} reads as "items[0].field", not "items.items[0].field".
            parent = prefix.rstrip(".").rsplit(".", 1)[-1]
            return [
                line
                for key, inner in value.items()
                for line in flatten(
                    f"{prefix.removesuffix(parent + '.') if key.startswith(parent + '[') else prefix}{key}.", inner
                )
            ]
        if isinstance(value, list):
            return [f"{prefix.rstrip('.')}: {item}" for item in value]
        return [f"{prefix.rstrip('.')}: {value}"]

    return "; ".join(flatten("", error.errors))


def _save_draft(*, task_id: uuid.UUID, data: dict[str, Any]) -> Invoice:
    """The task's draft: the one it saved before, or a new one with the document attached."""
    with transaction.atomic():
        task = ProcessingTask.objects.select_for_update().get(pk=task_id)
        if task.invoice_id is not None:
            return Invoice.objects.get(pk=task.invoice_id)
        invoice = invoice_services.invoice_create(
            owner=task.owner, source=InvoiceSource.EXTRACTED, **invoice_input_from(data)
        )
        if task.file_id is not None:
            StoredFile.objects.filter(pk=task.file_id).update(invoice=invoice)
        task.invoice = invoice
        task.save(update_fields=["invoice"])
    return invoice


def _begin(task_id: uuid.UUID | str) -> ProcessingTask | None:
    """Count the attempt; None when the task is already finished (a redelivered message)."""
    with transaction.atomic():
        task = (
            ProcessingTask.objects.select_for_update(of=("self",))
            .select_related("batch", "file")
            .filter(pk=task_id)
            .first()
        )
        if task is None or task.is_finished:
            return None
        ProcessingTask.objects.filter(pk=task.pk).update(attempts=F("attempts") + 1)
    return task


def document_fail(*, task_id: uuid.UUID | str, error: str) -> None:
    """Finish a task as failed with `error` (its retries are spent, or it cannot be read)."""
    task = ProcessingTask.objects.filter(pk=task_id).first()
    if task is None or task.is_finished:
        return
    progress.ProgressReporter(task).report(
        progress.ERROR, task.current_stage or "read", task.progress, "Processing failed", error=error
    )


def document_process(*, task_id: uuid.UUID | str, final_attempt: bool = True) -> ProcessingTask | None:
    """Run the pipeline for one task. `TransientExtractionError` propagates (for the Celery
    task to retry) unless this is the `final_attempt`, which fails the task instead."""
    task = _begin(task_id)
    if task is None:
        return None
    reporter = progress.ProgressReporter(task)

    stored = task.file
    if stored is None or stored.deleted_at is not None:
        reporter.report(progress.ERROR, "read", 0, "Processing failed", error="The document was deleted.")
        return _reload(task)

    stage = "read"
    try:
        reporter.report(progress.STAGE_START, "read", 0, f"Reading {stored.original_name}")
        extractor = get_extractor()
        document = extractor.read(content=storage_read(stored.storage_key), content_type=stored.content_type)
        reporter.report(progress.STAGE_COMPLETE, "read", 20, f"Read {document.pages} page(s) as {document.kind}")
        stage = "extract"
        reporter.report(progress.STAGE_START, "extract", 20, "Extracting invoice fields")
        extraction = extractor.extract(document)
        reporter.report(
            progress.STAGE_COMPLETE,
            "extract",
            80,
            f"Extracted by {extraction.method} with confidence {extraction.confidence_score:.2f}",
        )
    except ExtractionError as error:
        reporter.report(progress.ERROR, stage, 0 if stage == "read" else 20, "Processing failed", error=str(error))
        return _reload(task)
    except TransientExtractionError as error:
        if not final_attempt:
            raise
        reporter.report(
            progress.ERROR, stage, 0 if stage == "read" else 20, "Processing failed", error=f"Gave up retrying: {error}"
        )
        return _reload(task)

    outcome = _validate_and_save(task=task, reporter=reporter, extraction=extraction)
    reporter.report(
        progress.COMPLETE,
        "complete",
        100,
        outcome.message,
        result=_result(extraction, invoice=outcome.invoice, message=outcome.message),
        status=outcome.status,
    )
    return _reload(task)


def _review_reason(*, task: ProcessingTask, extraction: ExtractionResult) -> str | None:
    """Why the result waits for a person instead of being saved; None to save it."""
    try:
        invoice_input_from(extraction.structured_data)
    except InvalidInput as error:
        return f"Needs review: {_describe(error)}"
    batch = task.batch
    threshold = batch.confidence_threshold if batch is not None else 0.8
    if batch is not None and not batch.auto_save:
        return "Needs review: automatic saving is off for this upload."
    if extraction.confidence_score < threshold:
        return f"Needs review: confidence {extraction.confidence_score:.2f} is below the threshold {threshold:.2f}."
    return None


def _validate_and_save(
    *, task: ProcessingTask, reporter: progress.ProgressReporter, extraction: ExtractionResult
) -> _Outcome:
    reporter.report(progress.STAGE_START, "validate", 80, "Checking the extracted fields")
    # A delivery that died after saving left its draft: that is the outcome, whatever this
    # reading says (a reader need not be deterministic).
    reason = None if task.invoice_id is not None else _review_reason(task=task, extraction=extraction)
    if reason is not None:
        reporter.report(progress.STAGE_COMPLETE, "validate", 90, "The fields need review")
        return _Outcome(ProcessingStatus.NEEDS_REVIEW, reason)
    reporter.report(progress.STAGE_COMPLETE, "validate", 90, "Fields checked")
    reporter.report(progress.STAGE_START, "save", 90, "Saving the draft invoice")
    try:
        invoice = _save_draft(task_id=task.pk, data=extraction.structured_data)
    except InvalidInput as error:
        reporter.report(progress.STAGE_COMPLETE, "save", 95, "The invoice service refused the fields")
        return _Outcome(ProcessingStatus.NEEDS_REVIEW, f"Needs review: {_describe(error)}")
    reporter.report(progress.STAGE_COMPLETE, "save", 95, f"Saved draft {invoice.invoice_number}")
    return _Outcome(ProcessingStatus.COMPLETED, f"Draft invoice {invoice.invoice_number} saved", invoice)


def _reload(task: ProcessingTask) -> ProcessingTask:
    return ProcessingTask.objects.get(pk=task.pk)
