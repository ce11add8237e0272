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

from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from invoices.models import Invoice, LineItem
from invoices.money import quantize

TEMPLATE_NAME = "invoices/invoice_document.html"


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
    """Who the invoice is from: the owner's full name, or their username."""
    owner = invoice.owner
    return (getattr(owner, "full_name", "") or "").strip() or owner.get_full_name() or owner.get_username()


def format_money(amount: Decimal) -> str:
    """`1234.5` -> `"1,234.50"`: grouped, two places, rounded the way invoices are."""
    return f"{quantize(amount):,.2f}"


def format_number(value: Decimal) -> str:
    """Quantities and rates without trailing zeros or exponents: `2.500` -> `"2.5"`."""
    return f"{value.normalize():f}"


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
            "quantity": format_number(line.quantity),
            "unit_price": format_money(line.unit_price),
            "discount_percent": format_number(line.discount_percent),
            "tax_rate": format_number(line.tax_rate),
            "line_total": format_money(line.line_total),
        }
        for line in items
    ]
    return {
        "invoice": invoice,
        "items": items,
        "rows": rows,
        "issuer_name": invoice_issuer_name(invoice),
        "issuer_email": invoice.owner.email,
        "subtotal": format_money(invoice.subtotal),
        "tax_amount": format_money(invoice.tax_amount),
        "total_amount": format_money(invoice.total_amount),
        "amount_paid": format_money(invoice.amount_paid),
        "balance_due": format_money(invoice.outstanding),
    }


def render_invoice_html(invoice: Invoice) -> str:
    return render_to_string(TEMPLATE_NAME, invoice_document_context(invoice))


def render_invoice_pdf(invoice: Invoice) -> bytes:
    """The invoice as an A4 PDF."""
    html = HTML(
        string=render_invoice_html(invoice),
        base_url=str(settings.BASE_DIR),
        url_fetcher=LocalOnlyURLFetcher(),
    )
    return html.write_pdf()
