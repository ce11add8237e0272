"""A corpus of invoice documents made on the spot: no downloads, nothing checked in.

Text PDFs come from `files.samples.render_sample` (ten business types, three
complexities, six languages, four layouts). From them this module makes what an
upload really looks like: rasterised scans (pdfium at a chosen resolution, with a
small skew, blur and noise), "photos" (perspective, uneven light, JPEG), scanned PDFs
without a text layer, and e-invoices: a CII XML (embedded into the PDF with the
`factur-x` package, which also checks it against the Factur-X schema) and a UBL 2.1
Invoice or CreditNote. `expected` always holds the values printed.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

import pypdfium2 as pdfium
from facturx import generate_from_binary
from PIL import Image, ImageDraw, ImageFilter

from files.samples import COMPLEXITY_LEVELS, LANGUAGES, LAYOUTS, SUPPORTED_BUSINESS_TYPES, SampleDocument, render_sample


@dataclass
class CorpusDocument:
    name: str
    kind: str  # text_pdf | scan_pdf | image | cii | ubl | facturx
    content: bytes
    content_type: str
    expected: dict[str, Any]


def sample_grid(count: int, *, offset: int = 0) -> list[dict[str, Any]]:
    """`count` sample parameter sets that cycle through business types, complexities, languages and layouts."""
    grid = []
    for index in range(offset, offset + count):
        grid.append(
            {
                "business_type": SUPPORTED_BUSINESS_TYPES[index % len(SUPPORTED_BUSINESS_TYPES)],
                "complexity": COMPLEXITY_LEVELS[index % len(COMPLEXITY_LEVELS)],
                "language": LANGUAGES[index % len(LANGUAGES)],
                "layout": LAYOUTS[(index // len(LANGUAGES)) % len(LAYOUTS)],
                "seed": 1000 + index,
            }
        )
    return grid


# --- raster documents ---------------------------------------------------------------


def rasterise(pdf: bytes, *, dpi: int) -> list[Image.Image]:
    document = pdfium.PdfDocument(pdf)
    try:
        return [page.render(scale=dpi / 72).to_pil().convert("RGB") for page in document]
    finally:
        document.close()


def scan(image: Image.Image, *, seed: int, skew: float = 1.2, blur: float = 0.6, noise: float = 0.02) -> Image.Image:
    """A flatbed scan: grey paper, slight rotation, blur and salt-and-pepper noise."""
    rng = random.Random(seed)
    gray = image.convert("L").point(lambda value: int(value * 0.92 + 8))
    gray = gray.rotate(skew, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=235)
    if blur:
        gray = gray.filter(ImageFilter.GaussianBlur(blur))
    pixels = gray.load()
    width, height = gray.size
    for _ in range(int(width * height * noise)):
        x, y = rng.randrange(width), rng.randrange(height)
        pixels[x, y] = 0 if rng.random() < 0.5 else 255
    return gray


def photo(image: Image.Image, *, seed: int) -> Image.Image:
    """A phone photo of the page: perspective, a darker corner, colour cast and JPEG softness."""
    rng = random.Random(seed)
    width, height = image.size
    inset = int(width * 0.04)
    # Output corners map to input quad: the top edge appears narrower than the bottom.
    quad = (
        -inset + rng.randrange(0, inset // 2 + 1),
        -inset // 2,
        -inset // 3,
        height + inset // 3,
        width + inset // 3,
        height + inset // 3,
        width + inset - rng.randrange(0, inset // 2 + 1),
        -inset // 2,
    )
    warped = image.transform(
        (width, height), Image.Transform.QUAD, quad, resample=Image.Resampling.BICUBIC, fillcolor=(90, 85, 80)
    )
    shade = Image.new("L", (width, height), 0)
    draw = ImageDraw.Draw(shade)
    for step in range(40):
        draw.rectangle((0, height * step // 40, width, height * (step + 1) // 40), fill=int(step * 1.6))
    tinted = Image.blend(warped, Image.new("RGB", (width, height), (255, 244, 220)), 0.08)
    return Image.composite(Image.new("RGB", (width, height), (40, 40, 40)), tinted, shade)


def encode(image: Image.Image, format_name: str, **options: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=format_name, **options)
    return buffer.getvalue()


def scanned_pdf(images: list[Image.Image], *, dpi: int) -> bytes:
    """A PDF made only of page images, as a scanner writes it: no text layer."""
    buffer = io.BytesIO()
    first, *rest = [image.convert("L") for image in images]
    first.save(buffer, format="PDF", save_all=True, append_images=rest, resolution=dpi)
    return buffer.getvalue()


# --- e-invoices -----------------------------------------------------------------------


def _split_address(address: str) -> tuple[list[str], str | None, str | None]:
    """Address lines, postcode and city for an e-invoice, so the reader's rebuilt address matches."""
    lines = address.split("\n")
    last = lines[-1]
    parts = last.split(" ")
    if len(lines) >= 2 and parts[0].isdigit() and len(parts) >= 2:
        if len(parts) >= 3 and len(parts[1]) == 2 and parts[1].isalpha() and parts[1].isupper():
            return lines[:-1], f"{parts[0]} {parts[1]}", " ".join(parts[2:])
        return lines[:-1], parts[0], " ".join(parts[1:])
    return lines, None, None


