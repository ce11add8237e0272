"""Files from the invoice API: the streamed CSV export of a filtered list, and the PDF."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from pypdf import PdfReader

from invoices.api.export import CSV_COLUMNS
from invoices.models import Invoice
from invoices.tests.api_support import INVOICES, client_for, invoice_url
from invoices.tests.factories import advance, item, make_invoice

pytestmark = pytest.mark.django_db
EXPORT = f"{INVOICES}export.csv"


def _rows(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 200
    assert response.streaming
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_the_export_streams_a_header_and_one_row_per_visible_invoice(owner: Any, approver: Any) -> None:
    first = make_invoice(owner=owner, invoice_number="EXP-1", items=[item(unit_price="80.00", tax_rate="25")])
    second = advance(make_invoice(owner=owner, invoice_number="EXP-2", currency="EUR"), to="sent", approver=approver)
    client_for(owner).post(invoice_url(second, "payments"), {"amount": "30.00"}, format="json")

    response = client_for(owner).get(EXPORT)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="invoices-')
    text = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]  # a streaming response
    assert text.splitlines()[0] == ",".join(CSV_COLUMNS)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["invoice_number"] for row in rows] == ["EXP-2", "EXP-1"]  # newest first, as the list
    first.refresh_from_db()
    assert rows[1] == {
        "id": str(first.pk),
        "invoice_number": "EXP-1",
        "status": "draft",
        "customer_name": "Acme Ltd",
        "customer_email": "billing@acme.example",
        "currency": "USD",
        "issue_date": first.issue_date.isoformat(),
        "due_date": first.due_date.isoformat(),
        "date_created": first.date_created.isoformat(),
        "subtotal": "80.00",
        "tax_amount": "20.00",
        "total_amount": "100.00",
        "amount_paid": "0.00",
        "balance_due": "100.00",
        "owner": owner.username,
    }
    assert (rows[0]["status"], rows[0]["amount_paid"], rows[0]["balance_due"]) == ("sent", "30.00", "70.00")


def test_the_export_takes_the_lists_filters_and_ordering(owner: Any, approver: Any) -> None:
    for number, price in enumerate(["10.00", "30.00", "20.00"]):
        make_invoice(owner=owner, invoice_number=f"F-{number}", items=[item(unit_price=price)])
    advance(Invoice.objects.get(invoice_number="F-2"), to="pending_approval", approver=approver)
    client = client_for(owner)

    drafts = _rows(client.get(EXPORT, {"status": "draft", "ordering": "-total_amount"}))
    cheap = _rows(client.get(EXPORT, {"max_amount": "20", "sort_by": "total_amount"}))

    assert [row["invoice_number"] for row in drafts] == ["F-1", "F-0"]
    assert [row["invoice_number"] for row in cheap] == ["F-0", "F-2"]


def test_a_bad_export_filter_is_a_json_400_before_anything_is_streamed(owner: Any) -> None:
    response = client_for(owner).get(EXPORT, {"due_after": "soon"}, HTTP_ACCEPT="text/csv")

    assert response.status_code == 400
    assert not response.streaming
    assert "due_after" in response.json()


def test_the_export_answers_a_client_that_accepts_only_csv(owner: Any) -> None:
    make_invoice(owner=owner)

    assert len(_rows(client_for(owner).get(EXPORT, HTTP_ACCEPT="text/csv"))) == 1


def test_cells_that_a_spreadsheet_would_run_as_formulas_are_neutralised(owner: Any) -> None:
    make_invoice(owner=owner, customer_name='=HYPERLINK("http://evil.example","x")', invoice_number="+SUM(1)")

    row = _rows(client_for(owner).get(EXPORT))[0]

    assert row["customer_name"] == '\'=HYPERLINK("http://evil.example","x")'
    assert row["invoice_number"] == "'+SUM(1)"


def test_staff_export_everyones_invoices_with_their_owners(owner: Any, other_user: Any, approver: Any) -> None:
    make_invoice(owner=owner)
    make_invoice(owner=other_user)

    rows = _rows(client_for(approver).get(EXPORT))

    assert sorted(row["owner"] for row in rows) == sorted([owner.username, other_user.username])


def test_the_pdf_is_a_pdf_of_that_invoice(owner: Any) -> None:
    invoice = make_invoice(owner=owner, invoice_number="PDF-77", customer_name="Printable Co")

    response = client_for(owner).get(invoice_url(invoice, "pdf"), HTTP_ACCEPT="application/pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="PDF-77.pdf"'
    assert response.content.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "PDF-77" in text
    assert "Printable Co" in text


def test_the_pdf_file_name_cannot_break_the_header(owner: Any) -> None:
    invoice = make_invoice(owner=owner, invoice_number='A"; filename=evil.exe')

    response = client_for(owner).get(invoice_url(invoice, "pdf"))

    assert response["Content-Disposition"] == 'inline; filename="A___filename_evil.exe.pdf"'
