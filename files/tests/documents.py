"""Test documents made for real: PDFs rendered by WeasyPrint, images by Pillow, e-invoice
XML in the CII and UBL 2.1 shapes, and the hostile ones an upload must refuse."""

from __future__ import annotations

import functools
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from weasyprint import HTML

INVOICE_HTML = """<html><body style="font-family: sans-serif">
<h1>{issuer}</h1>
<p>Invoice number: {number}</p>
<p>Invoice date: 2030-01-10</p>
<p>Due date: 2030-02-09</p>
<p>Bill to: {customer}</p>
<table><tr><th>Description</th><th>Qty</th><th>Unit price</th><th>Amount</th></tr>
<tr><td>Consulting</td><td>2</td><td>50.00</td><td>100.00</td></tr></table>
<p>Subtotal: EUR 100.00</p><p>VAT 20%: EUR 20.00</p><p>Total: EUR 120.00</p>
</body></html>"""


@functools.cache
def invoice_pdf(
    number: str = "INV-TEST-0001", issuer: str = "Acme Supplies Ltd", customer: str = "Globex Ltd"
) -> bytes:
    """A one-page text PDF invoice."""
    return HTML(string=INVOICE_HTML.format(number=number, issuer=issuer, customer=customer)).write_pdf()


@functools.cache
def image_bytes(fmt: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (250, 250, 250)).save(buffer, format=fmt)
    return buffer.getvalue()


CII_XML = b"""<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
  xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100">
  <rsm:ExchangedDocument><ram:ID>CII-1</ram:ID></rsm:ExchangedDocument>
</rsm:CrossIndustryInvoice>"""

UBL_XML = b"""<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
  xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:ID>UBL-1</cbc:ID>
</Invoice>"""

UBL_CREDIT_NOTE_XML = b"""<?xml version="1.0"?>
<CreditNote xmlns="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"><ID>CN-1</ID></CreditNote>"""

OTHER_XML = b"""<?xml version="1.0"?><note><to>Tove</to><body>Not an invoice</body></note>"""


def _laughs() -> bytes:
    lines = [b' <!ENTITY lol0 "lol">']
    for level in range(1, 10):
        references = f"&lol{level - 1};" * 10
        lines.append(f' <!ENTITY lol{level} "{references}">'.encode())
    return b"\n".join(lines)


# The "billion laughs": ten levels of entities, each ten times the one before.
XML_BOMB = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n'
    + _laughs()
    + b"\n]>\n"
    + b'<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100">'
    + b"&lol9;</rsm:CrossIndustryInvoice>"
)

# An external entity that would read a local file.
XML_EXTERNAL_ENTITY = (
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
    b'<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">&secret;</Invoice>'
)

HTML_PAGE = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
WINDOWS_EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"This program"
ELF_EXECUTABLE = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56
ZIP_ARCHIVE = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\x00" * 30
FAKE_PNG = b"\x89PNG\r\n\x1a\n" + b"<html>not really an image</html>"


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)
