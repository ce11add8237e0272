"""The default extractor: everything runs on this machine, without network.

E-invoices (a standalone CII or UBL file, or a PDF that embeds one) are read from
their XML and get confidence 1.0; everything else goes through the text layer or OCR
and the layout-agnostic field reader (`fields.py`).
"""

from __future__ import annotations

from files.extraction.base import E_INVOICE_KINDS, ExtractionError, ExtractionResult, ReadDocument
from files.extraction.einvoice import read_einvoice
from files.extraction.fields import extract_fields
from files.extraction.reading import read_document


class LocalExtractor:
    """Text layer, Tesseract OCR and e-invoice XML, then the layout-agnostic field reader."""

    def read(self, *, content: bytes, content_type: str) -> ReadDocument:
        return read_document(content=content, content_type=content_type)

    def extract(self, document: ReadDocument) -> ExtractionResult:
        if document.kind in E_INVOICE_KINDS:
            if document.xml is None:
                raise ExtractionError("The e-invoice has no XML to read.")
            _, data = read_einvoice(document.xml)
            if not data["invoice_number"] or not data["total_amount"]:
                raise ExtractionError("The e-invoice has no invoice number or no total.")
            return ExtractionResult(structured_data=data, confidence_score=1.0, method=document.kind)
        return extract_fields(document)
