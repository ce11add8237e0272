"""E-invoices are read exactly from their XML, never from the picture, and parsed safely."""

from __future__ import annotations

import pytest

from files.extraction import ExtractionError, get_extractor
from files.samples import render_sample
from files.tests.corpus import cii_xml, einvoice_documents, facturx_pdf, ubl_xml

DOCUMENTS = einvoice_documents(12)


def _without_confidence(data):
    return {key: value for key, value in data.items() if key != "confidence"}


@pytest.mark.parametrize("document", DOCUMENTS, ids=[document.name for document in DOCUMENTS])
def test_an_e_invoice_is_read_exactly_with_confidence_one(document):
    extractor = get_extractor()
    read = extractor.read(content=document.content, content_type=document.content_type)
    result = extractor.extract(read)

    assert read.kind == document.kind
    assert read.xml is not None
    assert result.method == document.kind
    assert result.confidence_score == 1.0
    assert _without_confidence(result.structured_data) == _without_confidence(document.expected)
    assert result.structured_data["confidence"]["total_amount"] == 1.0


def test_a_factur_x_pdf_is_read_from_its_xml_even_when_the_picture_says_otherwise():
    printed = render_sample(business_type="retail", complexity="simple", seed=7, language="de")
    embedded = render_sample(business_type="legal", complexity="complex", seed=8, language="fr")
    mixed = facturx_pdf(type(printed)(pdf=printed.pdf, expected=embedded.expected))

    extractor = get_extractor()
    result = extractor.extract(extractor.read(content=mixed, content_type="application/pdf"))

    assert result.structured_data["invoice_number"] == embedded.expected["invoice_number"]
    assert result.structured_data["total_amount"] == embedded.expected["total_amount"]
    assert result.structured_data["invoice_number"] != printed.expected["invoice_number"]


def test_a_ubl_credit_note_takes_its_due_date_from_the_payment_means():
    sample = render_sample(business_type="software", complexity="detailed", seed=3)
    extractor = get_extractor()
    content = ubl_xml(sample.expected, credit_note=True)
    result = extractor.extract(extractor.read(content=content, content_type="application/xml"))
    assert result.structured_data["due_date"] == sample.expected["due_date"]
    assert result.structured_data["items"] == sample.expected["items"]


def test_an_xml_bomb_is_refused_before_anything_is_expanded():
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(
            f'<!ENTITY lol{level} "{("&lol" + (str(level - 1) if level > 1 else "") + ";") * 10}">'.encode()
            for level in range(1, 10)
        )
        + b']><Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">&lol9;</Invoice>'
    )
    with pytest.raises(ExtractionError, match="document type or entities"):
        get_extractor().read(content=bomb, content_type="application/xml")


def test_an_xml_with_an_external_entity_is_refused():
    content = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><ID>&x;</ID></Invoice>'
    )
    with pytest.raises(ExtractionError, match="document type or entities"):
        get_extractor().read(content=content, content_type="application/xml")


def test_xml_that_is_not_an_invoice_is_refused():
    with pytest.raises(ExtractionError, match="neither a CII nor a UBL invoice"):
        get_extractor().read(content=b"<?xml version='1.0'?><note><to>Tove</to></note>", content_type="text/xml")


def test_xml_that_is_not_well_formed_is_refused():
    with pytest.raises(ExtractionError, match="not well formed"):
        get_extractor().read(content=b"<Invoice><ID>1</Invoice>", content_type="application/xml")


def test_a_cii_invoice_without_a_number_is_refused_at_extraction():
    sample = render_sample(business_type="medical", complexity="simple", seed=5)
    content = cii_xml({**sample.expected, "invoice_number": ""})
    extractor = get_extractor()
    document = extractor.read(content=content, content_type="application/xml")
    with pytest.raises(ExtractionError, match="no invoice number"):
        extractor.extract(document)
