"""Stage `read`: bytes to text (text layer or OCR) or to e-invoice XML.

The kind of document is decided from its first bytes, not from the name or the
declared content type, which only break ties. Every reader has limits
(`EXTRACTION_MAX_PAGES`, `EXTRACTION_MAX_PIXELS`) so a hostile file is refused with an
`ExtractionError` before it can exhaust memory or time.
"""

from __future__ import annotations

import pypdfium2 as pdfium
from django.conf import settings

from files.extraction.base import ExtractionError, ReadDocument

DEFAULT_MAX_PAGES = 20


def max_pages() -> int:
    return int(getattr(settings, "EXTRACTION_MAX_PAGES", DEFAULT_MAX_PAGES))


def open_pdf(content: bytes) -> pdfium.PdfDocument:
    """The PDF opened by pdfium, or an `ExtractionError` that says why it cannot be."""
    try:
        pdf = pdfium.PdfDocument(content)
    except pdfium.PdfiumError as error:
        raise ExtractionError(f"The PDF cannot be opened: {error}.") from error
    if len(pdf) == 0:
        pdf.close()
        raise ExtractionError("The PDF has no pages.")
    if len(pdf) > max_pages():
        count = len(pdf)
        pdf.close()
        raise ExtractionError(f"The PDF has {count} pages; at most {max_pages()} are read.")
    return pdf


def pdf_text(pdf: pdfium.PdfDocument) -> str:
    """The text layer of every page, pages separated by form feeds."""
    pages = []
    for page in pdf:
        textpage = page.get_textpage()
        pages.append(textpage.get_text_bounded())
        textpage.close()
        page.close()
    return "\f".join(pages)


def read_pdf(content: bytes) -> ReadDocument:
    pdf = open_pdf(content)
    try:
        text = pdf_text(pdf)
        return ReadDocument(kind="text_pdf", text=text, xml=None, pages=len(pdf))
    finally:
        pdf.close()


def read_document(*, content: bytes, content_type: str) -> ReadDocument:
    """Read any supported document; `ExtractionError` for anything else."""
    if not content:
        raise ExtractionError("The document is empty.")
    if content.startswith(b"%PDF-"):
        return read_pdf(content)
    raise ExtractionError(f"Documents of type {content_type or 'unknown'} cannot be read.")
