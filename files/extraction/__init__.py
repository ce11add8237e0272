"""Reading uploaded invoice documents into invoice fields; see `base` for the contract."""

from files.extraction.base import (
    DOCUMENT_KINDS,
    E_INVOICE_KINDS,
    DocumentExtractor,
    ExtractionError,
    ExtractionResult,
    ReadDocument,
    TransientExtractionError,
    get_extractor,
)

__all__ = [
    "DOCUMENT_KINDS",
    "E_INVOICE_KINDS",
    "DocumentExtractor",
    "ExtractionError",
    "ExtractionResult",
    "ReadDocument",
    "TransientExtractionError",
    "get_extractor",
]
