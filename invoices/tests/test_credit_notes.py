"""Credit notes: what they do to the invoice's balance, the limits, and the audit trail."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import Conflict, Forbidden, InvalidInput
from invoices import services
from invoices.models import CreditNote, Invoice, InvoiceEvent
from invoices.tests.factories import advance, item, make_invoice

pytestmark = pytest.mark.django_db


def _sent(owner: Any, approver: Any, **fields: Any) -> Invoice:
    items = fields.pop("items", [item(unit_price="100.00", tax_rate="20")])  # total 120.00
    return advance(make_invoice(owner=owner, items=items, **fields), to="sent", approver=approver)


def _credit(invoice: Invoice, *, unit_price: str = "10.00", tax_rate: str = "20", reason: str = "Damaged") -> Any:
    return services.credit_note_create(
        invoice_id=invoice.pk,
        actor=invoice.owner,
        reason=reason,
        items=[item("Returned goods", unit_price=unit_price, tax_rate=tax_rate)],
    )


def test_a_credit_lowers_the_balance_of_an_unpaid_invoice(owner: Any, approver: Any) -> None:
    invoice = _sent(owner, approver)
    note = _credit(invoice)
    invoice.refresh_from_db()
    assert (note.subtotal, note.tax_amount, note.total_amount, note.currency) == (
        Decimal("10.00"),
        Decimal("2.00"),
        Decimal("12.00"),
        invoice.currency,
    )
    assert note.number.startswith("CN-") and note.number.endswith("-00001")
    assert (invoice.amount_credited, invoice.balance_due, invoice.refund_owed, invoice.status) == (
        Decimal("12.00"),
        Decimal("108.00"),
        Decimal("0.00"),
        "sent",
    )
    event = InvoiceEvent.objects.get(invoice=invoice, kind="credit")
    assert (event.reason, event.data["number"], event.data["balance_due"], event.actor) == (
        "Damaged",
        note.number,
        "108.00",
        owner,
    )


def test_credit_notes_have_their_own_series(owner: Any, approver: Any) -> None:
    first, second = _sent(owner, approver), _sent(owner, approver)
    numbers = [_credit(first).number, _credit(second).number, _credit(first).number]
    assert [number[-5:] for number in numbers] == ["00001", "00002", "00003"]


def test_a_credit_that_covers_the_rest_settles_the_invoice_as_paid(owner: Any, approver: Any) -> None:
    invoice = _sent(owner, approver)
    services.payment_record(invoice_id=invoice.pk, actor=owner, amount="60.00")
    _credit(invoice, unit_price="50.00", tax_rate="20")  # 60.00: nothing left to pay
    invoice.refresh_from_db()
    assert (invoice.status, invoice.balance_due, invoice.refund_owed) == ("paid", Decimal("0.00"), Decimal("0.00"))
    assert list(InvoiceEvent.objects.filter(invoice=invoice).values_list("kind", "transition"))[-2:] == [
        ("credit", ""),
        ("transition", "pay"),
    ]


def test_a_credit_on_a_paid_invoice_records_a_refund_owed(owner: Any, approver: Any) -> None:
    invoice = _sent(owner, approver)
    services.invoice_pay_in_full(invoice_id=invoice.pk, actor=owner)
    _credit(invoice, unit_price="25.00", tax_rate="0")
    invoice.refresh_from_db()
    assert (invoice.status, invoice.balance_due, invoice.refund_owed) == ("paid", Decimal("0.00"), Decimal("25.00"))


def test_crediting_more_than_the_invoice_total_is_refused_and_writes_nothing(owner: Any, approver: Any) -> None:
    invoice = _sent(owner, approver)
    _credit(invoice, unit_price="100.00", tax_rate="0")
    with pytest.raises(InvalidInput) as raised:
        _credit(invoice, unit_price="20.01", tax_rate="0")
    assert raised.value.errors == {
        "items": ["The credit of 20.01 exceeds what is left to credit on this invoice (20.00 of 120.00)."]
    }
    invoice.refresh_from_db()
    assert invoice.amount_credited == Decimal("100.00")
    assert CreditNote.objects.count() == 1
    assert InvoiceEvent.objects.filter(invoice=invoice, kind="credit").count() == 1


@pytest.mark.parametrize("state", ["draft", "pending_approval", "approved", "cancelled"])
def test_only_sent_overdue_or_paid_invoices_can_be_credited(owner: Any, approver: Any, state: str) -> None:
    invoice = make_invoice(owner=owner)
    if state == "cancelled":
        services.invoice_cancel(invoice_id=invoice.pk, actor=owner)
    elif state != "draft":
        advance(invoice, to=state, approver=approver)
    with pytest.raises(Conflict) as raised:
        _credit(invoice)
    assert raised.value.detail == (
        f"Credit notes can be issued only on sent, overdue or paid invoices; this one is {state}."
    )
    assert not CreditNote.objects.exists()


def test_a_credit_needs_a_reason_and_items(owner: Any, approver: Any) -> None:
    invoice = _sent(owner, approver)
    with pytest.raises(InvalidInput) as raised:
        services.credit_note_create(invoice_id=invoice.pk, actor=owner, reason="  ", items=[])
    assert raised.value.errors == {
        "reason": ["A reason is required for a credit note."],
        "items": ["A credit note needs at least one item."],
    }
    assert not CreditNote.objects.exists()


def test_only_the_owner_issues_credit_notes(owner: Any, approver: Any, other_user: Any) -> None:
    invoice = _sent(owner, approver)
    with pytest.raises(Forbidden):
        services.credit_note_create(invoice_id=invoice.pk, actor=approver, reason="x", items=[item()])
    with pytest.raises(Exception) as raised:
        services.credit_note_create(invoice_id=invoice.pk, actor=other_user, reason="x", items=[item()])
    assert type(raised.value).__name__ == "NotFound"
    assert not CreditNote.objects.exists()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    credits=st.lists(
        st.tuples(
            st.decimals(min_value=Decimal("0.01"), max_value=Decimal("80.00"), places=2),
            st.sampled_from(["0", "7", "19", "20"]),
        ),
        min_size=1,
        max_size=8,
    ),
    pay_first=st.decimals(min_value=Decimal("0"), max_value=Decimal("120.00"), places=2),
)
def test_random_credits_never_push_the_credited_total_past_the_invoice_total(
    owner: Any, approver: Any, credits: list[tuple[Decimal, str]], pay_first: Decimal
) -> None:
    invoice = _sent(owner, approver)
    if pay_first:
        services.payment_record(invoice_id=invoice.pk, actor=owner, amount=pay_first)
    accepted = Decimal("0.00")
    for unit_price, rate in credits:
        before = Invoice.objects.get(pk=invoice.pk)
        try:
            note = _credit(invoice, unit_price=str(unit_price), tax_rate=rate)
        except InvalidInput:
            after = Invoice.objects.get(pk=invoice.pk)
            assert after.amount_credited == before.amount_credited  # a refusal changes nothing
            continue
        accepted += note.total_amount
    fresh = Invoice.objects.get(pk=invoice.pk)
    assert fresh.amount_credited == accepted <= fresh.total_amount
    assert fresh.balance_due == max(Decimal("0.00"), fresh.total_amount - fresh.amount_paid - accepted)
    assert fresh.refund_owed == max(Decimal("0.00"), fresh.amount_paid + accepted - fresh.total_amount)
    assert (fresh.status == "paid") == (fresh.balance_due == 0)
