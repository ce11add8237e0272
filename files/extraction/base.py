"""The extraction contract: what the document pipeline calls, whatever reads the document.

The pipeline (`files` tasks) works in two stages that it reports separately: `read`
turns the uploaded bytes into a `ReadDocument` (a text layer, OCR text or an embedded
e-invoice XML) and `extract` turns that into an `ExtractionResult` whose
`structured_data` has the invoice API's field names (SPEC section 7). Any class with
these two keyword-compatible methods can stand in: the setting `DOCUMENT_EXTRACTOR`
names it by dotted path, so a remote or commercial reader can replace the local one
without touching the pipeline.

Errors are split by what the caller should do next: `ExtractionError` means the
document itself cannot be read (retrying will not help; the task fails with the
message), `TransientExtractionError` means the reader could not run this time (a
missing OCR process, a timeout) and the task may retry with backoff.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from django.conf import settings
from django.utils.module_loading import import_string

DEFAULT_EXTRACTOR = "files.extraction.local.LocalExtractor"

DOCUMENT_KINDS = ("text_pdf", "scan_pdf", "image", "cii", "ubl", "facturx")
E_INVOICE_KINDS = ("cii", "ubl", "facturx")


class ExtractionError(Exception):
    """The document cannot be read as an invoice; a permanent failure with a message for people."""


class TransientExtractionError(Exception):
    """Reading failed for a reason that may pass (OCR engine busy, timeout); worth a retry."""


@dataclass
class ReadDocument:
    """What the `read` stage got out of the bytes.

    `kind` is one of `DOCUMENT_KINDS`; `text` is the text layer or the OCR text (empty for
    a standalone XML); `xml` is the e-invoice XML when there is one (standalone or
    embedded in a Factur-X/ZUGFeRD PDF); `pages` counts the pages read (1 for images
    and XML).
    """

    kind: str
    text: str
    xml: bytes | None
    pages: int
    # Optional per-page word boxes from OCR or the text layer, for readers that use layout.
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass
class ExtractionResult:
    """What the `extract` stage found.

    `structured_data` uses the invoice API's names: `invoice_number, issue_date, due_date,
    currency, subtotal, tax_amount, total_amount, customer_name, customer_address, items,
    issuer {name, tax_id, iban, address}, confidence {field: 0..1}`. A field that was not
    found is `None` with confidence 0. `confidence_score` is the overall figure the
    pipeline compares with the batch's `confidence_threshold`; `method` says how the data
    was obtained (e.g. `"text"`, `"ocr"`, `"cii"`, `"ubl"`, `"facturx"`).
    """

    structured_data: dict[str, Any]
    confidence_score: float
    method: str


@runtime_checkable
class DocumentExtractor(Protocol):
    """Anything that can read a document's bytes and extract invoice fields from them."""

    def read(self, *, content: bytes, content_type: str) -> ReadDocument:
        """Stage `read`: text layer, OCR or embedded XML. Raises `ExtractionError` on unreadable input."""
        ...

    def extract(self, document: ReadDocument) -> ExtractionResult:
        """Stage `extract`: the invoice fields and their confidence."""
        ...


def get_extractor() -> DocumentExtractor:
    """A new instance of the class named by `DOCUMENT_EXTRACTOR` (the local reader by default)."""
    dotted = getattr(settings, "DOCUMENT_EXTRACTOR", None) or DEFAULT_EXTRACTOR
    return import_string(dotted)()
