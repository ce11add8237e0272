"""The document pipeline in-process (Celery eager): stages and progress, the draft it
saves through the invoice services, review instead of a save, failures, retries, and
that running a task again never makes a second invoice."""

from __future__ import annotations

import asyncio
import json
from decimal import Decimal
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.test import override_settings

from files import services
from files.models import ProcessingStatus, ProcessingTask, StoredFile
from files.pipeline import document_process
from files.progress import user_tasks_group
from files.tests import documents as docs
from files.tests import extractors
from files.validation import validate_upload
from invoices.models import Invoice, InvoiceSource, InvoiceStatus
from invoices.tests.factories import make_invoice

pytestmark = pytest.mark.django_db

EXTRACTORS = "files.tests.extractors."
STAGES = [
    ("stage_start", "read", 0),
    ("stage_complete", "read", 20),
    ("stage_start", "extract", 20),
    ("stage_complete", "extract", 80),
    ("stage_start", "validate", 80),
    ("stage_complete", "validate", 90),
    ("stage_start", "save", 90),
    ("stage_complete", "save", 95),
    ("complete", "complete", 100),
]


def upload_batch(owner: Any, *contents: bytes, run: Any = None, **options: Any) -> Any:
    uploads = [
        validate_upload(content=content, name=f"doc-{index}.pdf") for index, content in enumerate(contents or [b""])
    ]
    if run is None:
        return services.upload_batch_create(owner=owner, uploads=uploads, **options)
    with run(execute=True):
        return services.upload_batch_create(owner=owner, uploads=uploads, **options)


@pytest.fixture
def eager_retries() -> Any:
    """Eager Celery re-runs a retried task only when it does not propagate errors."""
    from billing.celery import app

    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = True


@pytest.fixture
def one_document(owner: Any, django_capture_on_commit_callbacks: Any) -> Any:
    def run(content: bytes | None = None, **options: Any) -> ProcessingTask:
        batch = upload_batch(owner, content or docs.invoice_pdf(), run=django_capture_on_commit_callbacks, **options)
        return batch.tasks.get()

    return run


@override_settings(DOCUMENT_EXTRACTOR=EXTRACTORS + "ConfidentExtractor")
def test_a_confident_document_becomes_a_draft_with_the_file_attached(one_document: Any, owner: Any) -> None:
    task = one_document()

    invoice = Invoice.objects.get()
    assert (task.status, task.progress, task.current_stage, task.error) == ("completed", 100, "complete", "")
    assert (invoice.status, invoice.source, invoice.owner) == (InvoiceStatus.DRAFT, InvoiceSource.EXTRACTED, owner)
    assert invoice.invoice_number == extractors.number_for(docs.invoice_pdf())
    assert (str(invoice.subtotal), str(invoice.tax_amount), str(invoice.total_amount)) == ("100.00", "20.00", "120.00")
    assert (invoice.customer_name, invoice.currency, str(invoice.issue_date)) == ("Globex Ltd", "EUR", "2030-01-10")
    assert list(invoice.attachments.all()) == [task.file]
    assert task.invoice == invoice
    assert task.result == {
        "structured_data": {**extractors.FIELDS, "invoice_number": invoice.invoice_number},
        "confidence_score": 0.95,
        "method": "test",
        "auto_saved": True,
        "invoice_id": invoice.pk,
        "message": f"Draft invoice {invoice.invoice_number} saved",
    }
    assert task.attempts == 1


@pytest.mark.django_db(transaction=True)
@override_settings(DOCUMENT_EXTRACTOR=EXTRACTORS + "ConfidentExtractor")
async def test_every_stage_is_pushed_in_order_to_the_owners_group(owner: Any, fresh_channel_layer: Any) -> None:
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add(user_tasks_group(owner.pk), channel)

    # Committed at once (transactional test), so the eager task runs as the upload returns.
    batch = await database_sync_to_async(upload_batch)(owner, docs.invoice_pdf())
    task = await database_sync_to_async(batch.tasks.get)()

    messages = [json.loads((await asyncio.wait_for(layer.receive(channel), 2))["text"]) for _ in STAGES]
    assert [(m["type"], m["stage"], m["progress"]) for m in messages] == STAGES
    assert {m["task_id"] for m in messages} == {str(task.pk)}
    invoice_id = await database_sync_to_async(lambda: Invoice.objects.get().pk)()
    assert messages[-1]["result"]["invoice_id"] == invoice_id


