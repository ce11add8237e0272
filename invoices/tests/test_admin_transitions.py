"""Back-office transitions: bulk actions and per-invoice buttons, all through the services.

Each test drives the admin's own views as a signed-in staff member and checks the
invoice's status, the audit events (exactly one per success, none for a refusal) and
the per-invoice messages.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import make_user
from invoices.models import EventKind, Invoice, InvoiceEvent, InvoiceStatus, Payment
from invoices.tests.factories import advance, make_invoice

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:invoices_invoice_changelist")


def transition_url(invoice: Invoice, name: str) -> str:
    return reverse("admin:invoices_invoice_transition", args=[invoice.pk, name])


def change_url(invoice: Invoice) -> str:
    return reverse("admin:invoices_invoice_change", args=[invoice.pk])


def messages_of(response: Any) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def transition_events(invoice: Invoice, name: str) -> list[InvoiceEvent]:
    return list(InvoiceEvent.objects.filter(invoice=invoice, kind=EventKind.TRANSITION, transition=name))


def status_of(invoice: Invoice) -> str:
    return Invoice.objects.values_list("status", flat=True).get(pk=invoice.pk)


@pytest.fixture
def clerk(db: Any) -> Any:
    """Staff who may look at invoices in the back office but not approve them."""
    user = make_user(username="clara", staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_invoice", content_type__app_label="invoices"))
    return user


@pytest.fixture
def pending(owner: Any, approver: Any) -> list[Invoice]:
    return [advance(make_invoice(owner=owner), to="pending_approval", approver=approver) for _ in range(2)]


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_approve_selected_approves_each_invoice_and_reports_each_refusal(
    owner: Any, approver: Any, pending: list[Invoice]
) -> None:
    own = advance(make_invoice(owner=approver), to="pending_approval", approver=approver)
    draft = make_invoice(owner=owner)
    selected = [*pending, own, draft]

    response = login(approver).post(
        CHANGELIST, {"action": "approve_selected", "_selected_action": [invoice.pk for invoice in selected]}
    )

    assert response.status_code == 302
    assert [status_of(invoice) for invoice in selected] == ["approved", "approved", "pending_approval", "draft"]
    for invoice in pending:
        [event] = transition_events(invoice, "approve")
        assert (event.actor, event.from_status, event.to_status) == (approver, "pending_approval", "approved")
    assert transition_events(own, "approve") == [] and transition_events(draft, "approve") == []
    assert messages_of(response) == [
        f"{pending[0].invoice_number}: approved.",
        f"{pending[1].invoice_number}: approved.",
        f"{own.invoice_number}: You cannot approve your own invoice (four-eyes rule).",
        f"{draft.invoice_number}: Cannot approve an invoice that is draft.",
    ]


def test_staff_without_the_approve_permission_is_refused_and_nothing_changes(
    clerk: Any, pending: list[Invoice]
) -> None:
    response = login(clerk).post(
        CHANGELIST, {"action": "approve_selected", "_selected_action": [invoice.pk for invoice in pending]}
    )

    assert [status_of(invoice) for invoice in pending] == ["pending_approval", "pending_approval"]
    assert not InvoiceEvent.objects.filter(transition="approve").exists()
    assert messages_of(response) == [
        f"{invoice.invoice_number}: You are not allowed to approve this invoice." for invoice in pending
    ]


def test_staff_without_any_invoice_permission_cannot_open_the_back_office_page(
    staff_without_permission: Any, pending: list[Invoice]
) -> None:
    client = login(staff_without_permission)

    assert client.get(CHANGELIST).status_code == 403
    response = client.post(CHANGELIST, {"action": "approve_selected", "_selected_action": [pending[0].pk]})
    assert response.status_code == 403
    assert status_of(pending[0]) == "pending_approval"


def test_reject_selected_asks_for_a_reason_before_rejecting(approver: Any, pending: list[Invoice]) -> None:
    client = login(approver)
    ids = [invoice.pk for invoice in pending]

    page = client.post(CHANGELIST, {"action": "reject_selected", "_selected_action": ids})

    assert page.status_code == 200
    assert page.templates[0].name == "admin/invoices/invoice/reject_reason.html"
    for invoice in pending:
        assert invoice.invoice_number in page.content.decode()
    assert [status_of(invoice) for invoice in pending] == ["pending_approval", "pending_approval"]
    assert not InvoiceEvent.objects.filter(transition="reject").exists()

    response = client.post(
        CHANGELIST,
        {"action": "reject_selected", "_selected_action": ids, "post": "yes", "reason": "Wrong VAT rate"},
    )

    assert response.status_code == 302
    for invoice in pending:
        invoice.refresh_from_db()
        assert (invoice.status, invoice.rejection_reason) == ("rejected", "Wrong VAT rate")
        [event] = transition_events(invoice, "reject")
        assert (event.actor, event.reason) == (approver, "Wrong VAT rate")
    assert messages_of(response) == [f"{invoice.invoice_number}: rejected." for invoice in pending]


def test_reject_selected_without_a_reason_shows_the_page_again_and_rejects_nothing(
    approver: Any, pending: list[Invoice]
) -> None:
    response = login(approver).post(
        CHANGELIST,
        {"action": "reject_selected", "_selected_action": [pending[0].pk], "post": "yes", "reason": "   "},
    )

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert status_of(pending[0]) == "pending_approval"
    assert not InvoiceEvent.objects.filter(transition="reject").exists()


def test_cancel_selected_runs_for_admins_and_is_refused_for_approvers(
    admin_user: Any, approver: Any, owner: Any
) -> None:
    first, second = make_invoice(owner=owner), make_invoice(owner=owner)

    refused = login(approver).post(CHANGELIST, {"action": "cancel_selected", "_selected_action": [first.pk]})
    assert messages_of(refused) == [f"{first.invoice_number}: You are not allowed to cancel this invoice."]
    assert status_of(first) == "draft"

    done = login(admin_user).post(CHANGELIST, {"action": "cancel_selected", "_selected_action": [first.pk, second.pk]})
    assert [status_of(first), status_of(second)] == ["cancelled", "cancelled"]
    assert [len(transition_events(invoice, "cancel")) for invoice in (first, second)] == [1, 1]
    assert messages_of(done) == [f"{first.invoice_number}: cancelled.", f"{second.invoice_number}: cancelled."]


def test_change_page_offers_only_the_transitions_the_user_may_run(
    owner: Any, approver: Any, admin_user: Any, pending: list[Invoice]
) -> None:
    invoice = pending[0]
    own = advance(make_invoice(owner=approver), to="pending_approval", approver=approver)

    buttons = login(approver).get(change_url(invoice)).context["transition_buttons"]
    assert [button["name"] for button in buttons] == ["approve", "reject"]
    own_buttons = login(approver).get(change_url(own)).context["transition_buttons"]
    assert [button["name"] for button in own_buttons] == ["cancel"]  # the owner may cancel, never approve
    admin_page = login(admin_user).get(change_url(invoice))
    assert [button["name"] for button in admin_page.context["transition_buttons"]] == ["approve", "reject", "cancel"]
    assert transition_url(invoice, "approve") in admin_page.content.decode()


def test_approve_button_runs_the_service_and_returns_to_the_invoice(approver: Any, pending: list[Invoice]) -> None:
    invoice = pending[0]

    response = login(approver).post(transition_url(invoice, "approve"))

    assert response.status_code == 302 and response["Location"] == change_url(invoice)
    assert status_of(invoice) == "approved"
    assert len(transition_events(invoice, "approve")) == 1
    assert messages_of(response) == [f"{invoice.invoice_number}: approved."]


def test_approve_button_on_your_own_invoice_is_refused_by_the_four_eyes_rule(approver: Any) -> None:
    own = advance(make_invoice(owner=approver), to="pending_approval", approver=approver)

    response = login(approver).post(transition_url(own, "approve"))

    assert response.status_code == 302
    assert status_of(own) == "pending_approval"
    assert transition_events(own, "approve") == []
    assert messages_of(response) == [f"{own.invoice_number}: You cannot approve your own invoice (four-eyes rule)."]


def test_second_approval_of_the_same_invoice_is_a_reported_conflict(
    approver: Any, second_approver: Any, pending: list[Invoice]
) -> None:
    invoice = pending[0]
    login(approver).post(transition_url(invoice, "approve"))

    response = login(second_approver).post(transition_url(invoice, "approve"))

    assert len(transition_events(invoice, "approve")) == 1
    assert messages_of(response) == [f"{invoice.invoice_number}: Cannot approve an invoice that is approved."]


def test_reject_button_asks_for_a_reason_then_rejects(approver: Any, pending: list[Invoice]) -> None:
    invoice = pending[0]
    client = login(approver)

    page = client.get(transition_url(invoice, "reject"))
    assert page.status_code == 200 and "Reject invoice" in page.content.decode()
    assert status_of(invoice) == "pending_approval"

    empty = client.post(transition_url(invoice, "reject"), {"reason": ""})
    assert empty.status_code == 200 and "This field is required." in empty.content.decode()
    assert transition_events(invoice, "reject") == []

    response = client.post(transition_url(invoice, "reject"), {"reason": "Missing purchase order"})
    assert response.status_code == 302 and response["Location"] == change_url(invoice)
    invoice.refresh_from_db()
    assert (invoice.status, invoice.rejection_reason) == ("rejected", "Missing purchase order")
    assert len(transition_events(invoice, "reject")) == 1


def test_pay_button_records_one_payment_of_the_whole_balance(admin_user: Any, owner: Any, approver: Any) -> None:
    invoice = advance(make_invoice(owner=owner), to="sent", approver=approver)

    response = login(admin_user).post(transition_url(invoice, "pay"))

    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    [payment] = Payment.objects.filter(invoice=invoice)
    assert (payment.amount, payment.recorded_by) == (invoice.total_amount, admin_user)
    assert messages_of(response) == [f"{invoice.invoice_number}: paid in full."]


def test_transition_urls_accept_only_posts_and_known_transitions(approver: Any, pending: list[Invoice]) -> None:
    client = login(approver)
    invoice = pending[0]

    assert client.get(transition_url(invoice, "approve")).status_code == 405
    assert client.post(transition_url(invoice, "mark_overdue")).status_code == 404
    assert client.post(reverse("admin:invoices_invoice_transition", args=[987654, "approve"])).status_code == 404
    assert status_of(invoice) == "pending_approval"
    assert not InvoiceEvent.objects.filter(kind=EventKind.TRANSITION, transition="approve").exists()


def test_people_outside_the_back_office_cannot_use_the_transition_urls(
    owner: Any, clerk: Any, pending: list[Invoice]
) -> None:
    invoice = pending[0]

    anonymous = Client().post(transition_url(invoice, "approve"))
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]
    not_staff = login(owner).post(transition_url(invoice, "cancel"))
    assert not_staff.status_code == 302 and "/admin/login/" in not_staff["Location"]
    assert status_of(invoice) == "pending_approval"
