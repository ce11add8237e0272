"""Attachments on the invoice detail page: list, upload, download link and remove in draft."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils.html import escape

from accounts.tests.factories import make_user
from core.errors import DomainError
from files import services
from files.models import StoredFile
from files.tests import documents as docs
from files.validation import validate_upload
from invoices.tests.factories import advance, make_invoice
from invoices.tests.pages_support import client_for, messages_of

pytestmark = pytest.mark.django_db


def attach(invoice: Any, name: str = "receipt.pdf", content: bytes | None = None) -> StoredFile:
    upload = validate_upload(content=content or docs.invoice_pdf(), name=name)
    return services.stored_file_create(owner=invoice.owner, upload=upload, invoice_id=invoice.pk)


def upload_url(invoice: Any) -> str:
    return f"/invoices/{invoice.pk}/attachments/"


def remove_url(invoice: Any, stored: StoredFile) -> str:
    return f"/invoices/{invoice.pk}/attachments/{stored.pk}/remove/"


def test_the_detail_page_lists_the_attachments_with_download_links_and_remove_in_draft(owner: Any) -> None:
    invoice = make_invoice(owner=owner)
    stored = attach(invoice, "receipt.pdf")

    response = client_for(owner).get(f"/invoices/{invoice.pk}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="/api/v1/files/{stored.pk}/download/"' in html
    assert "receipt.pdf" in html and "application/pdf" in html
    assert f'action="{remove_url(invoice, stored)}"' in html
    assert f'action="{upload_url(invoice)}"' in html and 'enctype="multipart/form-data"' in html


def test_the_owner_attaches_a_file_through_the_page(owner: Any) -> None:
    invoice = make_invoice(owner=owner)

    response = client_for(owner).post(upload_url(invoice), {"file": docs.upload("scan.png", docs.image_bytes())})

    assert response.status_code == 302
    assert response["Location"] == f"/invoices/{invoice.pk}/"
    stored = StoredFile.objects.get()
    assert (stored.invoice_id, stored.owner_id, stored.original_name, stored.content_type) == (
        invoice.pk,
        owner.pk,
        "scan.png",
        "image/png",
    )
    page = client_for(owner).get(f"/invoices/{invoice.pk}/")
    assert f'href="/api/v1/files/{stored.pk}/download/"' in page.content.decode()


def refusal_of(content: bytes) -> str:
    """What the validation service says of these bytes (the page must show just that)."""
    with pytest.raises(DomainError) as refused:
        validate_upload(content=content, name="x")
    return refused.value.detail


@pytest.mark.parametrize(
    ("name", "content"),
    [("page.png", docs.HTML_PAGE), ("setup.pdf", docs.WINDOWS_EXECUTABLE), ("fake.png", docs.FAKE_PNG)],
)
def test_a_refused_type_shows_the_services_reason_as_a_415_and_stores_nothing(
    owner: Any, name: str, content: bytes
) -> None:
    invoice = make_invoice(owner=owner)

    response = client_for(owner).post(upload_url(invoice), {"file": docs.upload(name, content)})

    assert response.status_code == 415
    assert response.context["attachment_form"].errors["file"] == [refusal_of(content)]
    assert escape(refusal_of(content)) in response.content.decode()
    assert StoredFile.objects.count() == 0


def test_an_empty_file_or_none_at_all_is_a_400_on_the_form_and_stores_nothing(owner: Any) -> None:
    invoice = make_invoice(owner=owner)
    client = client_for(owner)

    empty = client.post(upload_url(invoice), {"file": docs.upload("empty.pdf", b"")})
    missing = client.post(upload_url(invoice), {})

    assert empty.status_code == 400
    assert empty.context["attachment_form"].errors["file"] == ["The submitted file is empty."]
    assert missing.status_code == 400
    assert missing.context["attachment_form"].errors["file"] == ["This field is required."]
    assert StoredFile.objects.count() == 0


def test_an_oversized_upload_is_a_413_on_the_form_and_stores_nothing(owner: Any, settings: Any) -> None:
    settings.FILE_MAX_BYTES = 1000
    invoice = make_invoice(owner=owner)

    response = client_for(owner).post(
        upload_url(invoice), {"file": docs.upload("big.pdf", b"%PDF-1.7\n" + b"0" * 5000)}
    )

    assert response.status_code == 413
    assert response.context["attachment_form"].errors["file"] == ["The file is larger than the limit of 1000 bytes."]
    assert StoredFile.objects.count() == 0


def test_an_upload_without_the_csrf_token_is_refused_and_stores_nothing(owner: Any) -> None:
    invoice = make_invoice(owner=owner)
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)

    response = client.post(upload_url(invoice), {"file": docs.upload("scan.png", docs.image_bytes())})

    assert response.status_code == 403
    assert StoredFile.objects.count() == 0


def test_another_user_can_neither_see_nor_attach_nor_remove(owner: Any, other_user: Any) -> None:
    invoice = make_invoice(owner=owner)
    stored = attach(invoice)
    intruder = client_for(other_user)

    assert intruder.get(f"/invoices/{invoice.pk}/").status_code == 404
    assert intruder.post(upload_url(invoice), {"file": docs.upload("x.png", docs.image_bytes())}).status_code == 404
    assert intruder.post(remove_url(invoice, stored)).status_code == 404
    assert list(StoredFile.objects.alive().values_list("pk", flat=True)) == [stored.pk]


def test_an_anonymous_visitor_is_sent_to_log_in_and_nothing_is_stored(owner: Any) -> None:
    invoice = make_invoice(owner=owner)

    response = Client().post(upload_url(invoice), {"file": docs.upload("x.png", docs.image_bytes())})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert StoredFile.objects.count() == 0


def test_the_owner_removes_an_attachment_of_a_draft(owner: Any) -> None:
    invoice = make_invoice(owner=owner)
    stored = attach(invoice)

    response = client_for(owner).post(remove_url(invoice, stored), follow=True)

    assert response.status_code == 200
    assert messages_of(response) == ["The attachment is removed."]
    stored.refresh_from_db()
    assert stored.deleted_at is not None
    assert "No files attached." in response.content.decode()


def test_remove_is_not_offered_after_the_draft_and_a_forced_post_changes_nothing(owner: Any, approver: Any) -> None:
    invoice = make_invoice(owner=owner)
    stored = attach(invoice)
    advance(invoice, to="pending_approval", approver=approver)
    client = client_for(owner)

    page = client.get(f"/invoices/{invoice.pk}/").content.decode()
    response = client.post(remove_url(invoice, stored), follow=True)

    assert remove_url(invoice, stored) not in page
    assert f'href="/api/v1/files/{stored.pk}/download/"' in page
    assert messages_of(response) == [
        "Attachments can be removed only while the invoice is a draft; this one is pending_approval."
    ]
    stored.refresh_from_db()
    assert stored.deleted_at is None


def test_a_file_of_another_invoice_cannot_be_removed_through_this_one(owner: Any) -> None:
    invoice = make_invoice(owner=owner)
    other = make_invoice(owner=owner)
    stored = attach(other)

    response = client_for(owner).post(remove_url(invoice, stored))

    assert response.status_code == 404
    stored.refresh_from_db()
    assert stored.deleted_at is None


def test_staff_see_and_download_but_attach_only_to_their_own(owner: Any) -> None:
    staff = make_user(username="stan", staff=True)
    invoice = make_invoice(owner=owner)
    stored = attach(invoice)
    client = client_for(staff)

    page = client.get(f"/invoices/{invoice.pk}/").content.decode()
    download = client.get(f"/api/v1/files/{stored.pk}/download/")

    assert f'action="{upload_url(invoice)}"' not in page
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="receipt.pdf"'


def test_the_detail_page_with_many_attachments_takes_a_bounded_number_of_queries(
    owner: Any, django_assert_max_num_queries: Any
) -> None:
    invoice = make_invoice(owner=owner)
    for number in range(8):
        attach(invoice, f"scan-{number}.png", docs.image_bytes())
    client = client_for(owner)

    with django_assert_max_num_queries(10):
        response = client.get(f"/invoices/{invoice.pk}/")

    assert response.status_code == 200
    assert response.content.decode().count("data-attachment-id=") == 8
