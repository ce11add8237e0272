"""The actions: one `check()` that every door reads, one `execute()` in one durable
transaction, and no service nested inside another's lock."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.errors import Conflict, Forbidden, InvalidInput
from invoices import services
from invoices.actions import (
    OFFERED_ACTIONS,
    ApproveInvoice,
    IssueCreditNote,
    PayInFull,
    RecordPayment,
    available_transitions,
    payment_time,
    transaction_for_one_write,
)
from invoices.models import InvoiceEvent, InvoiceStatus, Payment
from invoices.tests.api_support import client_for as api_client_for
from invoices.tests.api_support import invoice_url
from invoices.tests.factories import advance, item, make_invoice
from invoices.tests.pages_support import client_for as page_client_for
from invoices.tests.pages_support import messages_of

pytestmark = pytest.mark.django_db

STAGES = ["draft", "pending_approval", "approved", "sent", "paid"]


def _invoice_at(stage: str, *, owner: Any, approver: Any) -> Any:
    invoice = make_invoice(owner=owner)
    if stage != "draft":
        advance(invoice, to=stage, approver=approver)
    invoice.refresh_from_db()
    return invoice


def _allowed_by_check(invoice: Any, user: Any) -> list[str]:
    allowed = []
    for name, action_class in OFFERED_ACTIONS.items():
        try:
            action_class(invoice=invoice, actor=user).check()
        except (Conflict, Forbidden):
            continue
        allowed.append(name)
    return allowed


@pytest.mark.parametrize("stage", STAGES)
def test_every_door_offers_exactly_what_check_allows(
    stage: str, owner: Any, other_user: Any, approver: Any, admin_user: Any, staff_without_permission: Any
) -> None:
    invoice = _invoice_at(stage, owner=owner, approver=approver)

    for user in (owner, approver, admin_user, staff_without_permission):
        offered = available_transitions(invoice=invoice, user=user)
        assert offered == _allowed_by_check(invoice, user), (stage, user.username)
        api = api_client_for(user).get(invoice_url(invoice))
        assert api.status_code == 200
        assert api.json()["available_transitions"] == offered


def test_check_words_the_four_eyes_refusal_and_the_api_answers_with_them(approver: Any, owner: Any) -> None:
    own = make_invoice(owner=approver)
    services.invoice_submit(invoice_id=own.pk, actor=approver)
    own.refresh_from_db()

    with pytest.raises(Forbidden) as refused:
        ApproveInvoice(invoice=own, actor=approver).check()
    response = api_client_for(approver).post(invoice_url(own, "approve"))

    assert refused.value.detail == "You cannot approve your own invoice (four-eyes rule)."
    assert response.status_code == 403
    assert response.json() == {"detail": refused.value.detail}
    assert not InvoiceEvent.objects.filter(invoice=own, transition="approve").exists()


def test_a_payment_and_paying_in_full_are_refused_with_the_same_409(owner: Any) -> None:
    draft = make_invoice(owner=owner)
    client = api_client_for(owner)

    pay = client.post(invoice_url(draft, "pay"), {}, format="json")
    payment = client.post(invoice_url(draft, "payments"), {"amount": "10.00"}, format="json")

    expected = "Payments can be recorded only on sent or overdue invoices; this one is draft."
    assert (pay.status_code, payment.status_code) == (409, 409)
    assert (
        pay.json()
        == payment.json()
        == {
            "detail": expected,
            "status": "draft",
            "available_transitions": [
                "submit",
                "cancel",
            ],
        }
    )
    assert not Payment.objects.exists()


def test_a_service_called_inside_an_open_transaction_is_a_runtime_error_and_writes_nothing(owner: Any) -> None:
    invoice = make_invoice(owner=owner)

    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        services.invoice_submit(invoice_id=invoice.pk, actor=owner)

    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.DRAFT
    assert not InvoiceEvent.objects.filter(invoice=invoice, kind="transition").exists()


def test_one_write_transaction_admits_one_service_and_a_second_one_rolls_everything_back(
    owner: Any, approver: Any
) -> None:
    invoice = advance(make_invoice(owner=owner, items=[item(unit_price="100.00")]), to="sent", approver=approver)

    with pytest.raises(RuntimeError, match="durable"), transaction_for_one_write():
        services.payment_record(invoice_id=invoice.pk, actor=owner, amount="10.00")
        services.payment_record(invoice_id=invoice.pk, actor=owner, amount="10.00")

    invoice.refresh_from_db()
    assert str(invoice.amount_paid) == "0.00"
    assert not Payment.objects.exists()


@pytest.mark.postgres
def test_paying_in_full_locks_the_invoice_row_once(owner: Any, approver: Any) -> None:
    invoice = advance(make_invoice(owner=owner), to="sent", approver=approver)

    with CaptureQueriesContext(connection) as queries:
        services.invoice_pay_in_full(invoice_id=invoice.pk, actor=owner)

    locks = [query["sql"] for query in queries.captured_queries if "FOR UPDATE" in query["sql"]]
    assert len([sql for sql in locks if '"invoices_invoice"' in sql.split("FROM", 1)[1]]) == 1
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID


def test_paying_in_full_pays_the_balance_read_under_the_lock(owner: Any, approver: Any) -> None:
    invoice = advance(make_invoice(owner=owner, items=[item(unit_price="100.00")]), to="sent", approver=approver)
    services.payment_record(invoice_id=invoice.pk, actor=owner, amount="30.00")

    payment = PayInFull(invoice_id=invoice.pk, actor=owner).execute()

    invoice.refresh_from_db()
    assert str(payment.amount) == "70.00"
    assert invoice.status == InvoiceStatus.PAID
    assert list(InvoiceEvent.objects.filter(invoice=invoice).values_list("kind", "transition"))[-3:] == [
        ("payment", ""),
        ("payment", ""),
        ("transition", "pay"),
    ]


def test_an_overpayment_is_refused_by_the_payment_check_and_records_nothing(owner: Any, approver: Any) -> None:
    invoice = advance(make_invoice(owner=owner, items=[item(unit_price="100.00")]), to="sent", approver=approver)
    events = InvoiceEvent.objects.filter(invoice=invoice).count()

    with pytest.raises(InvalidInput) as refused:
        RecordPayment(invoice_id=invoice.pk, actor=owner, amount="100.01").execute()

    assert refused.value.status_code == 400
    assert refused.value.errors == {"amount": ["Payment of 100.01 USD exceeds the balance due of 100.00 USD."]}
    assert not Payment.objects.exists()
    assert InvoiceEvent.objects.filter(invoice=invoice).count() == events


def test_the_credit_form_shows_exactly_when_the_credit_check_allows_it(
    owner: Any, approver: Any, admin_user: Any
) -> None:
    sent = advance(make_invoice(owner=owner), to="sent", approver=approver)
    draft = make_invoice(owner=owner)

    for invoice, user, allowed in ((sent, owner, True), (sent, admin_user, False), (draft, owner, False)):
        invoice.refresh_from_db()
        assert IssueCreditNote(invoice=invoice, actor=user).is_allowed() is allowed
        response = page_client_for(user).get(f"/invoices/{invoice.pk}/")
        assert response.status_code == 200
        assert response.context["can_credit"] is allowed


# --- the payment time convention ----------------------------------------------------------


def test_a_day_in_the_past_is_recorded_at_local_midday() -> None:
    day = timezone.localdate() - timedelta(days=3)

    moment = payment_time(paid_at=day)

    assert timezone.localtime(moment).date() == day
    assert (timezone.localtime(moment).hour, timezone.localtime(moment).minute) == (12, 0)


def test_today_and_nothing_mean_now() -> None:
    before = timezone.now()

    moments = [payment_time(paid_at=timezone.localdate()), payment_time(paid_at=None)]

    assert all(before <= moment <= timezone.now() for moment in moments)


def test_a_moment_is_kept_as_given() -> None:
    moment = timezone.make_aware(datetime(2026, 3, 4, 8, 15))

    assert payment_time(paid_at=moment) == moment


def test_the_page_and_the_api_record_the_same_day_at_the_same_moment(owner: Any, approver: Any) -> None:
    invoice = advance(make_invoice(owner=owner, items=[item(unit_price="100.00")]), to="sent", approver=approver)
    day: date = timezone.localdate() - timedelta(days=2)

    page = page_client_for(owner).post(
        f"/invoices/{invoice.pk}/payments/", {"amount": "10.00", "paid_at": day.isoformat(), "method": "cash"}
    )
    api = api_client_for(owner).post(
        invoice_url(invoice, "payments"), {"amount": "10.00", "paid_at": day.isoformat()}, format="json"
    )

    assert page.status_code == 302, messages_of(page)
    assert api.status_code == 201, api.json()
    page_payment, api_payment = Payment.objects.order_by("id")
    assert page_payment.paid_at == payment_time(paid_at=day)
    assert api_payment.paid_at == page_payment.paid_at
