"""The credit note and e-invoice API: issuing, reading, PDFs and UBL, and who may reach each URL."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from lxml import etree
from rest_framework.test import APIClient

from companies.tests.factories import make_company
from invoices import services
from invoices.models import CreditNote, InvoiceEvent
from invoices.tests.api_support import client_for, invoice_url, line
from invoices.tests.factories import advance, item, make_invoice

pytestmark = pytest.mark.django_db
CREDIT_NOTES = "/api/v1/credit-notes/"


@pytest.fixture
def sent_invoice(owner: Any, approver: Any) -> Any:
    make_company(owner=owner)
    invoice = make_invoice(owner=owner, currency="EUR", items=[item(unit_price="100.00", tax_rate="19")])
    return advance(invoice, to="sent", approver=approver)


@pytest.fixture
def credit_note(sent_invoice: Any) -> CreditNote:
    return services.credit_note_create(
        invoice_id=sent_invoice.pk, actor=sent_invoice.owner, reason="Discount agreed", items=[item(unit_price="10.00")]
    )


def test_posting_a_credit_note_returns_201_with_its_shape(owner: Any, sent_invoice: Any) -> None:
    response = client_for(owner).post(
        invoice_url(sent_invoice, "credit-notes"),
        {
            "reason": "Two hours not worked",
            "items": [line("Consulting", quantity="2", unit_price="10.00", tax_rate="19")],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    note = CreditNote.objects.get()
    assert set(body) == {
        "id",
        "number",
        "invoice",
        "invoice_number",
        "reason",
        "currency",
        "issue_date",
        "items",
        "subtotal",
        "tax_amount",
        "total_amount",
        "created_at",
    }
    assert (body["id"], body["number"], body["invoice"], body["reason"]) == (
        note.pk,
        note.number,
        sent_invoice.pk,
        "Two hours not worked",
    )
    assert (body["subtotal"], body["tax_amount"], body["total_amount"]) == ("20.00", "3.80", "23.80")
    assert body["items"][0]["line_total"] == "20.00"
    invoice = client_for(owner).get(invoice_url(sent_invoice)).json()
    assert (invoice["amount_credited"], invoice["balance_due"], invoice["refund_owed"]) == ("23.80", "95.20", "0.00")


def test_crediting_past_the_total_is_a_400_and_writes_nothing(owner: Any, sent_invoice: Any) -> None:
    response = client_for(owner).post(
        invoice_url(sent_invoice, "credit-notes"),
        {"reason": "Too much", "items": [line(unit_price="119.01")]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "items": ["The credit of 119.01 exceeds what is left to credit on this invoice (119.00 of 119.00)."]
    }
    assert not CreditNote.objects.exists()
    assert not InvoiceEvent.objects.filter(kind="credit").exists()


def test_a_credit_note_on_a_draft_is_a_409(owner: Any) -> None:
    draft = make_invoice(owner=owner)
    response = client_for(owner).post(
        invoice_url(draft, "credit-notes"), {"reason": "x", "items": [line()]}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["status"] == "draft"
    assert not CreditNote.objects.exists()


def test_a_bad_body_is_a_400_naming_the_fields(owner: Any, sent_invoice: Any) -> None:
    response = client_for(owner).post(invoice_url(sent_invoice, "credit-notes"), {"items": "x"}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"reason", "items"}
    assert not CreditNote.objects.exists()


def test_credit_notes_are_listed_read_and_listed_per_invoice(owner: Any, credit_note: CreditNote) -> None:
    client = client_for(owner)
    listing = client.get(CREDIT_NOTES).json()
    assert listing["count"] == 1 and listing["results"][0]["number"] == credit_note.number
    assert client.get(f"{CREDIT_NOTES}{credit_note.pk}/").json()["total_amount"] == "10.00"
    per_invoice = client.get(invoice_url(credit_note.invoice_id, "credit-notes")).json()
    assert [row["id"] for row in per_invoice] == [credit_note.pk]


def test_the_credit_note_pdf_and_ubl_are_served(owner: Any, credit_note: CreditNote) -> None:
    client = client_for(owner)
    pdf = client.get(f"{CREDIT_NOTES}{credit_note.pk}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    ubl = client.get(f"{CREDIT_NOTES}{credit_note.pk}/ubl/")
    assert ubl.status_code == 200 and ubl["Content-Type"] == "application/xml"
    assert etree.QName(etree.fromstring(ubl.content)).localname == "CreditNote"


def test_the_invoice_ubl_is_served(owner: Any, sent_invoice: Any) -> None:
    response = client_for(owner).get(invoice_url(sent_invoice, "ubl"))
    assert response.status_code == 200 and response["Content-Type"] == "application/xml"
    root = etree.fromstring(response.content)
    assert etree.QName(root).localname == "Invoice"
    assert root.findtext("{urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2}ID") == (
        sent_invoice.invoice_number
    )


def test_ubl_without_a_company_profile_is_a_409_naming_what_is_missing(other_user: Any, approver: Any) -> None:
    invoice = advance(make_invoice(owner=other_user), to="sent", approver=approver)
    response = client_for(other_user).get(invoice_url(invoice, "ubl"))
    assert response.status_code == 409
    assert response.json()["missing"] == ["legal name", "country"]


def test_staff_see_credit_notes_but_only_the_owner_issues_them(approver: Any, credit_note: CreditNote) -> None:
    client = client_for(approver)
    assert client.get(f"{CREDIT_NOTES}{credit_note.pk}/").status_code == 200
    response = client.post(
        invoice_url(credit_note.invoice_id, "credit-notes"), {"reason": "x", "items": [line()]}, format="json"
    )
    assert response.status_code == 403
    assert CreditNote.objects.count() == 1


def _new_urls(credit_note: CreditNote) -> list[tuple[str, str]]:
    invoice_id = credit_note.invoice_id
    return [
        ("get", CREDIT_NOTES),
        ("get", f"{CREDIT_NOTES}{credit_note.pk}/"),
        ("get", f"{CREDIT_NOTES}{credit_note.pk}/pdf/"),
        ("get", f"{CREDIT_NOTES}{credit_note.pk}/ubl/"),
        ("get", invoice_url(invoice_id, "credit-notes")),
        ("post", invoice_url(invoice_id, "credit-notes")),
        ("get", invoice_url(invoice_id, "ubl")),
    ]


def test_another_user_gets_404_on_every_new_url(other_user: Any, credit_note: CreditNote) -> None:
    client = client_for(other_user)
    for method, url in _new_urls(credit_note):
        if url == CREDIT_NOTES:
            assert client.get(url).json()["count"] == 0
            continue
        response = getattr(client, method)(url, {"reason": "x", "items": [line()]}, format="json")
        assert response.status_code == 404, (method, url)
    assert CreditNote.objects.count() == 1


def test_anonymous_callers_get_401_on_every_new_url(credit_note: CreditNote) -> None:
    client = APIClient()
    for method, url in _new_urls(credit_note):
        response = getattr(client, method)(url, {"reason": "x", "items": [line()]}, format="json")
        assert response.status_code == 401, (method, url)
    assert CreditNote.objects.count() == 1


def test_the_credit_note_list_runs_a_bounded_number_of_queries(
    owner: Any, sent_invoice: Any, django_assert_max_num_queries: Any
) -> None:
    for _ in range(5):
        services.credit_note_create(invoice_id=sent_invoice.pk, actor=owner, reason="x", items=[item(unit_price="1")])
    with django_assert_max_num_queries(6):
        response = client_for(owner).get(CREDIT_NOTES)
    assert response.status_code == 200
    assert response.json()["count"] == 5
    assert Decimal(response.json()["results"][0]["total_amount"]) == Decimal("1.00")
