"""One invoice's pages: detail with its transitions and payments, print view, PDF, search by number."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.test import Client
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from invoices import services
from invoices.models import InvoiceEvent, InvoiceStatus, Payment
from invoices.tests.factories import advance, item, make_invoice
from invoices.tests.pages_support import client_for, messages_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_client(client: Client, owner) -> Client:
    client.force_login(owner)
    return client


# --- detail, permissions ---------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["", "edit/", "print/", "pdf/"])
def test_another_users_invoice_is_a_404_page(owner, other_user, suffix):
    invoice = make_invoice(owner=owner)

    response = client_for(other_user).get(f"/invoices/{invoice.pk}/{suffix}")

    assert response.status_code == 404
    assertContains(response, "Page not found", status_code=404)
    assertContains(response, "/static/css/app.css", status_code=404)


def test_another_user_cannot_act_on_an_invoice_and_nothing_happens(owner, other_user):
    invoice = make_invoice(owner=owner)
    intruder = client_for(other_user)

    assert intruder.post(f"/invoices/{invoice.pk}/transition/cancel/").status_code == 404
    assert intruder.post(f"/invoices/{invoice.pk}/payments/", {"amount": "1"}).status_code == 404
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.DRAFT
    assert InvoiceEvent.objects.filter(invoice=invoice).count() == 1


def test_the_owner_of_a_draft_sees_submit_and_cancel_but_not_approve(owner_client, owner):
    invoice = make_invoice(owner=owner)

    response = owner_client.get(f"/invoices/{invoice.pk}/")

    assert [name for name, _ in response.context["buttons"]] == ["submit", "cancel"]
    assertContains(response, f'action="/invoices/{invoice.pk}/transition/submit/"')
    assertContains(response, ">Submit for approval</button>")
    assertContains(response, ">Cancel invoice</button>")
    assertNotContains(response, "Approve")
    assertNotContains(response, "Reason for rejecting")
    assertContains(response, f'data-live-socket="/ws/invoices/{invoice.pk}/"')


def test_an_approver_sees_approve_and_reject_with_a_reason_field(owner, approver):
    invoice = advance(make_invoice(owner=owner), to="pending_approval", approver=approver)

    response = client_for(approver).get(f"/invoices/{invoice.pk}/")

    assert [name for name, _ in response.context["buttons"]] == ["approve", "reject"]
    assertContains(response, ">Approve</button>")
    assertContains(response, '<label for="id_reason">Reason for rejecting:</label>', html=True)
    assertContains(response, ">Reject invoice</button>")


def test_the_owner_of_a_pending_invoice_sees_no_approve_even_when_an_approver(approver, second_approver):
    invoice = advance(make_invoice(owner=approver), to="pending_approval", approver=second_approver)

    response = client_for(approver).get(f"/invoices/{invoice.pk}/")

    assert [name for name, _ in response.context["buttons"]] == ["cancel"]
    assertNotContains(response, ">Approve</button>")


def test_the_detail_page_shows_lines_totals_the_timeline_and_payments(owner_client, owner, approver):
    invoice = make_invoice(owner=owner, items=[item("Audit", quantity="1.5", unit_price="1000.00", tax_rate="10")])
    invoice = advance(invoice, to="sent", approver=approver)
    services.payment_record(invoice_id=invoice.pk, actor=owner, amount="100.00", reference="wire 42")

    response = owner_client.get(f"/invoices/{invoice.pk}/")

    assertContains(response, "Audit")
    assertContains(response, "1,650.00")
    assertContains(response, "1,550.00")  # balance due
    assertContains(response, "wire 42")
    descriptions = [entry["description"] for entry in response.context["events"]]
    assert descriptions == [
        "Created",
        "Submitted for approval",
        "Approved",
        "Sent to the customer",
        "Payment of 100.00 USD recorded",
    ]
    assertContains(response, "· by alice")
    assertContains(response, ">Record payment</button>")


def test_the_detail_page_runs_a_fixed_number_of_queries(owner_client, owner, django_assert_max_num_queries):
    invoice = make_invoice(owner=owner, items=[item(), item(), item()])
    for _ in range(5):
        services.invoice_update(invoice_id=invoice.pk, actor=owner, data={"notes": str(_)})

    with django_assert_max_num_queries(12):
        response = owner_client.get(f"/invoices/{invoice.pk}/")

    assert response.status_code == 200
    assert response.context["invoice"].pk == invoice.pk


# --- transitions -------------------------------------------------------------------------------


def test_submitting_from_the_page_moves_the_invoice_and_says_so(owner_client, owner):
    invoice = make_invoice(owner=owner)

    response = owner_client.post(f"/invoices/{invoice.pk}/transition/submit/", follow=True)

    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PENDING_APPROVAL
    assert messages_of(response) == [f"Invoice {invoice.invoice_number} is submitted for approval."]


def test_approving_from_the_page_records_the_approver(owner, approver):
    invoice = advance(make_invoice(owner=owner), to="pending_approval", approver=approver)

    client_for(approver).post(f"/invoices/{invoice.pk}/transition/approve/")

    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.APPROVED
    assert invoice.approved_by == approver


def test_rejecting_without_a_reason_shows_the_error_under_the_reason_field_and_changes_nothing(owner, approver):
    invoice = advance(make_invoice(owner=owner), to="pending_approval", approver=approver)

    response = client_for(approver).post(f"/invoices/{invoice.pk}/transition/reject/", {"reason": "  "})

    assert response.status_code == 400
    assert response.context["reject_form"].errors == {"reason": ["A reason is required to reject an invoice."]}
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PENDING_APPROVAL
    assert not InvoiceEvent.objects.filter(invoice=invoice, transition="reject").exists()


def test_rejecting_with_a_reason_shows_it_to_the_owner(owner_client, owner, approver):
    invoice = advance(make_invoice(owner=owner), to="pending_approval", approver=approver)

    client_for(approver).post(f"/invoices/{invoice.pk}/transition/reject/", {"reason": "Wrong VAT rate"})

    response = owner_client.get(f"/invoices/{invoice.pk}/")
    assert response.context["invoice"].status == InvoiceStatus.REJECTED
    assertContains(response, "Wrong VAT rate", count=2)  # the banner and the timeline
    assert [name for name, _ in response.context["buttons"]] == ["revise", "cancel"]


def test_a_transition_the_user_may_not_run_is_refused_with_the_services_reason(owner_client, owner, approver):
    invoice = advance(make_invoice(owner=owner), to="pending_approval", approver=approver)

    response = owner_client.post(f"/invoices/{invoice.pk}/transition/approve/", follow=True)

    assert messages_of(response) == ["You cannot approve your own invoice (four-eyes rule)."]
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PENDING_APPROVAL


def test_a_transition_from_the_wrong_state_is_refused_with_a_message(owner_client, owner):
    invoice = make_invoice(owner=owner)

    response = owner_client.post(f"/invoices/{invoice.pk}/transition/send/", follow=True)

    assert messages_of(response) == ["Cannot send an invoice that is draft."]
    assert InvoiceEvent.objects.filter(invoice=invoice).count() == 1


def test_an_unknown_transition_is_a_404_and_a_get_is_not_allowed(owner_client, owner):
    invoice = make_invoice(owner=owner)

    assert owner_client.post(f"/invoices/{invoice.pk}/transition/pay/").status_code == 404
    assert owner_client.post(f"/invoices/{invoice.pk}/transition/explode/").status_code == 404
    assert owner_client.get(f"/invoices/{invoice.pk}/transition/submit/").status_code == 405


def test_a_transition_without_the_csrf_token_is_refused(owner):
    invoice = make_invoice(owner=owner)
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)

    response = client.post(f"/invoices/{invoice.pk}/transition/submit/")

    assert response.status_code == 403
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.DRAFT


# --- payments ----------------------------------------------------------------------------------


def test_recording_payments_lowers_the_balance_and_paying_the_rest_marks_it_paid(owner_client, owner, approver):
    invoice = advance(make_invoice(owner=owner, items=[item(unit_price="100.00")]), to="sent", approver=approver)

    first = owner_client.post(
        f"/invoices/{invoice.pk}/payments/", {"amount": "40", "method": "card", "reference": "r1"}, follow=True
    )
    owner_client.post(
        f"/invoices/{invoice.pk}/payments/", {"amount": "60.00", "method": "cash", "paid_at": "2025-01-15"}
    )

    assert messages_of(first) == [f"Payment of 40.00 USD recorded on {invoice.invoice_number}."]
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    assert [(p.amount, p.method, p.paid_at.date().isoformat()) for p in Payment.objects.filter(invoice=invoice)] == [
        (Decimal("60.00"), "cash", "2025-01-15"),
        (Decimal("40.00"), "card", first.context["payments"][0].paid_at.date().isoformat()),
    ]


def test_an_overpayment_is_shown_on_the_amount_field_and_nothing_is_recorded(owner_client, owner, approver):
    invoice = advance(make_invoice(owner=owner, items=[item(unit_price="100.00")]), to="sent", approver=approver)

    response = owner_client.post(f"/invoices/{invoice.pk}/payments/", {"amount": "100.01", "method": "card"})

    assert response.status_code == 400
    assert response.context["payment_form"].errors == {
        "amount": ["Payment of 100.01 USD exceeds the balance due of 100.00 USD."]
    }
    assertContains(response, 'value="100.01"', status_code=400)
    assert not Payment.objects.exists()


def test_a_payment_on_a_draft_is_refused_with_a_message(owner_client, owner):
    invoice = make_invoice(owner=owner)

    response = owner_client.post(f"/invoices/{invoice.pk}/payments/", {"amount": "1.00", "method": "card"}, follow=True)

    assert messages_of(response) == ["Payments can be recorded only on sent or overdue invoices; this one is draft."]
    assert not Payment.objects.exists()


# --- print, PDF and search -----------------------------------------------------------------------


def test_the_print_view_shows_the_invoice_document_in_the_site(owner_client, owner):
    invoice = make_invoice(owner=owner, items=[item("Audit", unit_price="1234.50")])

    response = owner_client.get(f"/invoices/{invoice.pk}/print/")

    assert response.status_code == 200
    assertContains(response, 'class="invoice-doc')
    assertContains(response, invoice.invoice_number)
    assertContains(response, "1,234.50")
    assertContains(response, ">Print this invoice</button>")
    assertContains(response, "/static/css/pages.css")


def test_the_pdf_is_downloaded_as_an_attachment(owner_client, owner):
    invoice = make_invoice(owner=owner)

    response = owner_client.get(f"/invoices/{invoice.pk}/pdf/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{invoice.invoice_number}.pdf"'
    assert response.content.startswith(b"%PDF-")


def test_searching_by_number_goes_straight_to_the_invoice(owner_client, owner):
    invoice = make_invoice(owner=owner, invoice_number="ACME-7")

    response = owner_client.get("/invoices/search/", {"number": " ACME-7 "})

    assertRedirects(response, f"/invoices/{invoice.pk}/", fetch_redirect_response=False)


def test_searching_for_a_number_the_user_cannot_see_says_there_is_none(owner_client, other_user):
    make_invoice(owner=other_user, invoice_number="SECRET-1")

    response = owner_client.get("/invoices/search/", {"number": "SECRET-1"})

    assert response.status_code == 404
    assert response.context["form"].errors == {"number": ["No invoice numbered SECRET-1."]}
    assertContains(response, 'value="SECRET-1"', status_code=404)


def test_the_search_page_without_a_number_shows_its_form(owner_client):
    response = owner_client.get("/invoices/search/")

    assert response.status_code == 200
    assertContains(response, '<label for="id_number">Invoice number:</label>', html=True)


def test_pages_load_nothing_from_other_sites(owner_client, owner):
    invoice = make_invoice(owner=owner)
    for url in ("/invoices/", "/invoices/new/", f"/invoices/{invoice.pk}/", f"/invoices/{invoice.pk}/print/"):
        html = owner_client.get(url).content.decode()
        assert not re.search(r"""(src|href)=["'](https?:)?//""", html), url
