"""The invoice as a document: one HTML template, printed to PDF by WeasyPrint.

`templates/invoices/invoice_document.html` is a complete, self-contained page (its own
<style>, only locally installed fonts), so the same markup serves the PDF, the e-mail
attachment and the browser's print view. `invoice_document_context` is the one place
that decides what the document shows; the print view renders the template with it.

Rendering never reaches the network: the URL fetcher refuses everything except
inline `data:` URLs and files inside the project's own static folders, so an invoice
cannot make the server fetch a remote address (or read a file elsewhere on disk).
"""

from __future__ import annotations

import base64
import io
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.template.loader import render_to_string
from facturx import generate_from_binary
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from companies.models import CompanyProfile
from companies.selectors import company_profile_get
from invoices.einvoice import CII, einvoice_missing, einvoice_xml
from invoices.models import CreditNote, Invoice, LineItem
from invoices.money import format_money, format_quantity, format_unit_price

TEMPLATE_NAME = "invoices/invoice_document.html"
CREDIT_NOTE_TEMPLATE_NAME = "invoices/credit_note_document.html"
# The PDF flavour that may carry an attached XML file (Factur-X builds on PDF/A-3).
PDF_VARIANT = "pdf/a-3b"


def _static_roots() -> list[Path]:
    roots = [Path(folder) for folder in getattr(settings, "STATICFILES_DIRS", [])]
    if getattr(settings, "STATIC_ROOT", None):
        roots.append(Path(settings.STATIC_ROOT))
    return [root.resolve() for root in roots]


class LocalOnlyURLFetcher(URLFetcher):
    """Fetch `data:` URLs and files under the static folders; refuse everything else."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("data", "file"), allow_redirects=False)

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        parsed = urlparse(url)
        if parsed.scheme == "file":
            path = Path(unquote(parsed.path)).resolve()
            if not any(path.is_relative_to(root) for root in _static_roots()):
                raise ValueError(f"Refusing to read a file outside the static folders: {url}")
        elif parsed.scheme != "data":
            raise ValueError(f"Refusing to fetch a non-local URL while rendering an invoice: {url}")
        return super().fetch(url, headers)


def invoice_issuer_name(invoice: Invoice) -> str:
    """Who the invoice is from: the company's legal name, else the owner's full name or username."""
    profile = company_profile_get(owner=invoice.owner_id)
    if profile.legal_name:
        return profile.legal_name
    owner = invoice.owner
    return (getattr(owner, "full_name", "") or "").strip() or owner.get_full_name() or owner.get_username()


def _logo_data_url(profile: CompanyProfile) -> str:
    """The logo inlined as a `data:` URL: the renderer fetches nothing, whatever the storage."""
    if not profile.logo:
        return ""
    try:
        with profile.logo.open("rb") as handle:
            content = handle.read()
    except (FileNotFoundError, OSError):
        return ""  # a logo file lost from storage must not stop the invoice
    mime = "image/png" if content.startswith(b"\x89PNG") else "image/jpeg"
    return f"data:{mime};base64,{base64.b64encode(content).decode()}"


def seller_context(invoice: Invoice) -> dict[str, Any]:
    """The "From" block: the same on the PDF, the print view and the e-mails."""
    profile = company_profile_get(owner=invoice.owner_id)
    city_line = " ".join(part for part in (profile.postcode, profile.city) if part)
    return {
        "issuer_name": invoice_issuer_name(invoice),
        "issuer_email": profile.email or invoice.owner.email,
        "company": profile,
        "company_city_line": city_line,
        "company_logo": _logo_data_url(profile),
    }


def invoice_document_context(invoice: Invoice) -> dict[str, Any]:
    """Everything the document template shows, taken from the stored invoice.

    Amounts are the ones the services stored; nothing is recomputed here except the
    balance (total minus paid), so the PDF, the API and the pages print the same figures.
    """
    items = list(LineItem.objects.filter(invoice=invoice).order_by("line_number", "id"))
    rows = [
        {
            "number": line.line_number,
            "description": line.description,
            "quantity": format_quantity(line.quantity),
            "unit_price": format_unit_price(line.unit_price, grouped=True),
            "discount_percent": format_quantity(line.discount_percent),
            "tax_rate": format_quantity(line.tax_rate),
            "line_total": format_money(line.line_total),
        }
        for line in items
    ]
    return {
        "invoice": invoice,
        "items": items,
        "rows": rows,
        **seller_context(invoice),
        "credit_notes": list(invoice.credit_notes.order_by("created_at", "id")),
        "amount_credited": format_money(invoice.amount_credited),
        "refund_owed": format_money(invoice.refund_owed),
        "subtotal": format_money(invoice.subtotal),
        "tax_amount": format_money(invoice.tax_amount),
        "total_amount": format_money(invoice.total_amount),
        "amount_paid": format_money(invoice.amount_paid),
        "balance_due": format_money(invoice.outstanding),
    }


def render_invoice_html(invoice: Invoice) -> str:
    return render_to_string(TEMPLATE_NAME, invoice_document_context(invoice))


def html_to_pdf(html: str) -> bytes:
    """Print a self-contained HTML page to PDF, fetching nothing but local static files."""
    return HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=LocalOnlyURLFetcher()).write_pdf()


def _pdf_a3(html_text: str) -> bytes:
    html = HTML(string=html_text, base_url=str(settings.BASE_DIR), url_fetcher=LocalOnlyURLFetcher())
    return html.write_pdf(pdf_variant=PDF_VARIANT)


def _with_facturx(pdf: bytes, document: Invoice | CreditNote, *, title: str) -> bytes:
    """Embed the document's CII XML as `factur-x.xml` (Factur-X, EN 16931 profile) when
    the seller's profile has what EN 16931 needs; otherwise the plain PDF/A-3."""
    invoice = document.invoice if isinstance(document, CreditNote) else document
    if einvoice_missing(company_profile_get(owner=invoice.owner_id)):
        return pdf
    xml = einvoice_xml(document, flavor=CII)
    metadata = {"author": invoice_issuer_name(invoice), "keywords": "Factur-X", "title": title, "subject": title}
    output = io.BytesIO()
    output.write(
        generate_from_binary(
            pdf, xml, flavor="factur-x", level="en16931", check_xsd=True, pdf_metadata=metadata, lang="en"
        )
    )
    return output.getvalue()


