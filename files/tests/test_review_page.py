"""The review form of a document that waits for review: prefilled from what was read, the
document beside it, saved once as a draft with the document attached."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from files import services
from files.models import ProcessingStatus, ProcessingTask, StoredFile
from files.tests import documents as docs
from files.tests.extractors import FIELDS, number_for
from files.validation import validate_upload
from invoices.models import Invoice, InvoiceSource
from invoices.tests.pages_support import client_for, line_data, messages_of

pytestmark = pytest.mark.django_db
EXTRACTORS = "files.tests.extractors."


@pytest.fixture
def reviewed(owner: Any, settings: Any, django_capture_on_commit_callbacks: Any) -> Any:
    """A document of the owner's that the pipeline read with low confidence."""

    def run(content: bytes | None = None, name: str = "scan.pdf", extractor: str = "UnsureExtractor") -> ProcessingTask:
        settings.DOCUMENT_EXTRACTOR = EXTRACTORS + extractor
        upload = validate_upload(content=content or docs.invoice_pdf(), name=name)
        with django_capture_on_commit_callbacks(execute=True):
            batch = services.upload_batch_create(owner=owner, uploads=[upload])
        task = batch.tasks.get()
        assert task.status == ProcessingStatus.NEEDS_REVIEW
        return task

    return run


def review_url(task: ProcessingTask) -> str:
    return f"/invoices/review/{task.pk}/"


def form_data(task: ProcessingTask, **changes: str) -> dict[str, str]:
    """What the prefilled page posts when the user saves it as shown, with `changes`."""
    data = {
        "customer": "",
        "customer_name": FIELDS["customer_name"],
        "customer_email": "",
        "customer_address": FIELDS["customer_address"],
        "invoice_number": task.result["structured_data"]["invoice_number"],
        "currency": "EUR",
        "issue_date": "2030-01-10",
        "due_date": "2030-02-09",
        "notes": "",
        "expected_total": "",
        **line_data([{"description": "Consulting", "quantity": "2", "unit_price": "50.00", "tax_rate": "20"}]),
    }
    data.update(changes)
    return data


def test_the_review_page_opens_the_invoice_form_prefilled_with_the_pdf_beside_it(owner: Any, reviewed: Any) -> None:
    task = reviewed()

    response = client_for(owner).get(review_url(task))

    assert response.status_code == 200
    form, formset = response.context["form"], response.context["formset"]
    assert form.initial == {
        "invoice_number": number_for(docs.invoice_pdf()),
        "issue_date": date(2030, 1, 10),
        "due_date": date(2030, 2, 9),
        "customer_name": "Globex Ltd",
        "customer_address": "1 Main Street, Springfield",
        "currency": "EUR",
    }
    assert [(row["description"], row["quantity"], row["unit_price"], row["tax_rate"]) for row in formset.initial] == [
        ("Consulting", "2", "50.00", "20")
    ]
    html = response.content.decode()
    assert f'<iframe src="/files/{task.file_id}/preview/"' in html
    assert "Needs review: confidence 0.42 is below the threshold 0.80." in html
    assert 'name="items-0-unit_price" value="50.00"' in html


def test_an_image_is_shown_as_an_image_beside_the_form(owner: Any, reviewed: Any) -> None:
    task = reviewed(docs.image_bytes(), name="photo.png")

    html = client_for(owner).get(review_url(task)).content.decode()

    assert f'<img src="/files/{task.file_id}/preview/"' in html
    assert "<iframe" not in html


def test_the_preview_is_inline_same_origin_only_and_not_sniffed(owner: Any, reviewed: Any) -> None:
    task = reviewed()

    response = client_for(owner).get(f"/files/{task.file_id}/preview/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="scan.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == docs.invoice_pdf()  # type: ignore[attr-defined]  # a streaming response


def test_xml_is_never_shown_inline(owner: Any) -> None:
    upload = validate_upload(content=docs.UBL_XML, name="e-invoice.xml")
    stored = services.stored_file_create(owner=owner, upload=upload)

    assert client_for(owner).get(f"/files/{stored.pk}/preview/").status_code == 404


def test_saving_the_review_creates_one_extracted_draft_with_the_document_attached(owner: Any, reviewed: Any) -> None:
    task = reviewed()
    client = client_for(owner)

    response = client.post(review_url(task), form_data(task, **{"items-0-unit_price": "60.00"}))

    invoice = Invoice.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/invoices/{invoice.pk}/"
    assert (invoice.owner_id, invoice.status, invoice.source, invoice.invoice_number) == (
        owner.pk,
        "draft",
        InvoiceSource.EXTRACTED,
        number_for(docs.invoice_pdf()),
    )
    assert invoice.total_amount == Decimal("144.00")
    assert list(StoredFile.objects.filter(invoice=invoice).values_list("pk", flat=True)) == [task.file_id]
    task.refresh_from_db()
    assert (task.invoice_id, task.status) == (invoice.pk, "completed")
    assert (task.result["auto_saved"], task.result["invoice_id"]) == (False, invoice.pk)


def test_a_second_save_does_not_make_a_second_invoice(owner: Any, reviewed: Any) -> None:
    task = reviewed()
    client = client_for(owner)
    first = client.post(review_url(task), form_data(task))

    second = client.post(review_url(task), form_data(task, invoice_number="OTHER-1"))
    again = client.get(review_url(task), follow=True)

    assert Invoice.objects.count() == 1
    invoice = Invoice.objects.get()
    assert first["Location"] == second["Location"] == f"/invoices/{invoice.pk}/"
    assert invoice.invoice_number == number_for(docs.invoice_pdf())
    assert messages_of(again)[-1] == "This document is already saved as an invoice."


def test_the_service_refusing_the_fields_shows_its_message_and_saves_nothing(owner: Any, reviewed: Any) -> None:
    task = reviewed(extractor="BadDatesExtractor")

    response = client_for(owner).post(review_url(task), form_data(task, issue_date="2030-03-01", due_date="2030-01-01"))

    assert response.status_code == 400
    assert response.context["form"].errors["due_date"] == ["The due date cannot be before the issue date."]
    assert Invoice.objects.count() == 0
    task.refresh_from_db()
    assert (task.invoice_id, task.status) == (None, ProcessingStatus.NEEDS_REVIEW)


def test_another_user_gets_a_404_and_nothing_is_saved(owner: Any, other_user: Any, reviewed: Any) -> None:
    task = reviewed()
    intruder = client_for(other_user)

    assert intruder.get(review_url(task)).status_code == 404
    assert intruder.post(review_url(task), form_data(task)).status_code == 404
    assert intruder.get(f"/files/{task.file_id}/preview/").status_code == 404
    assert Invoice.objects.count() == 0


def test_an_anonymous_visitor_is_sent_to_log_in(reviewed: Any) -> None:
    task = reviewed()

    response = Client().get(review_url(task))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_task_that_does_not_wait_for_review_has_no_review_page(owner: Any, reviewed: Any) -> None:
    task = reviewed()
    ProcessingTask.objects.filter(pk=task.pk).update(status=ProcessingStatus.FAILED)

    assert client_for(owner).get(review_url(task)).status_code == 404
    assert client_for(owner).post(review_url(task), form_data(task)).status_code == 404
    assert Invoice.objects.count() == 0
