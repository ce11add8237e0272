"""The state machine: every transition for every role, four-eyes, and the audit trail."""

from __future__ import annotations

import pytest

from core.errors import Conflict, Forbidden, InvalidInput
from invoices import services
from invoices.models import InvoiceEvent
from invoices.tests.factories import advance, item, make_invoice

pytestmark = pytest.mark.django_db

ROLES = ("owner", "other_user", "approver", "staff_without_permission", "admin_user")


def _invoice_in(state: str, *, owner, approver):
    invoice = make_invoice(owner=owner)
    if state == "draft":
        return invoice
    if state == "rejected":
        services.invoice_submit(invoice_id=invoice.pk, actor=owner)
        services.invoice_reject(invoice_id=invoice.pk, actor=approver, reason="Wrong address")
    elif state == "cancelled":
        services.invoice_cancel(invoice_id=invoice.pk, actor=owner)
    elif state == "overdue":
        advance(invoice, to="sent", approver=approver)
        invoice.refresh_from_db()
        from invoices.models import Invoice

        Invoice.objects.filter(pk=invoice.pk).update(issue_date="2020-01-01", due_date="2020-01-31")
        services.invoices_mark_overdue()
    else:
        advance(invoice, to=state, approver=approver)
    invoice.refresh_from_db()
    assert invoice.status == state
    return invoice


# (state, transition, role) -> expected outcome; anything not listed for a role is 403/404.
ALLOWED = {
    ("draft", "submit"): {"owner"},
    ("pending_approval", "approve"): {"approver", "admin_user"},
    ("pending_approval", "reject"): {"approver", "admin_user"},
    ("rejected", "revise"): {"owner"},
    ("approved", "send"): {"owner"},
    ("draft", "cancel"): {"owner", "admin_user"},
    ("pending_approval", "cancel"): {"owner", "admin_user"},
    ("rejected", "cancel"): {"owner", "admin_user"},
    ("approved", "cancel"): {"owner", "admin_user"},
    ("sent", "cancel"): {"owner", "admin_user"},
    ("overdue", "cancel"): {"owner", "admin_user"},
}
TARGET = {
    "submit": "pending_approval",
    "approve": "approved",
    "reject": "rejected",
    "revise": "draft",
    "send": "sent",
    "cancel": "cancelled",
}
STATES = ("draft", "pending_approval", "approved", "rejected", "sent", "overdue", "paid", "cancelled")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("transition", tuple(TARGET))
@pytest.mark.parametrize("state", STATES)
def test_every_transition_for_every_role_in_every_state(request, state, transition, role, owner, second_approver):
    invoice = _invoice_in(state, owner=owner, approver=second_approver)
    actor = request.getfixturevalue(role)
    events_before = InvoiceEvent.objects.filter(invoice=invoice).count()
    allowed = role in ALLOWED.get((state, transition), set())
    call = lambda: services.invoice_transition(  # noqa: E731
        invoice_id=invoice.pk, actor=actor, transition=transition, reason="Because"
    )
    if allowed:
        call()
        invoice.refresh_from_db()
        assert invoice.status == TARGET[transition]
        assert InvoiceEvent.objects.filter(invoice=invoice).count() == events_before + 1
        event = InvoiceEvent.objects.filter(invoice=invoice).latest("id")
        assert (event.transition, event.from_status, event.to_status, event.actor_id) == (
            transition,
            state,
            TARGET[transition],
            actor.pk,
        )
        return
    sees_invoice = role == "owner" or actor.is_staff
    expected: type[Exception]
    if (state, transition) not in ALLOWED:
        expected = Conflict if sees_invoice else Exception
    else:
        expected = Forbidden if sees_invoice else Exception
    with pytest.raises(expected) as error:
        call()
    if not sees_invoice:
        assert type(error.value).__name__ == "NotFound"
    invoice.refresh_from_db()
    assert invoice.status == state
    assert InvoiceEvent.objects.filter(invoice=invoice).count() == events_before


def test_approvers_cannot_approve_their_own_invoice(approver, second_approver) -> None:
    invoice = make_invoice(owner=approver)
    services.invoice_submit(invoice_id=invoice.pk, actor=approver)
    with pytest.raises(Forbidden) as error:
        services.invoice_approve(invoice_id=invoice.pk, actor=approver)
    assert "own invoice" in error.value.detail
    services.invoice_approve(invoice_id=invoice.pk, actor=second_approver)
    invoice.refresh_from_db()
    assert invoice.status == "approved" and invoice.approved_by == second_approver


