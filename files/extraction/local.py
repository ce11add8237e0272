"""The default extractor: everything runs on this machine, without network."""

from __future__ import annotations

from files.extraction.base import ExtractionResult, ReadDocument
from files.extraction.fields import extract_fields
from files.extraction.reading import read_document


class LocalExtractor:
    """Text layer, Tesseract OCR and e-invoice XML, then the layout-agnostic field reader."""

    def read(self, *, content: bytes, content_type: str) -> ReadDocument:
        return read_document(content=content, content_type=content_type)

    def extract(self, document: ReadDocument) -> ExtractionResult:
        return extract_fields(document)
