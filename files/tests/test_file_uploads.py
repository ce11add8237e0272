"""`POST /api/v1/files/`: what is accepted, and everything that is refused before a byte is stored."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from files.models import StoredFile
from files.tests import documents as docs
from invoices.tests.api_support import client_for
from invoices.tests.factories import make_invoice

pytestmark = pytest.mark.django_db
FILES = "/api/v1/files/"


def stored_objects() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def post_file(client: APIClient, name: str, content: bytes, content_type: str = "application/octet-stream", **extra):
    return client.post(FILES, {"file": docs.upload(name, content, content_type), **extra}, format="multipart")


@pytest.mark.parametrize(
    ("name", "content", "expected_type"),
    [
        ("invoice.pdf", docs.invoice_pdf(), "application/pdf"),
        ("scan.png", docs.image_bytes("PNG"), "image/png"),
        ("photo.jpg", docs.image_bytes("JPEG"), "image/jpeg"),
        ("photo.webp", docs.image_bytes("WEBP"), "image/webp"),
        ("scan.tiff", docs.image_bytes("TIFF"), "image/tiff"),
        ("factur-x.xml", docs.CII_XML, "application/xml"),
        ("peppol.xml", docs.UBL_XML, "application/xml"),
        ("credit-note.xml", docs.UBL_CREDIT_NOTE_XML, "application/xml"),
    ],
)
def test_an_accepted_document_is_stored_with_the_type_its_bytes_show(owner: Any, name, content, expected_type) -> None:
    response = post_file(client_for(owner), name, content, content_type="text/plain")

    assert response.status_code == 201, response.json()
    body = response.json()
    stored = StoredFile.objects.get()
    assert body == {
        "id": str(stored.pk),
        "filename": name,
        "size": len(content),
        "content_type": expected_type,
        "sha256": hashlib.sha256(content).hexdigest(),
        "invoice": None,
        "created_at": body["created_at"],
        "download_url": f"http://testserver/api/v1/files/{stored.pk}/download/",
    }
    assert stored.owner == owner
    assert name not in stored.storage_key
    assert stored.storage_key.startswith("documents/")
    assert (Path(settings.MEDIA_ROOT) / stored.storage_key).read_bytes() == content


@pytest.mark.parametrize(
    ("name", "content", "declared"),
    [
        ("invoice.pdf", docs.HTML_PAGE, "application/pdf"),  # spoofed extension and header
        ("logo.png", docs.HTML_PAGE, "image/png"),  # HTML named .png
        ("invoice.pdf", docs.WINDOWS_EXECUTABLE, "application/pdf"),  # an executable named .pdf
        ("invoice.pdf", docs.ELF_EXECUTABLE, "application/pdf"),
        ("archive.pdf", docs.ZIP_ARCHIVE, "application/pdf"),
        ("picture.png", docs.FAKE_PNG, "image/png"),  # a PNG signature, then HTML
        ("note.xml", docs.OTHER_XML, "application/xml"),  # XML, but not an e-invoice
        ("bomb.xml", docs.XML_BOMB, "application/xml"),  # billion laughs
        ("xxe.xml", docs.XML_EXTERNAL_ENTITY, "application/xml"),  # an entity reading /etc/passwd
        ("notes.txt", b"just some text", "text/plain"),
    ],
)
def test_content_that_is_not_an_accepted_document_is_a_415_and_nothing_is_stored(
    owner: Any, name: str, content: bytes, declared: str
) -> None:
    response = post_file(client_for(owner), name, content, declared)

    assert response.status_code == 415
    assert "detail" in response.json()
    assert StoredFile.objects.count() == 0
    assert stored_objects() == []


def test_the_xml_bomb_is_refused_for_its_entities_not_expanded(owner: Any) -> None:
    response = post_file(client_for(owner), "bomb.xml", docs.XML_BOMB)

    assert response.status_code == 415
    assert response.json()["detail"] == (
        "The XML declares a DTD or entities, which are refused (no entity expansion, no external references)."
    )


def test_an_empty_file_is_a_400_and_nothing_is_stored(owner: Any) -> None:
    response = post_file(client_for(owner), "empty.pdf", b"")

    assert response.status_code == 400
    assert StoredFile.objects.count() == 0
    assert stored_objects() == []


def test_a_missing_file_field_is_a_400(owner: Any) -> None:
    response = client_for(owner).post(FILES, {}, format="multipart")

    assert response.status_code == 400
    assert response.json() == {"file": ["No file was submitted."]}


def test_a_file_over_the_limit_is_a_413_and_nothing_is_stored(owner: Any, settings: Any) -> None:
    settings.FILE_MAX_BYTES = 1000
    content = b"%PDF-1.4\n" + b"0" * 1000

    response = post_file(client_for(owner), "big.pdf", content)

    assert response.status_code == 413
    assert response.json() == {"detail": "The file is larger than the limit of 1000 bytes."}
    assert StoredFile.objects.count() == 0
    assert stored_objects() == []


def test_a_file_of_exactly_the_limit_is_accepted(owner: Any, settings: Any) -> None:
    content = b"%PDF-1.4\n" + b"0" * 991
    settings.FILE_MAX_BYTES = len(content)

    assert post_file(client_for(owner), "exact.pdf", content).status_code == 201


def test_a_body_declared_larger_than_the_limit_is_refused_before_it_is_read(owner: Any, settings: Any) -> None:
    settings.FILE_MAX_BYTES = 1000
    client = client_for(owner)
    # The declared length is far beyond one file plus the form's overhead; the body is not read.
    response = client.generic(
        "POST",
        FILES,
        data=b"--x\r\n",  # type: ignore[arg-type]  # APIClient.generic sends bytes as they are
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(10 * 1024 * 1024),
    )

    assert response.status_code == 413
    assert StoredFile.objects.count() == 0


def raw_multipart(client: APIClient, filename: str, content: bytes) -> Any:
    """A multipart body written by hand, so the file name reaches the server exactly as given."""
    body = (
        b"--boundary\r\n"
        + f'Content-Disposition: form-data; name="file"; filename="{filename}"\r\n'.encode()
        + b"Content-Type: application/pdf\r\n\r\n"
        + content
        + b"\r\n--boundary--\r\n"
    )
    # APIClient.generic sends bytes as they are; the stubs say str.
    return client.generic("POST", FILES, data=body, content_type="multipart/form-data; boundary=boundary")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "kept_as"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\system32\\invoice.pdf", "invoice.pdf"),
        ("/absolute/path/invoice.pdf", "invoice.pdf"),
        ("..%2F..%2Finvoice.pdf", "%2F..%2Finvoice.pdf"),
        ("&#46;&#46;&#47;invoice.pdf", "invoice.pdf"),
        ("in\x01voice:<script>.pdf", "invoice_script_.pdf"),
    ],
)
def test_a_path_traversal_name_is_kept_only_as_a_harmless_name(owner: Any, name: str, kept_as: str) -> None:
    response = raw_multipart(client_for(owner), name, docs.invoice_pdf())

    assert response.status_code == 201, response.json()
    stored = StoredFile.objects.get()
    assert stored.original_name == kept_as
    assert response.json()["filename"] == kept_as
    [path] = stored_objects()
    assert path.resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert path.parent.name == "documents"
    assert path.name == Path(stored.storage_key).name


@pytest.mark.parametrize("name", ["..", ".", "../"])
def test_a_name_that_is_only_a_path_is_no_file_and_nothing_is_stored(owner: Any, name: str) -> None:
    response = raw_multipart(client_for(owner), name, docs.invoice_pdf())

    assert response.status_code == 400
    assert response.json() == {"file": ["No file was submitted."]}
    assert stored_objects() == []


def test_a_file_can_be_attached_to_an_own_invoice(owner: Any) -> None:
    invoice = make_invoice(owner=owner)

    response = post_file(client_for(owner), "receipt.pdf", docs.invoice_pdf(), invoice=invoice.pk)

    assert response.status_code == 201
    assert response.json()["invoice"] == invoice.pk
    assert list(invoice.attachments.values_list("original_name", flat=True)) == ["receipt.pdf"]


def test_attaching_to_someone_elses_invoice_is_a_400_and_nothing_is_stored(owner: Any, other_user: Any) -> None:
    invoice = make_invoice(owner=other_user)

    response = post_file(client_for(owner), "receipt.pdf", docs.invoice_pdf(), invoice=invoice.pk)

    assert response.status_code == 400
    assert response.json() == {"invoice": ["No invoice of yours has this id."]}
    assert StoredFile.objects.count() == 0


def test_an_anonymous_upload_is_a_401_and_nothing_is_stored(db: Any) -> None:
    response = post_file(APIClient(), "invoice.pdf", docs.invoice_pdf())

    assert response.status_code == 401
    assert StoredFile.objects.count() == 0