def _country(tax_id: str | None) -> str:
    if tax_id and tax_id[:2].isalpha():
        return "CH" if tax_id.startswith("CHE") else tax_id[:2]
    return "US"


def cii_xml(expected: dict[str, Any]) -> bytes:
    """A Factur-X EN 16931 CrossIndustryInvoice carrying the expected values."""
    e = {key: escape(value) if isinstance(value, str) else value for key, value in expected.items()}
    issuer = {key: escape(value) if isinstance(value, str) else value for key, value in expected["issuer"].items()}
    currency = e["currency"]
    country = _country(expected["issuer"]["tax_id"])

    def address(text: str) -> str:
        lines, postcode, city = _split_address(text)
        tags = ["LineOne", "LineTwo", "LineThree"]
        inner = "".join(f"<ram:{tag}>{escape(line)}</ram:{tag}>" for tag, line in zip(tags, lines, strict=False))
        inner = (f"<ram:PostcodeCode>{escape(postcode)}</ram:PostcodeCode>" if postcode else "") + inner
        inner += f"<ram:CityName>{escape(city)}</ram:CityName>" if city else ""
        return f"<ram:PostalTradeAddress>{inner}<ram:CountryID>{country}</ram:CountryID></ram:PostalTradeAddress>"

    lines_xml = []
    for number, item in enumerate(expected["items"], start=1):
        lines_xml.append(
            f"""<ram:IncludedSupplyChainTradeLineItem>
  <ram:AssociatedDocumentLineDocument><ram:LineID>{number}</ram:LineID></ram:AssociatedDocumentLineDocument>
  <ram:SpecifiedTradeProduct><ram:Name>{escape(item["description"])}</ram:Name></ram:SpecifiedTradeProduct>
  <ram:SpecifiedLineTradeAgreement>
    <ram:NetPriceProductTradePrice><ram:ChargeAmount>{item["unit_price"]}</ram:ChargeAmount></ram:NetPriceProductTradePrice>
  </ram:SpecifiedLineTradeAgreement>
  <ram:SpecifiedLineTradeDelivery><ram:BilledQuantity unitCode="C62">{item["quantity"]}</ram:BilledQuantity></ram:SpecifiedLineTradeDelivery>
  <ram:SpecifiedLineTradeSettlement>
    <ram:ApplicableTradeTax><ram:TypeCode>VAT</ram:TypeCode><ram:CategoryCode>S</ram:CategoryCode><ram:RateApplicablePercent>{item["tax_rate"]}</ram:RateApplicablePercent></ram:ApplicableTradeTax>
    <ram:SpecifiedTradeSettlementLineMonetarySummation><ram:LineTotalAmount>{item["line_total"]}</ram:LineTotalAmount></ram:SpecifiedTradeSettlementLineMonetarySummation>
  </ram:SpecifiedLineTradeSettlement>
</ram:IncludedSupplyChainTradeLineItem>"""  # noqa: E501
        )
    iban = (
        f"""<ram:SpecifiedTradeSettlementPaymentMeans><ram:TypeCode>58</ram:TypeCode>
  <ram:PayeePartyCreditorFinancialAccount><ram:IBANID>{issuer["iban"]}</ram:IBANID></ram:PayeePartyCreditorFinancialAccount>
</ram:SpecifiedTradeSettlementPaymentMeans>"""
        if issuer["iban"]
        else ""
    )
    tax_scheme = "VA" if country != "US" else "FC"
    xml = f"""<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
  xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
  xmlns:qdt="urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
  xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
<rsm:ExchangedDocumentContext>
  <ram:GuidelineSpecifiedDocumentContextParameter><ram:ID>urn:cen.eu:en16931:2017</ram:ID></ram:GuidelineSpecifiedDocumentContextParameter>
</rsm:ExchangedDocumentContext>
<rsm:ExchangedDocument>
  <ram:ID>{e["invoice_number"]}</ram:ID>
  <ram:TypeCode>380</ram:TypeCode>
  <ram:IssueDateTime><udt:DateTimeString format="102">{expected["issue_date"].replace("-", "")}</udt:DateTimeString></ram:IssueDateTime>
</rsm:ExchangedDocument>
<rsm:SupplyChainTradeTransaction>
{"".join(lines_xml)}
<ram:ApplicableHeaderTradeAgreement>
  <ram:SellerTradeParty><ram:Name>{issuer["name"]}</ram:Name>{address(expected["issuer"]["address"])}
    <ram:SpecifiedTaxRegistration><ram:ID schemeID="{tax_scheme}">{issuer["tax_id"]}</ram:ID></ram:SpecifiedTaxRegistration>
  </ram:SellerTradeParty>
  <ram:BuyerTradeParty><ram:Name>{e["customer_name"]}</ram:Name>{address(expected["customer_address"])}</ram:BuyerTradeParty>
</ram:ApplicableHeaderTradeAgreement>
<ram:ApplicableHeaderTradeDelivery/>
<ram:ApplicableHeaderTradeSettlement>
  <ram:InvoiceCurrencyCode>{currency}</ram:InvoiceCurrencyCode>
  {iban}
  <ram:ApplicableTradeTax><ram:CalculatedAmount>{e["tax_amount"]}</ram:CalculatedAmount><ram:TypeCode>VAT</ram:TypeCode>
    <ram:BasisAmount>{e["subtotal"]}</ram:BasisAmount><ram:CategoryCode>S</ram:CategoryCode>
    <ram:RateApplicablePercent>{expected["items"][0]["tax_rate"]}</ram:RateApplicablePercent></ram:ApplicableTradeTax>
  <ram:SpecifiedTradePaymentTerms><ram:DueDateDateTime><udt:DateTimeString format="102">{expected["due_date"].replace("-", "")}</udt:DateTimeString></ram:DueDateDateTime></ram:SpecifiedTradePaymentTerms>
  <ram:SpecifiedTradeSettlementHeaderMonetarySummation>
    <ram:LineTotalAmount>{e["subtotal"]}</ram:LineTotalAmount>
    <ram:TaxBasisTotalAmount>{e["subtotal"]}</ram:TaxBasisTotalAmount>
    <ram:TaxTotalAmount currencyID="{currency}">{e["tax_amount"]}</ram:TaxTotalAmount>
    <ram:GrandTotalAmount>{e["total_amount"]}</ram:GrandTotalAmount>
    <ram:DuePayableAmount>{e["total_amount"]}</ram:DuePayableAmount>
  </ram:SpecifiedTradeSettlementHeaderMonetarySummation>
</ram:ApplicableHeaderTradeSettlement>
</rsm:SupplyChainTradeTransaction>
</rsm:CrossIndustryInvoice>
"""  # noqa: E501
    return xml.encode()


