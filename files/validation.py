"""What an upload must be before anything is stored (SPEC section 7).

The type is decided by the content, never by the name or the client's header: a PDF,
PNG, JPEG, WebP or TIFF by its magic bytes, and XML only when its root element is a
UN/CEFACT CII `CrossIndustryInvoice` or a UBL 2.1 `Invoice`/`CreditNote`. XML is parsed
with defusedxml, which refuses DTDs, entities and external references, so an XML bomb
or an entity that reads a local file is refused rather than expanded. Images must also
open in Pillow, so a PNG signature followed by anything else is not an image.

The size limit is enforced twice: `FileSizeLimitUploadHandler` stops a multipart upload
as soon as one file passes `FILE_MAX_BYTES` (the rest of the body is never read), and
`validate_upload` checks what arrived.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError
from defusedxml.ElementTree import fromstring as parse_xml
from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler
from PIL import Image, UnidentifiedImageError
from rest_framework import status
from rest_framework.exceptions import APIException

from core.errors import DomainError

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
WEBP = "image/webp"
TIFF = "image/tiff"
XML = "application/xml"
ACCEPTED_CONTENT_TYPES = (PDF, PNG, JPEG, WEBP, TIFF, XML)
IMAGE_TYPES = (PNG, JPEG, WEBP, TIFF)
EXTENSIONS = {PDF: "pdf", PNG: "png", JPEG: "jpg", WEBP: "webp", TIFF: "tiff", XML: "xml"}

CII_ROOT = "{urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100}CrossIndustryInvoice"
UBL_ROOTS = (
    "{urn:oasis:names:specification:ubl:schema:xsd:Invoice-2}Invoice",
    "{urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2}CreditNote",
)
MAX_NAME_LENGTH = 255
_UNSAFE_NAME_CHARACTERS = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")


class EmptyUpload(DomainError):
    status_code = 400
    default_detail = "The file is empty."


class UnsupportedFileType(DomainError):
    status_code = 415
    default_detail = "Unsupported file type: upload a PDF, PNG, JPEG, WebP or TIFF, or a CII or UBL invoice XML."


class FileTooLarge(APIException):
    """413, raised from the upload handler while the body is being read (a DRF exception,
    so it leaves the parser as it is and reaches the API's exception handler)."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "file_too_large"

    def __init__(self, limit: int | None = None) -> None:
        limit = settings.FILE_MAX_BYTES if limit is None else limit
        super().__init__(f"The file is larger than the limit of {limit} bytes.")


@dataclass(frozen=True)
class ValidatedUpload:
    content: bytes
    content_type: str
    name: str


def _sniff_binary(head: bytes) -> str | None:
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return TIFF
    return None


def _looks_like_xml(head: bytes) -> bool:
    stripped = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    return stripped.startswith(b"<")


def _check_e_invoice_xml(content: bytes) -> None:
    try:
        root = parse_xml(content, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise UnsupportedFileType(
            "The XML declares a DTD or entities, which are refused (no entity expansion, no external references)."
        ) from None
    except ParseError as error:
        raise UnsupportedFileType(f"The XML is not well formed: {error}.") from None
    if root.tag != CII_ROOT and root.tag not in UBL_ROOTS:
        raise UnsupportedFileType(
            "Only e-invoice XML is accepted: a CII CrossIndustryInvoice or a UBL 2.1 Invoice or CreditNote; "
            f"this document's root is {root.tag!r}."
        )


def _check_image(content: bytes, content_type: str) -> None:
    try:
        with Image.open(io.BytesIO(content)) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise UnsupportedFileType(f"The content starts like {content_type} but is not a readable image.") from None


def detect_content_type(content: bytes) -> str:
    """The accepted type of `content`, from its bytes alone; `UnsupportedFileType` otherwise."""
    head = content[:64]
    sniffed = _sniff_binary(head)
    if sniffed in IMAGE_TYPES:
        _check_image(content, sniffed)
        return sniffed
    if sniffed is not None:
        return sniffed
    if _looks_like_xml(head):
        _check_e_invoice_xml(content)
        return XML
    raise UnsupportedFileType()


def clean_filename(name: str | None) -> str:
    """The user's file name as harmless data: the last path component only, no control
    or path characters, at most 255 characters. It is never used to build a path."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE_NAME_CHARACTERS.sub("_", name).strip(" .")
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, extension = name.rpartition(".")
        name = (stem[: MAX_NAME_LENGTH - len(extension) - 1] + dot + extension) if dot else name[:MAX_NAME_LENGTH]
    return name or "document"


def validate_upload(*, content: bytes, name: str | None) -> ValidatedUpload:
    """Check an upload's bytes: empty 400, over `FILE_MAX_BYTES` 413, unknown type 415."""
    if not content:
        raise EmptyUpload()
    if len(content) > settings.FILE_MAX_BYTES:
        raise FileTooLarge()
    return ValidatedUpload(content=content, content_type=detect_content_type(content), name=clean_filename(name))


def read_upload(upload: Any) -> bytes:
    """The bytes of an uploaded file, refusing to read more than the limit (for files that
    did not come through `FileSizeLimitUploadHandler`)."""
    limit = settings.FILE_MAX_BYTES
    chunks, total = [], 0
    for chunk in upload.chunks():
        total += len(chunk)
        if total > limit:
            raise FileTooLarge()
        chunks.append(chunk)
    return b"".join(chunks)


class FileSizeLimitUploadHandler(FileUploadHandler):
    """Stops a multipart upload as soon as one file passes `FILE_MAX_BYTES`, and refuses a
    request whose declared length is beyond what `max_files` files could ever need, before
    a byte of it is read. Put it first, ahead of Django's memory and temporary-file handlers."""

    # Room for the multipart boundaries, headers and the small form fields.
    OVERHEAD_BYTES = 64 * 1024

    def __init__(self, request: Any = None, *, max_files: int = 1) -> None:
        super().__init__(request)
        self.limit = settings.FILE_MAX_BYTES
        self.max_files = max_files
        self.received = 0

    def handle_raw_input(
        self, input_data: Any, META: Any, content_length: int, boundary: Any, encoding: str | None = None
    ) -> None:
        if content_length and content_length > self.limit * self.max_files + self.OVERHEAD_BYTES:
            raise FileTooLarge(self.limit)
        return None

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.limit:
            raise FileTooLarge(self.limit)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