@override_settings(DOCUMENT_EXTRACTOR=EXTRACTORS + "UnsureExtractor")
def test_below_the_threshold_the_task_needs_review_and_keeps_the_data(one_document: Any) -> None:
    task = one_document()

    assert task.status == ProcessingStatus.NEEDS_REVIEW
    assert Invoice.objects.count() == 0
    assert task.invoice is None
    assert task.result["structured_data"]["total_amount"] == "120.00"
    assert (task.result["confidence_score"], task.result["auto_saved"], task.result["invoice_id"]) == (
        0.42,
        False,
        None,
    )
    assert task.result["message"] == "Needs review: confidence 0.42 is below the threshold 0.80."


@override_settings(DOCUMENT_EXTRACTOR=EXTRACTORS + "UnsureExtractor")
def test_a_lower_threshold_lets_the_same_document_save(one_document: Any) -> None:
    task = one_document(confidence_threshold=0.4)

    assert task.status == ProcessingStatus.COMPLETED
    assert Invoice.objects.count() == 1


@override_settings(DOCUMENT_EXTRACTOR=EXTRACTORS + "ConfidentExtractor")
def test_without_auto_save_a_confident_document_waits_for_review(one_document: Any) -> None:
    task = one_document(auto_save=False)

    assert task.status == ProcessingStatus.NEEDS_REVIEW
    assert task.result["message"] == "Needs review: automatic saving is off for this upload."
    assert Invoice.objects.count() == 0


@override_settings(DOCUMENT_EXTRACTOR=EXTRACTORS + "BadDatesExtractor")
def test_fields_the_invoice_service_refuses_end_in_review_with_its_message(one_document: Any) -> None:
    task = one_document()

    assert task.status == ProcessingStatus.NEEDS_REVIEW
    assert task.result["message"] == "Needs review: due_date: The due date cannot be before the issue date."
    assert Invoice.objects.count() == 0
    assert StoredFile.objects.get().invoice is None


@override_settings(DOCUMENT_EXTRACTOR=EXTRACTORS + "WrongTotalExtractor")
def test_a_printed_total_the_lines_do_not_add_up_to_ends_in_review(one_document: Any) -> None:
    task = one_document()

    assert task.status == ProcessingStatus.NEEDS_REVIEW
    assert task.result["message"].startswith("Needs review: total_amount:")
    assert "120.00" in task.result["message"]
    assert Invoice.objects.count() == 0


@override_settings(DOCUMENT_EXTRACTOR=EXTRACTORS + "ConfidentExtractor")
def test_an_invoice_number_the_owner_already_has_ends_in_review(one_document: Any, owner: Any) -> None:
    make_invoice(owner=owner, invoice_number=extractors.number_for(docs.invoice_pdf()))

    task = one_document()

    assert task.status == ProcessingStatus.NEEDS_REVIEW
    assert task.result["message"] == "Needs review: invoice_number: You already have an invoice with this number."
    assert Invoice.objects.count() == 1


@override_settings(DOCUMENT_EXTRACTOR=EXTRACTORS + "UnreadableExtractor")
def test_an_unreadable_document_fails_with_the_readers_message(one_document: Any) -> None:
    task = one_document()

    assert (task.status, task.current_stage) == (ProcessingStatus.FAILED, "read")
    assert task.error == "No text layer and no readable image on any page."
    assert Invoice.objects.count() == 0
    assert task.file.deleted_at is None  # the document is kept


@override_settings(DOCUMENT_EXTRACTOR=EXTRACTORS + "TransientOnceExtractor")
@pytest.mark.usefixtures("eager_retries")
def test_a_transient_error_is_retried_and_the_document_then_saves(one_document: Any) -> None:
    extractors.TransientOnceExtractor.calls = 0

    task = one_document()

    assert extractors.TransientOnceExtractor.calls == 2
    assert (task.status, task.attempts) == (ProcessingStatus.COMPLETED, 2)
    assert Invoice.objects.count() == 1


