"""Stored files through the API: listing, reading, downloading and deleting, by whom."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from rest_framework.test import APIClient

from accounts.tests.factories import make_user
from files import services
from files.models import StoredFile
from files.tests import documents as docs
from files.validation import validate_upload
from invoices.tests.api_support import client_for
from invoices.tests.factories import advance, make_invoice

pytestmark = pytest.mark.django_db
FILES = "/api/v1/files/"


def make_file(owner: Any, name: str = "invoice.pdf", content: bytes | None = None, invoice: Any = None) -> StoredFile:
    upload = validate_upload(content=content or docs.invoice_pdf(), name=name)
    return services.stored_file_create(owner=owner, upload=upload, invoice_id=invoice.pk if invoice else None)


@pytest.fixture
def stored(owner: Any) -> StoredFile:
    return make_file(owner)


@pytest.fixture
def staff(db: Any) -> Any:
    return make_user(username="stan", staff=True)


def test_the_list_holds_only_the_users_own_files(owner: Any, other_user: Any) -> None:
    mine = make_file(owner, "mine.pdf")
    make_file(other_user, "theirs.pdf")

    response = client_for(owner).get(FILES)

    assert response.status_code == 200
    body = response.json()
    assert (body["count"], [row["id"] for row in body["results"]]) == (1, [str(mine.pk)])


def test_staff_see_every_file(owner: Any, other_user: Any, staff: Any) -> None:
    make_file(owner, "a.pdf")
    make_file(other_user, "b.pdf")

    assert client_for(staff).get(FILES).json()["count"] == 2


@pytest.mark.parametrize("suffix", ["", "download/"])
def test_another_users_file_is_a_404(stored: StoredFile, other_user: Any, suffix: str) -> None:
    response = client_for(other_user).get(f"{FILES}{stored.pk}/{suffix}")

    assert response.status_code == 404
    assert response.json() == {"detail": "No file matches the given id."}


@pytest.mark.parametrize(("method", "suffix"), [("get", ""), ("get", "download/"), ("delete", "")])
def test_an_anonymous_request_is_a_401(stored: StoredFile, method: str, suffix: str) -> None:
    response = getattr(APIClient(), method)(f"{FILES}{stored.pk}/{suffix}")

    assert response.status_code == 401
    assert StoredFile.objects.alive().count() == 1


def test_the_anonymous_list_is_a_401(db: Any) -> None:
    assert APIClient().get(FILES).status_code == 401


def test_deleting_another_users_file_is_a_404_and_keeps_it(stored: StoredFile, other_user: Any) -> None:
    response = client_for(other_user).delete(f"{FILES}{stored.pk}/")

    assert response.status_code == 404
    assert StoredFile.objects.alive().filter(pk=stored.pk).exists()
    assert (Path(settings.MEDIA_ROOT) / stored.storage_key).exists()


def test_the_owner_downloads_the_bytes_as_an_attachment(stored: StoredFile, owner: Any) -> None:
    response = client_for(owner).get(f"{FILES}{stored.pk}/download/", HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == docs.invoice_pdf()  # type: ignore[attr-defined]  # a streaming response
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="invoice.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Length"] == str(stored.size)


def test_a_download_keeps_a_non_ascii_name_safely_quoted(owner: Any) -> None:
    stored = make_file(owner, 'Rechnung "März".pdf')

    response = client_for(owner).get(f"{FILES}{stored.pk}/download/")

    assert response["Content-Disposition"] == "attachment; filename*=utf-8''Rechnung%20_M%C3%A4rz_.pdf"


def test_staff_may_download_anyones_file(stored: StoredFile, staff: Any) -> None:
    assert client_for(staff).get(f"{FILES}{stored.pk}/download/").status_code == 200


def test_the_session_of_the_owner_downloads_too(stored: StoredFile, owner: Any) -> None:
    client = Client()
    client.force_login(owner)

    assert client.get(f"{FILES}{stored.pk}/download/").status_code == 200


def test_local_files_are_never_served_under_media(stored: StoredFile, owner: Any) -> None:
    client = Client()
    client.force_login(owner)

    response = client.get(f"{settings.MEDIA_URL}{stored.storage_key}")

    assert response.status_code == 404


def test_deleting_a_file_hides_it_and_removes_its_bytes(
    stored: StoredFile, owner: Any, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(owner).delete(f"{FILES}{stored.pk}/")

    assert response.status_code == 204
    stored.refresh_from_db()
    assert stored.deleted_at is not None
    assert not (Path(settings.MEDIA_ROOT) / stored.storage_key).exists()
    assert client_for(owner).get(f"{FILES}{stored.pk}/").status_code == 404


def test_an_attachment_of_a_draft_can_be_removed(owner: Any, django_capture_on_commit_callbacks) -> None:
    stored = make_file(owner, invoice=make_invoice(owner=owner))

    with django_capture_on_commit_callbacks(execute=True):
        assert client_for(owner).delete(f"{FILES}{stored.pk}/").status_code == 204


def test_an_attachment_of_a_submitted_invoice_cannot_be_removed(owner: Any, approver: Any) -> None:
    invoice = advance(make_invoice(owner=owner), to="pending_approval", approver=approver)
    stored = make_file(owner, invoice=invoice)

    response = client_for(owner).delete(f"{FILES}{stored.pk}/")

    assert response.status_code == 409
    assert response.json() == {
        "detail": "Attachments can be removed only while the invoice is a draft; this one is pending_approval.",
        "status": "pending_approval",
    }
    stored.refresh_from_db()
    assert stored.deleted_at is None
    assert (Path(settings.MEDIA_ROOT) / stored.storage_key).exists()


def test_a_file_id_that_is_not_a_uuid_is_a_404(owner: Any) -> None:
    assert client_for(owner).get(f"{FILES}12/").status_code == 404


def test_the_file_list_runs_a_bounded_number_of_queries(owner: Any, django_assert_max_num_queries) -> None:
    for index in range(5):
        make_file(owner, f"f{index}.pdf", content=docs.invoice_pdf(number=f"N-{index}"))

    with django_assert_max_num_queries(4):
        response = client_for(owner).get(FILES)

    assert response.status_code == 200
    assert response.json()["count"] == 5