def render_invoice_pdf(invoice: Invoice) -> bytes:
    """The invoice as an A4 PDF/A-3 with its Factur-X XML."""
    return _with_facturx(_pdf_a3(render_invoice_html(invoice)), invoice, title=f"Invoice {invoice.invoice_number}")


def credit_note_document_context(credit_note: CreditNote) -> dict[str, Any]:
    invoice = credit_note.invoice
    rows = [
        {
            "number": line.line_number,
            "description": line.description,
            "quantity": format_quantity(line.quantity),
            "unit_price": format_unit_price(line.unit_price, grouped=True),
            "discount_percent": format_quantity(line.discount_percent),
            "tax_rate": format_quantity(line.tax_rate),
            "line_total": format_money(line.line_total),
        }
        for line in credit_note.items.order_by("line_number", "id")
    ]
    return {
        "credit_note": credit_note,
        "invoice": invoice,
        "rows": rows,
        **seller_context(invoice),
        "subtotal": format_money(credit_note.subtotal),
        "tax_amount": format_money(credit_note.tax_amount),
        "total_amount": format_money(credit_note.total_amount),
    }


def render_credit_note_pdf(credit_note: CreditNote) -> bytes:
    """The credit note as an A4 PDF/A-3 with its Factur-X XML (type code 381)."""
    html_text = render_to_string(CREDIT_NOTE_TEMPLATE_NAME, credit_note_document_context(credit_note))
    return _with_facturx(_pdf_a3(html_text), credit_note, title=f"Credit note {credit_note.number}")