def ubl_xml(expected: dict[str, Any], *, credit_note: bool = False) -> bytes:
    """A UBL 2.1 Invoice (or CreditNote) carrying the expected values."""
    e = {key: escape(value) if isinstance(value, str) else value for key, value in expected.items()}
    issuer = {key: escape(value) if isinstance(value, str) else value for key, value in expected["issuer"].items()}
    currency = e["currency"]
    root, line_tag, quantity_tag = (
        ("CreditNote", "CreditNoteLine", "CreditedQuantity")
        if credit_note
        else ("Invoice", "InvoiceLine", "InvoicedQuantity")
    )
    country = _country(expected["issuer"]["tax_id"])

    def address(text: str) -> str:
        lines, postcode, city = _split_address(text)
        inner = ""
        if lines:
            inner += f"<cbc:StreetName>{escape(lines[0])}</cbc:StreetName>"
        if len(lines) > 1:
            inner += f"<cbc:AdditionalStreetName>{escape(lines[1])}</cbc:AdditionalStreetName>"
        if city:
            inner += f"<cbc:CityName>{escape(city)}</cbc:CityName>"
        if postcode:
            inner += f"<cbc:PostalZone>{escape(postcode)}</cbc:PostalZone>"
        if len(lines) > 2:
            inner += f"<cac:AddressLine><cbc:Line>{escape(lines[2])}</cbc:Line></cac:AddressLine>"
        inner += f"<cac:Country><cbc:IdentificationCode>{country}</cbc:IdentificationCode></cac:Country>"
        return f"<cac:PostalAddress>{inner}</cac:PostalAddress>"

    lines_xml = "".join(
        f"""<cac:{line_tag}><cbc:ID>{number}</cbc:ID>
  <cbc:{quantity_tag} unitCode="C62">{item["quantity"]}</cbc:{quantity_tag}>
  <cbc:LineExtensionAmount currencyID="{currency}">{item["line_total"]}</cbc:LineExtensionAmount>
  <cac:Item><cbc:Name>{escape(item["description"])}</cbc:Name>
    <cac:ClassifiedTaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>{item["tax_rate"]}</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:ClassifiedTaxCategory>
  </cac:Item>
  <cac:Price><cbc:PriceAmount currencyID="{currency}">{item["unit_price"]}</cbc:PriceAmount></cac:Price>
</cac:{line_tag}>"""
        for number, item in enumerate(expected["items"], start=1)
    )
    due = f"<cbc:DueDate>{expected['due_date']}</cbc:DueDate>" if not credit_note else ""
    payment_due = f"<cbc:PaymentDueDate>{expected['due_date']}</cbc:PaymentDueDate>" if credit_note else ""
    account = (
        f"<cac:PayeeFinancialAccount><cbc:ID>{issuer['iban']}</cbc:ID></cac:PayeeFinancialAccount>"
        if issuer["iban"]
        else ""
    )
    type_code = (
        "<cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>"
        if credit_note
        else "<cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>"
    )
    xml = f"""<?xml version="1.0" encoding="UTF-8"?>
<{root} xmlns="urn:oasis:names:specification:ubl:schema:xsd:{root}-2"
  xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
  xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
<cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0</cbc:CustomizationID>
<cbc:ID>{e["invoice_number"]}</cbc:ID>
<cbc:IssueDate>{expected["issue_date"]}</cbc:IssueDate>
{due}
{type_code}
<cbc:DocumentCurrencyCode>{currency}</cbc:DocumentCurrencyCode>
<cac:AccountingSupplierParty><cac:Party>
  <cac:PartyName><cbc:Name>{issuer["name"]}</cbc:Name></cac:PartyName>{address(expected["issuer"]["address"])}
  <cac:PartyTaxScheme><cbc:CompanyID>{issuer["tax_id"]}</cbc:CompanyID><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>
  <cac:PartyLegalEntity><cbc:RegistrationName>{issuer["name"]}</cbc:RegistrationName></cac:PartyLegalEntity>
</cac:Party></cac:AccountingSupplierParty>
<cac:AccountingCustomerParty><cac:Party>
  <cac:PartyName><cbc:Name>{e["customer_name"]}</cbc:Name></cac:PartyName>{address(expected["customer_address"])}
  <cac:PartyLegalEntity><cbc:RegistrationName>{e["customer_name"]}</cbc:RegistrationName></cac:PartyLegalEntity>
</cac:Party></cac:AccountingCustomerParty>
<cac:PaymentMeans><cbc:PaymentMeansCode>58</cbc:PaymentMeansCode>{payment_due}{account}</cac:PaymentMeans>
<cac:TaxTotal><cbc:TaxAmount currencyID="{currency}">{e["tax_amount"]}</cbc:TaxAmount></cac:TaxTotal>
<cac:LegalMonetaryTotal>
  <cbc:LineExtensionAmount currencyID="{currency}">{e["subtotal"]}</cbc:LineExtensionAmount>
  <cbc:TaxExclusiveAmount currencyID="{currency}">{e["subtotal"]}</cbc:TaxExclusiveAmount>
  <cbc:TaxInclusiveAmount currencyID="{currency}">{e["total_amount"]}</cbc:TaxInclusiveAmount>
  <cbc:PayableAmount currencyID="{currency}">{e["total_amount"]}</cbc:PayableAmount>
</cac:LegalMonetaryTotal>
{lines_xml}
</{root}>
"""
    return xml.encode()


