"""The state machine through the API: transition actions, PATCH status/, the audit trail."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from invoices.models import Invoice, InvoiceEvent
from invoices.tests.api_support import INVOICES, client_for, event_count, invoice_body, invoice_url, line
from invoices.tests.factories import advance, make_invoice

pytestmark = pytest.mark.django_db


def _status(invoice: Invoice) -> str:
    invoice.refresh_from_db()
    return invoice.status


def test_an_invoice_lives_its_whole_life_through_the_api(owner: Any, approver: Any) -> None:
    mine, theirs = client_for(owner), client_for(approver)
    body = invoice_body(items=[line("Work", "10", "12.50", tax_rate="20")])
    created = mine.post(INVOICES, body, format="json").json()
    url = invoice_url(created["id"])
    assert (created["status"], created["total_amount"]) == ("draft", "150.00")

    assert mine.post(url + "submit/").json()["status"] == "pending_approval"
    rejected = theirs.post(url + "reject/", {"reason": "Wrong rate"}, format="json").json()
    assert (rejected["status"], rejected["rejection_reason"]) == ("rejected", "Wrong rate")
    assert mine.post(url + "revise/").json()["status"] == "draft"
    assert (
        mine.patch(url, {"items": [line("Work", "10", "12.00", tax_rate="20")]}, format="json").json()["total_amount"]
        == "144.00"
    )
    assert mine.post(url + "submit/").json()["status"] == "pending_approval"
    approved = theirs.post(url + "approve/").json()
    assert approved["status"] == "approved"
    assert approved["approved_by"] == {"id": approver.pk, "username": approver.username}
    assert approved["approved_at"] is not None
    sent = mine.post(url + "send/").json()
    assert (sent["status"], sent["available_transitions"]) == ("sent", ["cancel", "pay"])
    payment = mine.post(url + "payments/", {"amount": "44.00", "method": "card"}, format="json")
    assert payment.status_code == 201
    partly = mine.get(url).json()
    assert (partly["status"], partly["amount_paid"], partly["balance_due"]) == ("sent", "44.00", "100.00")
    paid = mine.post(url + "pay/").json()
    assert (paid["status"], paid["amount_paid"], paid["balance_due"]) == ("paid", "144.00", "0.00")
    assert paid["available_transitions"] == []
    assert paid["paid_at"] is not None

    trail = mine.get(url + "events/").json()
    assert [(e["kind"], e["transition"], e["from_status"], e["to_status"]) for e in trail] == [
        ("created", None, None, "draft"),
        ("transition", "submit", "draft", "pending_approval"),
        ("transition", "reject", "pending_approval", "rejected"),
        ("transition", "revise", "rejected", "draft"),
        ("updated", None, None, None),
        ("transition", "submit", "draft", "pending_approval"),
        ("transition", "approve", "pending_approval", "approved"),
        ("transition", "send", "approved", "sent"),
        ("payment", None, None, None),
        ("payment", None, None, None),
        ("transition", "pay", "sent", "paid"),
    ]


def test_events_are_listed_oldest_first_with_their_full_shape(owner: Any, approver: Any) -> None:
    invoice = make_invoice(owner=owner)
    client_for(owner).post(invoice_url(invoice, "submit"))
    client_for(approver).post(invoice_url(invoice, "reject"), {"reason": "No PO number"}, format="json")

    trail = client_for(owner).get(invoice_url(invoice, "events")).json()

    assert [event["id"] for event in trail] == sorted(event["id"] for event in trail)
    rejection = trail[-1]
    assert set(rejection) == {"id", "kind", "transition", "from_status", "to_status", "actor", "reason", "data", "at"}
    assert rejection["actor"] == {"id": approver.pk, "username": approver.username}
    assert (rejection["kind"], rejection["transition"], rejection["reason"]) == ("transition", "reject", "No PO number")
    assert trail[0]["data"] == {"total_amount": "100.00", "items": 1}


def test_a_transition_from_the_wrong_state_is_a_409_with_status_and_available_transitions(
    owner: Any, approver: Any
) -> None:
    invoice = make_invoice(owner=owner)

    response = client_for(approver).post(invoice_url(invoice, "approve"))

    assert response.status_code == 409
    assert response.json() == {
        "detail": "Cannot approve an invoice that is draft.",
        "status": "draft",
        # Staff may see the invoice but only its owner may submit it; an admin-only cancel is not offered.
        "available_transitions": [],
    }
    assert _status(invoice) == "draft"
    assert event_count(invoice) == 1


def test_the_owner_gets_their_own_available_transitions_in_a_409(owner: Any, approver: Any) -> None:
    invoice = advance(make_invoice(owner=owner), to="sent", approver=approver)

    response = client_for(owner).post(invoice_url(invoice, "submit"))

    assert response.status_code == 409
    assert response.json()["status"] == "sent"
    assert response.json()["available_transitions"] == ["cancel", "pay"]


def test_submitting_an_invoice_without_items_is_a_409(owner: Any) -> None:
    invoice = make_invoice(owner=owner, items=[])

    response = client_for(owner).post(invoice_url(invoice, "submit"))

    assert response.status_code == 409
    assert "at least one item" in response.json()["detail"]
    assert _status(invoice) == "draft"
    assert event_count(invoice) == 1


def test_staff_without_the_approve_permission_get_403_and_nothing_changes(
    owner: Any, staff_without_permission: Any
) -> None:
    invoice = make_invoice(owner=owner)
    client_for(owner).post(invoice_url(invoice, "submit"))

    response = client_for(staff_without_permission).post(invoice_url(invoice, "approve"))

    assert response.status_code == 403
    assert _status(invoice) == "pending_approval"
    assert event_count(invoice) == 2


def test_an_approver_cannot_approve_or_reject_their_own_invoice(approver: Any) -> None:
    invoice = make_invoice(owner=approver)
    client = client_for(approver)
    client.post(invoice_url(invoice, "submit"))

    approval = client.post(invoice_url(invoice, "approve"))
    rejection = client.post(invoice_url(invoice, "reject"), {"reason": "hmm"}, format="json")

    assert approval.status_code == 403
    assert "four-eyes" in approval.json()["detail"]
    assert rejection.status_code == 403
    assert _status(invoice) == "pending_approval"
    assert event_count(invoice) == 2


def test_only_the_owner_may_submit_send_or_revise(owner: Any, approver: Any) -> None:
    invoice = make_invoice(owner=owner)

    response = client_for(approver).post(invoice_url(invoice, "submit"))

    assert response.status_code == 403
    assert _status(invoice) == "draft"
    assert event_count(invoice) == 1


def test_a_rejection_needs_a_reason(owner: Any, approver: Any) -> None:
    invoice = make_invoice(owner=owner)
    client_for(owner).post(invoice_url(invoice, "submit"))

    response = client_for(approver).post(invoice_url(invoice, "reject"), {"reason": "   "}, format="json")

    assert response.status_code == 400
    assert "reason" in response.json()
    assert _status(invoice) == "pending_approval"
    assert event_count(invoice) == 2


def test_cancel_works_from_sent_and_paid_is_terminal(owner: Any, approver: Any) -> None:
    sent = advance(make_invoice(owner=owner), to="sent", approver=approver)
    paid = advance(make_invoice(owner=owner), to="paid", approver=approver)
    client = client_for(owner)

    cancelled = client.post(invoice_url(sent, "cancel"))
    refused = client.post(invoice_url(paid, "cancel"))

    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["cancelled_at"] is not None
    assert refused.status_code == 409
    assert refused.json() == {
        "detail": "Cannot cancel an invoice that is paid.",
        "status": "paid",
        "available_transitions": [],
    }


def test_patch_status_runs_the_transition_that_leads_there(owner: Any, approver: Any) -> None:
    invoice = make_invoice(owner=owner)

    submitted = client_for(owner).patch(invoice_url(invoice, "status"), {"status": "pending_approval"}, format="json")
    approved = client_for(approver).patch(invoice_url(invoice, "status"), {"status": "approved"}, format="json")

    assert (submitted.status_code, submitted.json()["status"]) == (200, "pending_approval")
    assert (approved.status_code, approved.json()["status"]) == (200, "approved")
    assert list(InvoiceEvent.objects.filter(invoice=invoice).values_list("transition", flat=True)) == [
        "",
        "submit",
        "approve",
    ]


def test_patch_status_to_paid_pays_the_balance(owner: Any, approver: Any) -> None:
    invoice = advance(make_invoice(owner=owner), to="sent", approver=approver)

    response = client_for(owner).patch(invoice_url(invoice, "status"), {"status": "paid"}, format="json")

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["balance_due"]) == ("paid", "0.00")
    assert invoice.payments.count() == 1


def test_patch_status_with_no_way_there_is_a_409_and_an_unknown_status_a_400(owner: Any) -> None:
    invoice = make_invoice(owner=owner)
    client = client_for(owner)

    impossible = client.patch(invoice_url(invoice, "status"), {"status": "paid"}, format="json")
    unknown = client.patch(invoice_url(invoice, "status"), {"status": "archived"}, format="json")
    missing = client.patch(invoice_url(invoice, "status"), {}, format="json")

    assert impossible.status_code == 409
    assert set(impossible.json()) == {"detail", "status", "available_transitions"}
    assert unknown.status_code == 400
    assert "draft, pending_approval" in unknown.json()["status"][0]
    assert missing.status_code == 400
    assert _status(invoice) == "draft"
    assert event_count(invoice) == 1


def test_transition_responses_carry_the_new_etag(owner: Any) -> None:
    invoice = make_invoice(owner=owner)

    response = client_for(owner).post(invoice_url(invoice, "submit"))

    invoice.refresh_from_db()
    assert response["ETag"] == invoice.etag == f'"{invoice.pk}-2"'


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_of_two_concurrent_approvals_one_wins_and_the_other_gets_409(
    owner: Any, approver: Any, second_approver: Any
) -> None:
    invoice = make_invoice(owner=owner)
    client_for(owner).post(invoice_url(invoice, "submit"))
    barrier = threading.Barrier(2)
    codes: list[int] = []

    def approve(user: Any) -> None:
        try:
            client = client_for(user)
            barrier.wait(timeout=10)
            codes.append(client.post(invoice_url(invoice, "approve")).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(user,)) for user in (approver, second_approver)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(codes) == [200, 409]
    assert InvoiceEvent.objects.filter(invoice=invoice, transition="approve").count() == 1
    assert _status(invoice) == "approved"


def test_a_rejection_without_a_reason_is_refused_at_the_edge_and_changes_nothing(owner: Any, approver: Any) -> None:
    invoice = make_invoice(owner=owner)
    client_for(owner).post(invoice_url(invoice, "submit"))

    response = client_for(approver).post(invoice_url(invoice, "reject"), {}, format="json")

    assert response.status_code == 400
    assert response.json() == {"reason": ["A reason is required to reject an invoice."]}
    assert _status(invoice) == "pending_approval"
    assert event_count(invoice) == 2


def test_a_rejection_of_an_invisible_invoice_is_a_404_even_without_a_reason(owner: Any, other_user: Any) -> None:
    invoice = make_invoice(owner=owner)

    response = client_for(other_user).post(invoice_url(invoice, "reject"), {}, format="json")

    assert response.status_code == 404


def test_an_unknown_target_status_is_a_400_listing_the_statuses_and_changes_nothing(owner: Any) -> None:
    invoice = make_invoice(owner=owner)

    response = client_for(owner).patch(invoice_url(invoice, "status"), {"status": "archived"}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "status": [
            "Unknown status; use one of draft, pending_approval, approved, rejected, sent, overdue, paid, cancelled."
        ]
    }
    assert (_status(invoice), event_count(invoice)) == ("draft", 1)
