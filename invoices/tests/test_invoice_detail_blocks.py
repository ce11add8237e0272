"""The invoice page's blocks (what its live refresh swaps in), the confirmations that
destructive actions ask for, deleting a draft from its page, and people named by name."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from accounts.tests.factories import make_user
from invoices import services
from invoices.events import actor_name, build_message, event_summary
from invoices.models import Invoice, InvoiceEvent, InvoiceStatus
from invoices.tests.factories import advance, make_invoice
from invoices.tests.pages_support import client_for, messages_of

pytestmark = pytest.mark.django_db

BLOCK_IDS = [
    "invoice-heading",
    "invoice-actions",
    "invoice-summary",
    "invoice-items",
    "invoice-payments",
    "invoice-credit-notes",
    "invoice-attachments",
    "invoice-timeline",
]
CSRF_INPUT = re.compile(r'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]*">')


def _block(html: str, block_id: str) -> str:
    """The outer HTML of the element with this id: from its tag to the matching close."""
    start = re.search(rf'<(\w+) id="{block_id}"', html)
    assert start is not None, f"no #{block_id} in the page"
    tag = start.group(1)
    depth, position = 0, start.start()
    for match in re.finditer(rf"<(/?){tag}\b[^>]*>", html[start.start() :]):
        depth += -1 if match.group(1) else 1
        if depth == 0:
            position = start.start() + match.end()
            break
    return CSRF_INPUT.sub("", html[start.start() : position])


@pytest.fixture
def owner_client(client: Client, owner) -> Client:
    client.force_login(owner)
    return client


# --- the blocks a live change re-renders ---------------------------------------------------------


def test_after_an_approval_the_owners_blocks_offer_send_instead_of_what_pending_offered(owner_client, owner, approver):
    invoice = advance(make_invoice(owner=owner), to="pending_approval", approver=approver)
    before = owner_client.get(f"/invoices/{invoice.pk}/blocks/").content.decode()
    services.invoice_approve(invoice_id=invoice.pk, actor=approver)

    response = owner_client.get(f"/invoices/{invoice.pk}/blocks/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Send to customer" not in before
    actions = _block(html, "invoice-actions")
    assert ">Send to customer</button>" in actions
    assert 'data-action="cancel"' in actions
    assert '<span class="badge badge--approved" data-live-field="status">Approved</span>' in html
    assert "Approved" in _block(html, "invoice-timeline")
    for block_id in BLOCK_IDS:
        assert f'id="{block_id}"' in html
    assert html.count('hx-swap-oob="true"') == len(BLOCK_IDS)


def test_the_blocks_are_the_very_markup_the_page_shows(owner_client, owner, approver):
    invoice = advance(make_invoice(owner=owner), to="sent", approver=approver)
    services.payment_record(invoice_id=invoice.pk, actor=owner, amount="40.00", reference="wire 7")

    page = owner_client.get(f"/invoices/{invoice.pk}/").content.decode()
    blocks = owner_client.get(f"/invoices/{invoice.pk}/blocks/").content.decode()

    for block_id in BLOCK_IDS:
        assert _block(blocks, block_id).replace(' hx-swap-oob="true"', "", 1) == _block(page, block_id)
    assert "wire 7" in _block(blocks, "invoice-payments")


def test_the_blocks_of_another_users_invoice_are_a_404(owner, other_user):
    invoice = make_invoice(owner=owner)

    response = client_for(other_user).get(f"/invoices/{invoice.pk}/blocks/")

    assert response.status_code == 404
    assertNotContains(response, invoice.invoice_number, status_code=404)


def test_the_blocks_run_a_fixed_number_of_queries(owner_client, owner, approver, django_assert_max_num_queries):
    invoice = advance(make_invoice(owner=owner), to="sent", approver=approver)
    for amount in ("1.00", "2.00", "3.00"):
        services.payment_record(invoice_id=invoice.pk, actor=owner, amount=amount)

    with django_assert_max_num_queries(12):
        response = owner_client.get(f"/invoices/{invoice.pk}/blocks/")

    assert response.status_code == 200
    assert response.content.decode().count("Payment of") == 3


def test_the_detail_page_loads_htmx_from_this_site_and_asks_for_its_blocks(owner_client, owner):
    invoice = make_invoice(owner=owner)

    response = owner_client.get(f"/invoices/{invoice.pk}/")

    assertContains(response, '<script src="/static/django_htmx/htmx-2.min.js" defer></script>', html=True)
    assertContains(response, f'hx-get="/invoices/{invoice.pk}/blocks/"')
    assertContains(response, 'hx-trigger="invoice-changed from:document delay:150ms"')
    assertContains(response, '"includeIndicatorStyles": false')
    assertNotContains(response, "Reload to see what you can do now")


# --- destructive actions ask first -------------------------------------------------------------------


def test_a_draft_offers_cancel_and_delete_behind_dialogs_that_fall_back_to_pages(owner_client, owner):
    invoice = make_invoice(owner=owner)

    response = owner_client.get(f"/invoices/{invoice.pk}/")

    assert [action["name"] for action in response.context["actions"]] == ["submit", "cancel", "delete"]
    for name, question in (("cancel", "Cancel invoice"), ("delete", "Delete invoice")):
        assertContains(response, f'<form method="get" action="/invoices/{invoice.pk}/confirm/{name}/"')
        assertContains(response, f'<dialog id="confirm-{name}" class="confirm-dialog"')
        assertContains(response, f'aria-labelledby="confirm-{name}-title"')
        assertContains(response, f'<h2 id="confirm-{name}-title">{question} {invoice.invoice_number}?</h2>', html=True)
    assertContains(response, f'action="/invoices/{invoice.pk}/delete/"')
    assertContains(response, 'formmethod="dialog"', count=2)


def test_an_approver_is_asked_for_the_reason_in_the_reject_dialog(owner, approver):
    invoice = advance(make_invoice(owner=owner), to="pending_approval", approver=approver)

    response = client_for(approver).get(f"/invoices/{invoice.pk}/")

    dialog = _block(response.content.decode(), "invoice-actions")
    assert '<dialog id="confirm-reject"' in dialog
    assert '<label for="id_reason">Reason for rejecting:</label>' in dialog
    assert [action["name"] for action in response.context["actions"]] == ["approve", "reject"]


def test_the_confirmation_page_asks_the_same_question_without_javascript(owner_client, owner):
    invoice = make_invoice(owner=owner)

    response = owner_client.get(f"/invoices/{invoice.pk}/confirm/cancel/")

    assert response.status_code == 200
    assertContains(response, f'<h1 id="confirm-cancel-title">Cancel invoice {invoice.invoice_number}?</h1>', html=True)
    assertContains(response, f'<form method="post" action="/invoices/{invoice.pk}/transition/cancel/"')
    assertContains(response, f'<a class="button" href="/invoices/{invoice.pk}/">Keep the invoice</a>', html=True)
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.DRAFT


def test_a_confirmation_for_what_the_invoice_no_longer_offers_goes_back_with_the_reason(owner_client, owner, approver):
    invoice = advance(make_invoice(owner=owner), to="paid", approver=approver)

    response = owner_client.get(f"/invoices/{invoice.pk}/confirm/cancel/")

    assertRedirects(response, f"/invoices/{invoice.pk}/", fetch_redirect_response=False)
    page = owner_client.get(f"/invoices/{invoice.pk}/")
    assert messages_of(page) == [f"Invoice {invoice.invoice_number} cannot be cancelled now; it is paid."]


@pytest.mark.parametrize("name", ["approve", "nothing"])
def test_a_confirmation_page_exists_only_for_destructive_actions(owner_client, owner, name):
    invoice = make_invoice(owner=owner)

    assert owner_client.get(f"/invoices/{invoice.pk}/confirm/{name}/").status_code == 404


def test_rejecting_without_a_reason_answers_the_reject_question_again_with_the_error(owner, approver):
    invoice = advance(make_invoice(owner=owner), to="pending_approval", approver=approver)

    response = client_for(approver).post(f"/invoices/{invoice.pk}/transition/reject/", {"reason": ""})

    assert response.status_code == 400
    assertContains(response, f"Reject invoice {invoice.invoice_number}?", status_code=400)
    assertContains(response, "A reason is required to reject an invoice.", status_code=400)
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PENDING_APPROVAL
    assert not InvoiceEvent.objects.filter(invoice=invoice, transition="reject").exists()


# --- deleting a draft from its page --------------------------------------------------------------------


def test_deleting_a_draft_from_its_page_goes_to_the_list_with_a_message(owner_client, owner):
    invoice = make_invoice(owner=owner)

    response = owner_client.post(f"/invoices/{invoice.pk}/delete/")

    assertRedirects(response, "/invoices/", fetch_redirect_response=False)
    listing = owner_client.get("/invoices/")
    assert messages_of(listing) == [f"Invoice {invoice.invoice_number} deleted."]
    assertNotContains(listing, f'data-invoice-id="{invoice.pk}"')
    invoice.refresh_from_db()
    assert invoice.deleted_at is not None
    assert InvoiceEvent.objects.filter(invoice=invoice, kind="deleted").count() == 1
    assert owner_client.get(f"/invoices/{invoice.pk}/").status_code == 404


def test_a_pending_invoice_cannot_be_deleted_and_nothing_changes(owner_client, owner, approver):
    invoice = advance(make_invoice(owner=owner), to="pending_approval", approver=approver)

    response = owner_client.post(f"/invoices/{invoice.pk}/delete/")

    assertRedirects(response, f"/invoices/{invoice.pk}/", fetch_redirect_response=False)
    page = owner_client.get(f"/invoices/{invoice.pk}/")
    assert messages_of(page) == ["Only draft or cancelled invoices can be deleted; this one is pending_approval."]
    assert "delete" not in [action["name"] for action in page.context["actions"]]
    invoice.refresh_from_db()
    assert invoice.deleted_at is None
    assert not InvoiceEvent.objects.filter(invoice=invoice, kind="deleted").exists()


def test_another_user_cannot_delete_a_draft_and_a_get_deletes_nothing(owner, other_user):
    invoice = make_invoice(owner=owner)

    assert client_for(other_user).post(f"/invoices/{invoice.pk}/delete/").status_code == 404
    assert client_for(owner).get(f"/invoices/{invoice.pk}/delete/").status_code == 405
    invoice.refresh_from_db()
    assert invoice.deleted_at is None
    assert Invoice.objects.alive().filter(pk=invoice.pk).exists()


# --- names instead of usernames -------------------------------------------------------------------------


def test_the_timeline_and_details_name_people_by_their_full_name_else_their_username(owner):
    approver = make_user(username="ap7", approver=True, full_name="Alice Approver")
    invoice = advance(make_invoice(owner=owner), to="approved", approver=approver)

    response = client_for(owner).get(f"/invoices/{invoice.pk}/")

    timeline = _block(response.content.decode(), "invoice-timeline")
    assert "· by Alice Approver" in timeline
    assert "· by olivia" in timeline  # no full name: the username
    assert "ap7" not in timeline
    assertContains(response, "<dt>Approved by</dt><dd>Alice Approver</dd>", html=True)


def test_live_messages_carry_the_actors_name_beside_the_username(owner):
    approver = make_user(username="ap8", approver=True, full_name="  Bea Approver ")
    invoice = advance(make_invoice(owner=owner), to="approved", approver=approver)
    event = InvoiceEvent.objects.filter(invoice=invoice, transition="approve").get()

    message = build_message("invoice.status_changed", invoice=invoice, event=event)

    assert message.event["actor"] == {"id": approver.pk, "username": "ap8", "name": "Bea Approver"}
    assert event_summary(event)["actor"]["name"] == "Bea Approver"
    assert actor_name(owner) == "olivia"