def facturx_pdf(sample: SampleDocument) -> bytes:
    """The sample's PDF with its CII XML embedded as Factur-X (checked against the schema)."""
    return generate_from_binary(sample.pdf, cii_xml(sample.expected), flavor="factur-x", level="en16931")


# --- the corpus -------------------------------------------------------------------------


def text_documents(count: int, *, offset: int = 0) -> list[CorpusDocument]:
    documents = []
    for params in sample_grid(count, offset=offset):
        sample = render_sample(**params)
        name = "{business_type}-{complexity}-{language}-{layout}-{seed}".format(**params)
        documents.append(CorpusDocument(name, "text_pdf", sample.pdf, "application/pdf", sample.expected))
    return documents


def einvoice_documents(count: int, *, offset: int = 0) -> list[CorpusDocument]:
    documents = []
    for index, params in enumerate(sample_grid(count, offset=offset)):
        sample = render_sample(**params)
        name = "{business_type}-{language}-{seed}".format(**params)
        variant = index % 4
        if variant == 0:
            documents.append(
                CorpusDocument(f"cii-{name}", "cii", cii_xml(sample.expected), "application/xml", sample.expected)
            )
        elif variant == 1:
            documents.append(
                CorpusDocument(f"ubl-{name}", "ubl", ubl_xml(sample.expected), "application/xml", sample.expected)
            )
        elif variant == 2:
            content = ubl_xml(sample.expected, credit_note=True)
            documents.append(CorpusDocument(f"ubl-credit-{name}", "ubl", content, "application/xml", sample.expected))
        else:
            documents.append(
                CorpusDocument(f"facturx-{name}", "facturx", facturx_pdf(sample), "application/pdf", sample.expected)
            )
    return documents