def test_superusers_are_held_to_four_eyes_too(admin_user, approver) -> None:
    invoice = make_invoice(owner=admin_user)
    services.invoice_submit(invoice_id=invoice.pk, actor=admin_user)
    with pytest.raises(Forbidden):
        services.invoice_approve(invoice_id=invoice.pk, actor=admin_user)


def test_reject_needs_a_reason_and_records_it(owner, approver) -> None:
    invoice = make_invoice(owner=owner)
    services.invoice_submit(invoice_id=invoice.pk, actor=owner)
    with pytest.raises(InvalidInput) as error:
        services.invoice_reject(invoice_id=invoice.pk, actor=approver, reason="   ")
    assert "reason" in error.value.errors
    services.invoice_reject(invoice_id=invoice.pk, actor=approver, reason="Missing PO number")
    invoice.refresh_from_db()
    assert invoice.status == "rejected" and invoice.rejection_reason == "Missing PO number"
    assert InvoiceEvent.objects.get(invoice=invoice, transition="reject").reason == "Missing PO number"


def test_revised_invoice_is_editable_and_can_be_resubmitted(owner, approver) -> None:
    invoice = make_invoice(owner=owner)
    services.invoice_submit(invoice_id=invoice.pk, actor=owner)
    services.invoice_reject(invoice_id=invoice.pk, actor=approver, reason="Fix price")
    services.invoice_revise(invoice_id=invoice.pk, actor=owner)
    services.invoice_update(invoice_id=invoice.pk, actor=owner, data={}, items=[item(unit_price="90.00")])
    services.invoice_submit(invoice_id=invoice.pk, actor=owner)
    invoice.refresh_from_db()
    assert invoice.status == "pending_approval" and invoice.rejection_reason == ""


def test_submit_needs_items_and_a_positive_total(owner) -> None:
    free = make_invoice(owner=owner, items=[item(unit_price="0.00")])
    empty = make_invoice(owner=owner, items=[])
    for invoice in (free, empty):
        with pytest.raises(Conflict) as error:
            services.invoice_submit(invoice_id=invoice.pk, actor=owner)
        assert "at least one item" in error.value.detail
        invoice.refresh_from_db()
        assert invoice.status == "draft"


def test_available_transitions_follow_state_and_role(owner, approver, admin_user) -> None:
    invoice = make_invoice(owner=owner)
    assert services.invoice_user_transitions(invoice=invoice, user=owner) == ["submit", "cancel"]
    assert services.invoice_user_transitions(invoice=invoice, user=approver) == []
    services.invoice_submit(invoice_id=invoice.pk, actor=owner)
    invoice.refresh_from_db()
    assert services.invoice_user_transitions(invoice=invoice, user=approver) == ["approve", "reject"]
    assert services.invoice_user_transitions(invoice=invoice, user=owner) == ["cancel"]
    assert services.invoice_user_transitions(invoice=invoice, user=admin_user) == ["approve", "reject", "cancel"]


def test_wrong_state_conflict_reports_status_and_available_transitions(owner) -> None:
    invoice = make_invoice(owner=owner)
    with pytest.raises(Conflict) as error:
        services.invoice_send(invoice_id=invoice.pk, actor=owner)
    assert error.value.extra == {"status": "draft", "available_transitions": ["submit", "cancel"]}


def test_transition_to_status_runs_the_matching_transition(owner, approver) -> None:
    invoice = make_invoice(owner=owner)
    services.invoice_transition_to_status(invoice_id=invoice.pk, actor=owner, status="pending_approval")
    services.invoice_transition_to_status(invoice_id=invoice.pk, actor=approver, status="approved")
    services.invoice_transition_to_status(invoice_id=invoice.pk, actor=owner, status="sent")
    services.invoice_transition_to_status(invoice_id=invoice.pk, actor=owner, status="paid")
    invoice.refresh_from_db()
    assert invoice.status == "paid" and invoice.balance_due == 0
    with pytest.raises(Conflict):
        services.invoice_transition_to_status(invoice_id=invoice.pk, actor=owner, status="draft")


def test_status_field_cannot_be_assigned_directly(owner) -> None:
    invoice = make_invoice(owner=owner)
    with pytest.raises(AttributeError):
        invoice.status = "paid"


def test_events_are_append_only(owner) -> None:
    event = InvoiceEvent.objects.get(invoice=make_invoice(owner=owner))
    event.reason = "rewritten"
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()


def test_the_database_refuses_to_rewrite_events(owner) -> None:
    from django.db import DatabaseError, transaction

    invoice = make_invoice(owner=owner)
    with pytest.raises(DatabaseError), transaction.atomic():
        InvoiceEvent.objects.filter(invoice=invoice).update(reason="rewritten")
    assert InvoiceEvent.objects.get(invoice=invoice).reason == ""
