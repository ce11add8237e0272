"""Credit notes through the other doors: the invoice page, the back office and the live sockets."""

from __future__ import annotations

from typing import Any

import pytest
from channels.db import database_sync_to_async
from django.test import Client

from companies.tests.factories import make_company
from invoices import services
from invoices.models import CreditNote
from invoices.tests.factories import advance, item, make_invoice
from invoices.tests.pages_support import client_for, messages_of


def _sent(owner: Any, approver: Any) -> Any:
    return advance(make_invoice(owner=owner, items=[item(unit_price="100.00")]), to="sent", approver=approver)


@pytest.mark.django_db
def test_the_invoice_page_issues_a_credit_note_and_lists_it(owner: Any, approver: Any) -> None:
    invoice = _sent(owner, approver)
    client = client_for(owner)
    page = client.get(f"/invoices/{invoice.pk}/")
    assert b"Issue a credit note" in page.content and b"No credit notes." in page.content
    response = client.post(
        f"/invoices/{invoice.pk}/credit-notes/",
        {"reason": "Late", "description": "Late fee waived", "quantity": "1", "unit_price": "15.00", "tax_rate": "0"},
        follow=True,
    )
    note = CreditNote.objects.get()
    assert messages_of(response) == [
        f"Credit note {note.number} of 15.00 {invoice.currency} issued on {invoice.invoice_number}."
    ]
    assert note.number.encode() in response.content
    assert f"/invoices/credit-notes/{note.pk}/pdf/".encode() in response.content
    pdf = client.get(f"/invoices/credit-notes/{note.pk}/pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


@pytest.mark.django_db
def test_the_page_shows_the_limit_error_and_writes_nothing(owner: Any, approver: Any) -> None:
    invoice = _sent(owner, approver)
    response = client_for(owner).post(
        f"/invoices/{invoice.pk}/credit-notes/",
        {"reason": "Too much", "description": "All", "quantity": "1", "unit_price": "100.01", "tax_rate": "0"},
    )
    assert response.status_code == 400
    assert response.context["credit_form"].non_field_errors() == [
        "The credit of 100.01 exceeds what is left to credit on this invoice (100.00 of 100.00)."
    ]
    assert not CreditNote.objects.exists()


@pytest.mark.django_db
def test_other_users_get_404_from_the_credit_pages(owner: Any, approver: Any, other_user: Any) -> None:
    invoice = _sent(owner, approver)
    note = services.credit_note_create(invoice_id=invoice.pk, actor=owner, reason="x", items=[item(unit_price="1")])
    client = client_for(other_user)
    assert client.get(f"/invoices/credit-notes/{note.pk}/pdf/").status_code == 404
    data = {"reason": "x", "description": "y", "quantity": "1", "unit_price": "1", "tax_rate": "0"}
    assert client.post(f"/invoices/{invoice.pk}/credit-notes/", data).status_code == 404
    assert CreditNote.objects.count() == 1
    assert Client().get(f"/invoices/credit-notes/{note.pk}/pdf/").status_code == 302  # to the login page


@pytest.mark.django_db
def test_the_back_office_lists_credit_notes_and_shows_them_on_the_invoice(
    admin_user: Any, owner: Any, approver: Any
) -> None:
    invoice = _sent(owner, approver)
    note = services.credit_note_create(invoice_id=invoice.pk, actor=owner, reason="Goodwill", items=[item()])
    client = client_for(admin_user)
    listing = client.get("/admin/invoices/creditnote/")
    assert listing.status_code == 200 and note.number.encode() in listing.content
    assert client.get(f"/admin/invoices/creditnote/{note.pk}/change/").status_code == 200
    change = client.get(f"/admin/invoices/invoice/{invoice.pk}/change/")
    assert note.number.encode() in change.content
    assert client.get("/admin/invoices/creditnote/add/").status_code == 403


@pytest.mark.django_db
def test_the_back_office_edits_company_profiles_through_the_service(admin_user: Any, owner: Any) -> None:
    profile = make_company(owner=owner)
    client = client_for(admin_user)
    response = client.post(
        f"/admin/companies/companyprofile/{profile.pk}/change/",
        {
            "owner": owner.pk,
            "legal_name": "Renamed GmbH",
            "country": "DE",
            "tax_id": "DE136695977",
            "payment_terms_days": "30",
            "reminder_days": "7",
            "numbering": "random",
            "number_pattern": "INV-{YYYY}-{SEQ:05}",
            "credit_note_pattern": "CN-{YYYY}-{SEQ:05}",
        },
    )
    assert response.status_code == 200  # the form again, with the tax id error
    assert response.context["adminform"].form.errors["tax_id"]
    profile.refresh_from_db()
    assert profile.legal_name == "Olivia Design GmbH"


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fresh_channel_layer")
async def test_a_credit_note_reaches_the_owners_socket(owner: Any, approver: Any) -> None:
    from invoices.tests.test_live_bridge import listen

    invoice = await database_sync_to_async(_sent)(owner, approver)
    socket = await listen(owner)
    note = await database_sync_to_async(services.credit_note_create)(
        invoice_id=invoice.pk, actor=owner, reason="Goodwill", items=[item(unit_price="100.00")]
    )
    credited = await socket.receive_json_from(timeout=5)
    assert credited["type"] == "invoice.credited"
    assert credited["credit_note"] == {"id": note.pk, "number": note.number, "total_amount": "100.00"}
    assert (credited["invoice"]["balance_due"], credited["event"]["kind"]) == ("0.00", "credit")
    settled = await socket.receive_json_from(timeout=5)
    assert (settled["type"], settled["invoice"]["status"]) == ("invoice.status_changed", "paid")
    await socket.disconnect()


@pytest.mark.django_db
def test_the_credit_form_shows_the_services_line_message_at_its_field(owner: Any, approver: Any) -> None:
    invoice = advance(make_invoice(owner=owner), to="sent", approver=approver)
    client = Client()
    client.force_login(owner)

    response = client.post(
        f"/invoices/{invoice.pk}/credit-notes/",
        {"reason": "Damaged", "description": "Refund", "quantity": "1", "unit_price": "-5", "tax_rate": "0"},
    )

    assert response.status_code == 400
    assert response.context["credit_form"].errors == {"unit_price": ["Unit price cannot be negative."]}
    assert not CreditNote.objects.exists()