RASTER_VARIANTS = ("png-scan", "scan-pdf", "jpeg-photo", "tiff-low", "webp-scan")


def raster_document(params: dict[str, Any], variant: str) -> CorpusDocument:
    """One sample as a scan or photo; the variant decides resolution, damage and file type."""
    sample = render_sample(**params)
    seed = params["seed"]
    name = "{business_type}-{complexity}-{language}-{layout}-{seed}".format(**params) + f"-{variant}"
    if variant == "png-scan":
        pages = [scan(page, seed=seed, skew=1.5) for page in rasterise(sample.pdf, dpi=200)]
        return CorpusDocument(name, "image", encode(pages[0], "PNG"), "image/png", sample.expected)
    if variant == "scan-pdf":
        pages = [scan(page, seed=seed, skew=-0.8, noise=0.01) for page in rasterise(sample.pdf, dpi=200)]
        return CorpusDocument(name, "scan_pdf", scanned_pdf(pages, dpi=200), "application/pdf", sample.expected)
    if variant == "jpeg-photo":
        page = photo(rasterise(sample.pdf, dpi=220)[0], seed=seed)
        return CorpusDocument(name, "image", encode(page, "JPEG", quality=80), "image/jpeg", sample.expected)
    if variant == "tiff-low":
        pages = [scan(page, seed=seed, skew=0.5, blur=0.3, noise=0.005) for page in rasterise(sample.pdf, dpi=150)]
        content = encode(pages[0], "TIFF", compression="tiff_lzw")
        return CorpusDocument(name, "image", content, "image/tiff", sample.expected)
    if variant == "webp-scan":
        pages = [scan(page, seed=seed, skew=-1.0, blur=0.8) for page in rasterise(sample.pdf, dpi=200)]
        return CorpusDocument(name, "image", encode(pages[0], "WEBP", quality=85), "image/webp", sample.expected)
    raise ValueError(f"Unknown raster variant {variant!r}")


def raster_documents(count: int, *, offset: int = 0) -> list[CorpusDocument]:
    return [
        raster_document(params, RASTER_VARIANTS[index % len(RASTER_VARIANTS)])
        for index, params in enumerate(sample_grid(count, offset=offset))
    ]