@override_settings(DOCUMENT_EXTRACTOR=EXTRACTORS + "AlwaysTransientExtractor")
@pytest.mark.usefixtures("eager_retries")
def test_a_transient_error_that_persists_fails_the_task_after_the_last_retry(one_document: Any) -> None:
    from files.tasks import MAX_RETRIES

    extractors.AlwaysTransientExtractor.calls = 0

    task = one_document()

    assert extractors.AlwaysTransientExtractor.calls == MAX_RETRIES + 1
    assert task.status == ProcessingStatus.FAILED
    assert task.error == "Gave up retrying: The OCR engine is busy."
    assert Invoice.objects.count() == 0


@override_settings(DOCUMENT_EXTRACTOR=EXTRACTORS + "ConfidentExtractor")
def test_running_a_finished_task_again_changes_nothing(one_document: Any) -> None:
    task = one_document()

    assert document_process(task_id=task.pk) is None
    task.refresh_from_db()
    assert (task.status, task.attempts, Invoice.objects.count()) == ("completed", 1, 1)


@override_settings(DOCUMENT_EXTRACTOR=EXTRACTORS + "ConfidentExtractor")
def test_a_task_whose_worker_died_after_the_save_finishes_with_the_same_invoice(one_document: Any) -> None:
    task = one_document()
    invoice = Invoice.objects.get()
    # As if the worker died after the save committed and before the task was finished:
    ProcessingTask.objects.filter(pk=task.pk).update(status="running", progress=92, current_stage="save")

    document_process(task_id=task.pk)

    task.refresh_from_db()
    assert (task.status, task.invoice_id, task.result["invoice_id"]) == ("completed", invoice.pk, invoice.pk)
    assert Invoice.objects.count() == 1
    assert task.attempts == 2


@override_settings(DOCUMENT_EXTRACTOR=EXTRACTORS + "ConfidentExtractor")
def test_the_database_refuses_a_second_task_on_the_same_invoice(one_document: Any, owner: Any) -> None:
    from django.db import IntegrityError, transaction

    task = one_document()
    other = ProcessingTask.objects.create(owner=owner)

    with pytest.raises(IntegrityError), transaction.atomic():
        ProcessingTask.objects.filter(pk=other.pk).update(invoice=task.invoice)


@override_settings(DOCUMENT_EXTRACTOR=EXTRACTORS + "ConfidentExtractor")
def test_a_document_deleted_before_it_was_read_fails_the_task(owner: Any, django_capture_on_commit_callbacks) -> None:
    batch = upload_batch(owner, docs.invoice_pdf())
    task = batch.tasks.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.stored_file_delete(file_id=task.file_id, actor=owner)

    document_process(task_id=task.pk)

    task.refresh_from_db()
    assert (task.status, task.error) == ("failed", "The document was deleted.")


