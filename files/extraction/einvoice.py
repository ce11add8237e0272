"""E-invoices read exactly from their XML: UN/CEFACT CII (Factur-X, ZUGFeRD, XRechnung) and UBL 2.1.

The XML is the legal invoice, so what it says is taken as is (confidence 1.0 for every
field it carries, 0 for one it lacks); the PDF picture around a Factur-X file is not
read at all. Parsing goes through defusedxml: a document type declaration, entities
or external references are refused (`ExtractionError`), so an "XML bomb" or an
attempt to make the server fetch a URL fails before anything is expanded.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from files.extraction.base import ExtractionError

MAX_XML_BYTES = 5 * 1024 * 1024

CII_ROOT = "{urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100}CrossIndustryInvoice"
UBL_INVOICE_ROOT = "{urn:oasis:names:specification:ubl:schema:xsd:Invoice-2}Invoice"
UBL_CREDIT_NOTE_ROOT = "{urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2}CreditNote"

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
IBAN_PATH = "ram:SpecifiedTradeSettlementPaymentMeans/ram:PayeePartyCreditorFinancialAccount/ram:IBANID"
FIELDS = (
    "invoice_number",
    "issue_date",
    "due_date",
    "currency",
    "subtotal",
    "tax_amount",
    "total_amount",
    "customer_name",
    "customer_address",
)


def parse_xml(content: bytes) -> Element:
    """The root element, parsed without DTDs, entities or network; `ExtractionError` otherwise."""
    if len(content) > MAX_XML_BYTES:
        raise ExtractionError(f"The XML document is larger than {MAX_XML_BYTES // (1024 * 1024)} MiB.")
    try:
        return fromstring(content, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as error:
        raise ExtractionError("The XML declares a document type or entities, which are refused.") from error
    except ParseError as error:
        raise ExtractionError(f"The XML is not well formed: {error}.") from error


def xml_kind(root: Element) -> str | None:
    """`"cii"` or `"ubl"` for an e-invoice root element, otherwise None."""
    if root.tag == CII_ROOT:
        return "cii"
    if root.tag in (UBL_INVOICE_ROOT, UBL_CREDIT_NOTE_ROOT):
        return "ubl"
    return None


def _text(node: Element | None, path: str) -> str | None:
    if node is None:
        return None
    found = node.find(path, NS)
    if found is None or found.text is None or not found.text.strip():
        return None
    return found.text.strip()


def _money(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return f"{Decimal(value):.2f}"
    except InvalidOperation as error:
        raise ExtractionError(f"The e-invoice has an amount that is not a number: {value!r}.") from error


def _decimal(value: str | None, *, min_places: int, max_places: int) -> str | None:
    if value is None:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation as error:
        raise ExtractionError(f"The e-invoice has a quantity that is not a number: {value!r}.") from error
    text = f"{number.normalize():f}"
    places = len(text.split(".")[1]) if "." in text else 0
    return f"{number:.{max(min_places, min(places, max_places))}f}"


def _cii_date(node: Element | None, path: str) -> str | None:
    """CII dates are `YYYYMMDD` (format 102); ISO is returned."""
    raw = _text(node, path)
    if raw is None:
        return None
    if len(raw) != 8 or not raw.isdigit():
        raise ExtractionError(f"The e-invoice has a date that is not YYYYMMDD: {raw!r}.")
    return f"{raw[:4]}-{raw[4:6]}-{raw[6:]}"


def _address(lines: list[str | None], postcode: str | None, city: str | None) -> str | None:
    parts = [line for line in lines if line]
    place = " ".join(part for part in (postcode, city) if part)
    if place:
        parts.append(place)
    return "\n".join(parts) or None


def _result(data: dict[str, Any]) -> dict[str, Any]:
    data["confidence"] = {name: 1.0 if data.get(name) else 0.0 for name in FIELDS}
    return data


def read_cii(root: Element) -> dict[str, Any]:
    """structured_data from a CrossIndustryInvoice (EN 16931 / Factur-X / ZUGFeRD / XRechnung)."""
    transaction = root.find("rsm:SupplyChainTradeTransaction", NS)
    agreement = transaction.find("ram:ApplicableHeaderTradeAgreement", NS) if transaction is not None else None
    settlement = transaction.find("ram:ApplicableHeaderTradeSettlement", NS) if transaction is not None else None
    seller = agreement.find("ram:SellerTradeParty", NS) if agreement is not None else None
    buyer = agreement.find("ram:BuyerTradeParty", NS) if agreement is not None else None
    summation = (
        settlement.find("ram:SpecifiedTradeSettlementHeaderMonetarySummation", NS) if settlement is not None else None
    )
    currency = _text(settlement, "ram:InvoiceCurrencyCode")
    tax_amount = None
    if summation is not None:
        for node in summation.findall("ram:TaxTotalAmount", NS):
            if node.get("currencyID") in (None, currency) and node.text:
                tax_amount = _money(node.text.strip())
                break

    def party_address(party: Element | None) -> str | None:
        address = party.find("ram:PostalTradeAddress", NS) if party is not None else None
        return _address(
            [_text(address, "ram:LineOne"), _text(address, "ram:LineTwo"), _text(address, "ram:LineThree")],
            _text(address, "ram:PostcodeCode"),
            _text(address, "ram:CityName"),
        )

    tax_id = None
    if seller is not None:
        for registration in seller.findall("ram:SpecifiedTaxRegistration", NS):
            identifier = registration.find("ram:ID", NS)
            if identifier is not None and identifier.text and (tax_id is None or identifier.get("schemeID") == "VA"):
                tax_id = identifier.text.strip()
    items = []
    for line in transaction.findall("ram:IncludedSupplyChainTradeLineItem", NS) if transaction is not None else []:
        items.append(
            {
                "description": _text(line, "ram:SpecifiedTradeProduct/ram:Name"),
                "quantity": _decimal(
                    _text(line, "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity"), min_places=0, max_places=4
                ),
                "unit_price": _decimal(
                    _text(line, "ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice/ram:ChargeAmount"),
                    min_places=2,
                    max_places=4,
                ),
                "tax_rate": _decimal(
                    _text(line, "ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax/ram:RateApplicablePercent"),
                    min_places=0,
                    max_places=3,
                ),
                "line_total": _money(
                    _text(
                        line,
                        "ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeSettlementLineMonetarySummation"
                        "/ram:LineTotalAmount",
                    )
                ),
            }
        )
    return _result(
        {
            "invoice_number": _text(root, "rsm:ExchangedDocument/ram:ID"),
            "issue_date": _cii_date(root, "rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString"),
            "due_date": _cii_date(settlement, "ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString"),
            "currency": currency,
            "subtotal": _money(_text(summation, "ram:TaxBasisTotalAmount") or _text(summation, "ram:LineTotalAmount")),
            "tax_amount": tax_amount,
            "total_amount": _money(_text(summation, "ram:GrandTotalAmount")),
            "customer_name": _text(buyer, "ram:Name"),
            "customer_address": party_address(buyer),
            "items": items,
            "issuer": {
                "name": _text(seller, "ram:Name"),
                "tax_id": tax_id,
                "iban": _text(
                    settlement,
                    "ram:SpecifiedTradeSettlementPaymentMeans/ram:PayeePartyCreditorFinancialAccount/ram:IBANID",
                ),
                "address": party_address(seller),
            },
        }
    )


def read_ubl(root: Element) -> dict[str, Any]:
    """structured_data from a UBL 2.1 Invoice or CreditNote (Peppol BIS, XRechnung UBL)."""
    credit_note = root.tag == UBL_CREDIT_NOTE_ROOT
    line_tag, quantity_tag = (
        ("cac:CreditNoteLine", "cbc:CreditedQuantity") if credit_note else ("cac:InvoiceLine", "cbc:InvoicedQuantity")
    )
    supplier = root.find("cac:AccountingSupplierParty/cac:Party", NS)
    customer = root.find("cac:AccountingCustomerParty/cac:Party", NS)
    totals = root.find("cac:LegalMonetaryTotal", NS)
    currency = _text(root, "cbc:DocumentCurrencyCode")
    tax_amount = None
    for node in root.findall("cac:TaxTotal/cbc:TaxAmount", NS):
        if node.get("currencyID") in (None, currency) and node.text:
            tax_amount = _money(node.text.strip())
            break

    def party_name(party: Element | None) -> str | None:
        return _text(party, "cac:PartyName/cbc:Name") or _text(party, "cac:PartyLegalEntity/cbc:RegistrationName")

    def party_address(party: Element | None) -> str | None:
        address = party.find("cac:PostalAddress", NS) if party is not None else None
        return _address(
            [
                _text(address, "cbc:StreetName"),
                _text(address, "cbc:AdditionalStreetName"),
                _text(address, "cac:AddressLine/cbc:Line"),
            ],
            _text(address, "cbc:PostalZone"),
            _text(address, "cbc:CityName"),
        )

    items = []
    for line in root.findall(line_tag, NS):
        items.append(
            {
                "description": _text(line, "cac:Item/cbc:Name") or _text(line, "cac:Item/cbc:Description"),
                "quantity": _decimal(_text(line, quantity_tag), min_places=0, max_places=4),
                "unit_price": _decimal(_text(line, "cac:Price/cbc:PriceAmount"), min_places=2, max_places=4),
                "tax_rate": _decimal(
                    _text(line, "cac:Item/cac:ClassifiedTaxCategory/cbc:Percent"), min_places=0, max_places=3
                ),
                "line_total": _money(_text(line, "cbc:LineExtensionAmount")),
            }
        )
    due_date = _text(root, "cbc:DueDate") or _text(root, "cac:PaymentMeans/cbc:PaymentDueDate")
    return _result(
        {
            "invoice_number": _text(root, "cbc:ID"),
            "issue_date": _text(root, "cbc:IssueDate"),
            "due_date": due_date,
            "currency": currency,
            "subtotal": _money(_text(totals, "cbc:TaxExclusiveAmount") or _text(totals, "cbc:LineExtensionAmount")),
            "tax_amount": tax_amount,
            "total_amount": _money(_text(totals, "cbc:TaxInclusiveAmount") or _text(totals, "cbc:PayableAmount")),
            "customer_name": party_name(customer),
            "customer_address": party_address(customer),
            "items": items,
            "issuer": {
                "name": party_name(supplier),
                "tax_id": _text(supplier, "cac:PartyTaxScheme/cbc:CompanyID"),
                "iban": _text(root, "cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID"),
                "address": party_address(supplier),
            },
        }
    )


def read_einvoice(xml: bytes) -> tuple[str, dict[str, Any]]:
    """(`"cii"` or `"ubl"`, structured_data) for an e-invoice XML; `ExtractionError` for any other XML."""
    root = parse_xml(xml)
    kind = xml_kind(root)
    if kind == "cii":
        return kind, read_cii(root)
    if kind == "ubl":
        return kind, read_ubl(root)
    raise ExtractionError("The XML is neither a CII nor a UBL invoice.")
