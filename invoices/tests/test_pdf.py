"""The invoice document: a real PDF from the shared HTML template, rendered offline."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from accounts.tests.factories import make_user
from invoices.pdf import LocalOnlyURLFetcher, invoice_document_context, render_invoice_html, render_invoice_pdf
from invoices.tests.factories import advance, item, make_invoice

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def invoice(owner: Any) -> Any:
    owner.full_name = "Olivia Owner"
    owner.save(update_fields=["full_name"])
    return make_invoice(
        owner=owner,
        customer_name="Acme Ltd",
        customer_address="1 Main Street\nSpringfield",
        currency="EUR",
        notes="Bank transfer to IBAN DE00 1234 5678",
        items=[
            item("Design workshop", quantity="2", unit_price="500.00", discount_percent="10", tax_rate="20"),
            item("Hosting", quantity="1.5", unit_price="100.00", tax_rate="0"),
        ],
    )


def test_invoice_renders_as_a_pdf_showing_its_number_and_total(invoice: Any) -> None:
    # 2 x 500 - 10% = 900.00 (+180.00 tax) and 1.5 x 100 = 150.00: total 1,230.00
    assert invoice.total_amount == Decimal("1230.00")

    data = render_invoice_pdf(invoice)

    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    assert invoice.invoice_number in text
    assert "1,230.00 EUR" in text


def test_pdf_prints_issuer_customer_lines_and_every_total(invoice: Any) -> None:
    text = pdf_text(render_invoice_pdf(invoice))

    assert "Olivia Owner" in text
    assert "Acme Ltd" in text and "Springfield" in text
    assert "Design workshop" in text and "Hosting" in text
    assert "900.00" in text and "150.00" in text  # line totals
    assert "1,050.00 EUR" in text  # subtotal
    assert "180.00 EUR" in text  # tax
    assert "IBAN DE00 1234 5678" in text
    assert "Draft" in text


def test_issuer_falls_back_to_the_username_without_a_full_name(db: Any) -> None:
    owner = make_user(username="plainname")
    invoice = make_invoice(owner=owner)

    assert invoice_document_context(invoice)["issuer_name"] == "plainname"
    assert "plainname" in pdf_text(render_invoice_pdf(invoice))


def test_paid_invoice_shows_the_payment_and_a_zero_balance(owner: Any, approver: Any) -> None:
    invoice = advance(make_invoice(owner=owner, items=[item(unit_price="80.00")]), to="paid", approver=approver)

    context = invoice_document_context(invoice)
    text = pdf_text(render_invoice_pdf(invoice))

    assert (context["amount_paid"], context["balance_due"]) == ("80.00", "0.00")
    assert "Paid in full" in text


def test_quantities_and_rates_print_without_trailing_zeros(invoice: Any) -> None:
    rows = invoice_document_context(invoice)["rows"]

    assert [(row["quantity"], row["discount_percent"], row["tax_rate"]) for row in rows] == [
        ("2", "10", "20"),
        ("1.5", "0", "0"),
    ]


def test_user_text_is_escaped_in_the_document(owner: Any) -> None:
    invoice = make_invoice(owner=owner, notes='<img src="http://127.0.0.1:9/x.png"><script>alert(1)</script>')

    html = render_invoice_html(invoice)

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_fetcher_refuses_network_urls_and_files_outside_static(settings: Any, tmp_path: Path) -> None:
    static = tmp_path / "static"
    static.mkdir()
    (static / "logo.svg").write_text("<svg/>")
    (tmp_path / "secret.txt").write_text("private")
    settings.STATICFILES_DIRS = [static]
    fetcher = LocalOnlyURLFetcher()

    for url in (
        "http://127.0.0.1:9/logo.png",
        "https://example.com/font.woff2",
        "ftp://example.com/x",
        (tmp_path / "secret.txt").as_uri(),
        (static / ".." / "secret.txt").as_uri(),
        "file:///etc/passwd",
    ):
        with pytest.raises(ValueError, match="Refusing"):
            fetcher(url)
    assert fetcher("data:text/plain,hello").read() == b"hello"
    assert fetcher((static / "logo.svg").as_uri()).read() == b"<svg/>"


@pytest.fixture
def loopback_server() -> Iterator[tuple[str, list[str]]]:
    """A real HTTP server on loopback that records every path it is asked for."""
    requested: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requested.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requested
    finally:
        server.shutdown()
        server.server_close()


def test_rendering_never_reaches_the_network(
    loopback_server: tuple[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)  # the control fetch below must reach loopback directly
    base, requested = loopback_server
    page = f'<img src="{base}/logo.png"><link rel="stylesheet" href="{base}/style.css"><p>offline</p>'

    HTML(string=page, url_fetcher=LocalOnlyURLFetcher()).write_pdf()
    assert requested == []

    # The same page with WeasyPrint's own fetcher does go out: the check above can fail.
    HTML(string=page, url_fetcher=URLFetcher()).write_pdf()
    assert sorted(requested) == ["/logo.png", "/style.css"]
