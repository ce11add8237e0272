"""The extraction contract the document pipeline relies on."""

from __future__ import annotations

import pytest
from django.test import override_settings

from files.extraction import DocumentExtractor, ExtractionError, get_extractor
from files.extraction.local import LocalExtractor


def test_get_extractor_returns_the_local_extractor_by_default():
    extractor = get_extractor()
    assert isinstance(extractor, LocalExtractor)
    assert isinstance(extractor, DocumentExtractor)


class _FixedExtractor:
    def read(self, *, content, content_type):
        raise NotImplementedError

    def extract(self, document):
        raise NotImplementedError


@override_settings(DOCUMENT_EXTRACTOR="files.tests.test_extraction_interface._FixedExtractor")
def test_get_extractor_builds_the_class_named_by_the_setting():
    assert type(get_extractor()) is _FixedExtractor


def test_reading_empty_bytes_is_an_extraction_error():
    with pytest.raises(ExtractionError, match="empty"):
        get_extractor().read(content=b"", content_type="application/pdf")


def test_reading_bytes_that_are_no_pdf_is_an_extraction_error():
    with pytest.raises(ExtractionError, match="cannot be opened"):
        get_extractor().read(content=b"%PDF-1.7 not really", content_type="application/pdf")


def test_a_text_pdf_is_read_from_its_text_layer_and_its_number_and_dates_extracted():
    from weasyprint import HTML

    pdf = HTML(
        string="<p>Invoice number: INV-2024-0042</p><p>Invoice date: 2024-03-05</p><p>Due date: 2024-04-04</p>"
    ).write_pdf()
    extractor = get_extractor()
    document = extractor.read(content=pdf, content_type="application/pdf")
    assert (document.kind, document.pages, document.xml) == ("text_pdf", 1, None)
    data = extractor.extract(document).structured_data
    assert (data["invoice_number"], data["issue_date"], data["due_date"]) == (
        "INV-2024-0042",
        "2024-03-05",
        "2024-04-04",
    )