@override_settings(DOCUMENT_EXTRACTOR=EXTRACTORS + "UnreadableExtractor")
def test_retrying_a_failed_task_runs_it_again(
    one_document: Any, owner: Any, django_capture_on_commit_callbacks
) -> None:
    task = one_document()
    assert task.status == "failed"

    with (
        override_settings(DOCUMENT_EXTRACTOR=EXTRACTORS + "ConfidentExtractor"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.processing_task_retry(task_id=task.pk, actor=owner)

    task.refresh_from_db()
    assert (task.status, task.error, task.attempts) == ("completed", "", 2)
    assert Invoice.objects.count() == 1


def test_only_a_failed_task_can_be_retried(owner: Any) -> None:
    from core.errors import Conflict

    task = ProcessingTask.objects.create(owner=owner, status="completed")

    with pytest.raises(Conflict, match=r"^Only failed tasks can be retried; this one is completed\.$"):
        services.processing_task_retry(task_id=task.pk, actor=owner)


# --- with the real extractor -------------------------------------------------------------------


@pytest.mark.parametrize(("business_type", "complexity"), [("consulting", "simple"), ("retail", "detailed")])
def test_a_sample_invoice_is_read_by_the_local_extractor_into_a_draft_of_its_printed_values(
    one_document: Any, business_type: str, complexity: str
) -> None:
    from files.samples import render_sample

    sample = render_sample(business_type=business_type, complexity=complexity, seed=11)

    task = one_document(sample.pdf)

    assert task.status == ProcessingStatus.COMPLETED, task.result.get("message")
    invoice = Invoice.objects.get()
    expected = sample.expected
    assert invoice.invoice_number == expected["invoice_number"]
    assert (str(invoice.issue_date), str(invoice.due_date)) == (expected["issue_date"], expected["due_date"])
    assert invoice.currency == expected["currency"]
    assert (str(invoice.subtotal), str(invoice.tax_amount), str(invoice.total_amount)) == (
        expected["subtotal"],
        expected["tax_amount"],
        expected["total_amount"],
    )
    assert invoice.customer_name == expected["customer_name"]
    assert invoice.items.count() == len(expected["items"])
    assert list(invoice.attachments.all()) == [task.file]


@override_settings(DOCUMENT_EXTRACTOR="files.tests.extractors.BrokenExtractor")
def test_a_pipeline_that_breaks_leaves_a_failed_task_naming_the_error(owner: Any) -> None:
    from billing.celery import app
    from files.tasks import document_process_task

    batch = upload_batch(owner, docs.invoice_pdf())  # queued on commit, which this test never reaches
    task = batch.tasks.get()

    app.conf.task_eager_propagates = False
    try:
        document_process_task.apply(args=[str(task.pk)])
    finally:
        app.conf.task_eager_propagates = True

    task.refresh_from_db()
    assert (task.status, task.error) == ("failed", "Processing stopped by an unexpected error (KeyError).")


@override_settings(DOCUMENT_EXTRACTOR=EXTRACTORS + "FourDecimalTaxExtractor")
def test_a_line_the_invoice_service_refuses_is_named_in_the_review_message(one_document: Any) -> None:
    task = one_document()

    assert task.status == ProcessingStatus.NEEDS_REVIEW
    assert task.result["message"] == "Needs review: items[0].tax_rate: At most 3 decimal places."


@override_settings(DOCUMENT_EXTRACTOR=EXTRACTORS + "ThreeDecimalTaxExtractor")
def test_an_invoice_with_a_three_place_sales_tax_is_saved_as_a_draft(one_document: Any) -> None:
    task = one_document()

    assert task.status == ProcessingStatus.COMPLETED
    assert task.invoice.total_amount == Decimal("108.88")


@override_settings(DOCUMENT_EXTRACTOR=EXTRACTORS + "ConfidentExtractor")
def test_a_redelivery_after_the_save_keeps_the_draft_even_if_the_reading_is_unsure(one_document: Any) -> None:
    task = one_document()
    ProcessingTask.objects.filter(pk=task.pk).update(status="running", progress=92, current_stage="save")

    with override_settings(DOCUMENT_EXTRACTOR=EXTRACTORS + "UnsureExtractor"):
        document_process(task_id=task.pk)

    task.refresh_from_db()
    assert (task.status, task.result["invoice_id"], Invoice.objects.count()) == ("completed", task.invoice_id, 1)


@override_settings(DOCUMENT_EXTRACTOR=EXTRACTORS + "ConfidentExtractor")
def test_the_pipeline_is_queued_by_the_subscriber_after_the_commit(
    owner: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """The upload service only announces the tasks: with no subscriber they stay queued."""
    settings.FILE_EVENT_SUBSCRIBERS = []
    batch = upload_batch(owner, docs.invoice_pdf(), run=django_capture_on_commit_callbacks)

    assert [task.status for task in batch.tasks.all()] == [ProcessingStatus.QUEUED]
    assert Invoice.objects.filter(owner=owner).count() == 0


@override_settings(DOCUMENT_EXTRACTOR=EXTRACTORS + "ConfidentExtractor")
def test_an_upload_that_does_not_commit_queues_nothing(owner: Any, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        batch = upload_batch(owner, docs.invoice_pdf())

    assert len(callbacks) == 1  # the subscriber, waiting for a commit that never comes
    assert [task.status for task in batch.tasks.all()] == [ProcessingStatus.QUEUED]
    assert Invoice.objects.filter(owner=owner).count() == 0
