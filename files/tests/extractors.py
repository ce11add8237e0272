"""Extractors for the pipeline's tests, plugged in through `DOCUMENT_EXTRACTOR` the way any
other reader would be. They read the real bytes (their sha256 names the invoice, so each
document gives its own number) and return chosen fields, so a test decides the outcome:
confident, unsure, refused by the invoice service, transiently or permanently failing,
or (with the real reader) killing its own worker once."""

from __future__ import annotations

import copy
import hashlib
import os
import signal
from pathlib import Path
from typing import Any

from files.extraction import ExtractionError, ExtractionResult, ReadDocument, TransientExtractionError
from files.extraction.local import LocalExtractor

FIELDS: dict[str, Any] = {
    "invoice_number": None,  # filled from the document
    "issue_date": "2030-01-10",
    "due_date": "2030-02-09",
    "currency": "EUR",
    "subtotal": "100.00",
    "tax_amount": "20.00",
    "total_amount": "120.00",
    "customer_name": "Globex Ltd",
    "customer_address": "1 Main Street, Springfield",
    "items": [{"description": "Consulting", "quantity": "2", "unit_price": "50.00", "tax_rate": "20"}],
    "issuer": {"name": "Acme Supplies Ltd", "tax_id": None, "iban": None, "address": None},
    "confidence": {"invoice_number": 0.95, "total_amount": 0.95},
}


def number_for(content: bytes) -> str:
    return "DOC-" + hashlib.sha256(content).hexdigest()[:8].upper()


class ConfidentExtractor:
    confidence = 0.95
    changes: dict[str, Any] = {}

    def read(self, *, content: bytes, content_type: str) -> ReadDocument:
        return ReadDocument(kind="text_pdf", text=number_for(content), xml=None, pages=1)

    def extract(self, document: ReadDocument) -> ExtractionResult:
        data = copy.deepcopy(FIELDS)
        data["invoice_number"] = document.text
        data.update(copy.deepcopy(self.changes))
        return ExtractionResult(structured_data=data, confidence_score=self.confidence, method="test")


class UnsureExtractor(ConfidentExtractor):
    confidence = 0.42


class BadDatesExtractor(ConfidentExtractor):
    """Dates the invoice service refuses: due before issue."""

    changes = {"issue_date": "2030-03-01", "due_date": "2030-01-01"}


class WrongTotalExtractor(ConfidentExtractor):
    changes = {"total_amount": "999.00"}


class UnreadableExtractor(ConfidentExtractor):
    def read(self, *, content: bytes, content_type: str) -> ReadDocument:
        raise ExtractionError("No text layer and no readable image on any page.")


class AlwaysTransientExtractor(ConfidentExtractor):
    calls = 0

    def read(self, *, content: bytes, content_type: str) -> ReadDocument:
        type(self).calls += 1
        raise TransientExtractionError("The OCR engine is busy.")


class TransientOnceExtractor(ConfidentExtractor):
    """Fails transiently on its first call in this process, then reads normally."""

    calls = 0

    def read(self, *, content: bytes, content_type: str) -> ReadDocument:
        type(self).calls += 1
        if type(self).calls == 1:
            raise TransientExtractionError("The OCR engine is busy.")
        return super().read(content=content, content_type=content_type)


class ArmedFaultsExtractor(LocalExtractor):
    """The real local extractor, with faults a test arms by creating a file in the folder
    named by `FAULTS_DIR`: `kill` makes the worker process die (SIGKILL, mid-extraction),
    `transient` raises a `TransientExtractionError`. Each fault fires once (its file is
    removed first) and leaves a `<fault>.fired` file behind."""

    def extract(self, document: ReadDocument) -> ExtractionResult:
        folder = Path(os.environ["FAULTS_DIR"])
        for fault in ("kill", "transient"):
            armed = folder / fault
            if armed.exists():
                armed.unlink()
                (folder / f"{fault}.fired").write_text("fired")
                if fault == "kill":
                    os.kill(os.getpid(), signal.SIGKILL)
                raise TransientExtractionError("The OCR engine is busy.")
        return super().extract(document)


class BrokenExtractor(ConfidentExtractor):
    """A reader with a bug: not an extraction error, an exception nobody planned for."""

    def extract(self, document: ReadDocument) -> ExtractionResult:
        return {}["missing"]


class ThreeDecimalTaxExtractor(ConfidentExtractor):
    """New York's 8.875 % sales tax: a rate the invoice service holds (three places)."""

    changes = {
        "items": [{"description": "Consulting", "quantity": "2", "unit_price": "50.00", "tax_rate": "8.875"}],
        "tax_amount": "8.88",
        "total_amount": "108.88",
    }


class FourDecimalTaxExtractor(ConfidentExtractor):
    """A rate with more places than the invoice service holds (three)."""

    changes = {
        "items": [{"description": "Consulting", "quantity": "2", "unit_price": "50.00", "tax_rate": "8.8751"}],
        "tax_amount": "8.88",
        "total_amount": "108.88",
    }
