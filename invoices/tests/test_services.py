"""The invoice service layer: creation, editing, validation and payments."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from core.errors import Conflict, InvalidInput, NotFound, PreconditionFailed
from invoices import services
from invoices.models import Customer, Invoice, InvoiceEvent, LineItem, Payment
from invoices.tests.factories import advance, item, make_invoice

pytestmark = pytest.mark.django_db


def test_create_computes_every_amount_on_the_server(owner) -> None:
    invoice = make_invoice(
        owner=owner,
        items=[
            item(quantity="3", unit_price="33.33", discount_percent="10", tax_rate="20"),
            item(description="Support", quantity="2", unit_price="50.00"),
        ],
    )
    assert invoice.status == "draft"
    assert invoice.subtotal == Decimal("189.99")
    assert invoice.tax_amount == Decimal("18.00")
    assert invoice.total_amount == Decimal("207.99")
    assert list(invoice.items.values_list("line_number", "line_total")) == [
        (1, Decimal("89.99")),
        (2, Decimal("100.00")),
    ]


def test_create_generates_a_number_in_the_documented_format(owner) -> None:
    invoice = make_invoice(owner=owner, issue_date=date(2026, 11, 2))
    assert invoice.invoice_number.startswith("INV-202611-")
    suffix = invoice.invoice_number.rsplit("-", 1)[1]
    assert len(suffix) == 6 and suffix.isalnum() and suffix.upper() == suffix


def test_create_reuses_the_owners_customer_by_name_and_copies_its_details(owner) -> None:
    first = make_invoice(owner=owner, customer_name="Acme Ltd")
    second = make_invoice(owner=owner, customer_name="acme ltd")
    assert first.customer_id == second.customer_id
    assert Customer.objects.filter(owner=owner).count() == 1
    assert second.customer_name == "Acme Ltd"
    assert second.customer_email == "billing@acme.example"


def test_create_refuses_another_users_customer(owner, other_user) -> None:
    theirs = services.customer_create(owner=other_user, name="Theirs")
    with pytest.raises(InvalidInput) as error:
        services.invoice_create(owner=owner, customer_id=theirs.pk, items=[item()])
    assert "customer_id" in error.value.errors
    assert not Invoice.objects.exists()


def test_given_invoice_number_is_unique_per_owner_only(owner, other_user) -> None:
    make_invoice(owner=owner, invoice_number="A-1")
    make_invoice(owner=other_user, invoice_number="A-1")
    with pytest.raises(InvalidInput) as error:
        make_invoice(owner=owner, invoice_number="A-1")
    assert "invoice_number" in error.value.errors
    assert Invoice.objects.filter(invoice_number="A-1").count() == 2


def test_total_that_disagrees_with_the_items_names_the_expected_value(owner) -> None:
    with pytest.raises(InvalidInput) as error:
        make_invoice(owner=owner, items=[item(quantity="2", unit_price="10.00")], expected_total="25.00")
    assert "expected 20.00" in error.value.errors["total_amount"][0]
    assert not Invoice.objects.exists()
    assert not Customer.objects.exists()


def test_matching_client_total_is_accepted(owner) -> None:
    invoice = make_invoice(owner=owner, items=[item(quantity="2", unit_price="10.00")], expected_total="20.00")
    assert invoice.total_amount == Decimal("20.00")


@pytest.mark.parametrize(
    ("line", "field"),
    [
        (item(quantity="0"), "quantity"),
        (item(quantity="-1"), "quantity"),
        (item(unit_price="-5"), "unit_price"),
        (item(unit_price="1000000000000.00"), "unit_price"),
        (item(discount_percent="101"), "discount_percent"),
        (item(tax_rate="-1"), "tax_rate"),
        ({"description": "", "quantity": "1", "unit_price": "1"}, "description"),
        ({"description": "x", "quantity": "abc", "unit_price": "1"}, "quantity"),
    ],
)
def test_bad_line_items_are_refused_naming_the_field(owner, line, field) -> None:
    with pytest.raises(InvalidInput) as error:
        make_invoice(owner=owner, items=[item(), line])
    assert list(error.value.errors or {}) == [f"items[1].{field}"]
    assert not Invoice.objects.exists() and not LineItem.objects.exists()


def test_more_than_500_items_are_refused(owner) -> None:
    with pytest.raises(InvalidInput) as error:
        make_invoice(owner=owner, items=[item()] * 501)
    assert "at most 500" in error.value.errors["items"][0]


def test_unknown_currency_and_due_date_before_issue_date_are_refused(owner) -> None:
    with pytest.raises(InvalidInput) as error:
        make_invoice(owner=owner, currency="XXY", issue_date=date(2026, 1, 10), due_date=date(2026, 1, 9))
    assert set(error.value.errors or {}) == {"currency", "due_date"}


def test_creation_writes_one_created_event(owner) -> None:
    invoice = make_invoice(owner=owner)
    assert list(InvoiceEvent.objects.filter(invoice=invoice).values_list("kind", "actor_id", "to_status")) == [
        ("created", owner.pk, "draft")
    ]


def test_update_replaces_items_recomputes_totals_and_bumps_the_version(owner) -> None:
    invoice = make_invoice(owner=owner)
    updated = services.invoice_update(
        invoice_id=invoice.pk,
        actor=owner,
        data={"notes": "Thanks"},
        items=[item(quantity="4", unit_price="2.50", tax_rate="10")],
        if_match=invoice.etag,
    )
    assert updated.total_amount == Decimal("11.00")
    assert updated.notes == "Thanks"
    assert updated.version == invoice.version + 1
    assert updated.items.count() == 1
    assert InvoiceEvent.objects.filter(invoice=invoice, kind="updated").count() == 1


def test_update_with_a_stale_etag_is_refused_and_changes_nothing(owner) -> None:
    invoice = make_invoice(owner=owner)
    with pytest.raises(PreconditionFailed):
        services.invoice_update(invoice_id=invoice.pk, actor=owner, data={"notes": "x"}, if_match='"0-0"')
    invoice.refresh_from_db()
    assert invoice.notes == ""
    assert not InvoiceEvent.objects.filter(kind="updated").exists()


def test_update_outside_draft_is_a_conflict(owner) -> None:
    invoice = make_invoice(owner=owner)
    services.invoice_submit(invoice_id=invoice.pk, actor=owner)
    with pytest.raises(Conflict) as error:
        services.invoice_update(invoice_id=invoice.pk, actor=owner, data={"notes": "late"})
    assert error.value.extra["status"] == "pending_approval"


def test_status_cannot_be_set_by_an_update(owner) -> None:
    invoice = make_invoice(owner=owner)
    with pytest.raises(InvalidInput) as error:
        services.invoice_update(invoice_id=invoice.pk, actor=owner, data={"status": "paid"})
    assert "status" in error.value.errors


def test_another_users_invoice_is_not_found_for_every_write(owner, other_user) -> None:
    invoice = make_invoice(owner=owner)
    for call in (
        lambda: services.invoice_update(invoice_id=invoice.pk, actor=other_user, data={"notes": "x"}),
        lambda: services.invoice_submit(invoice_id=invoice.pk, actor=other_user),
        lambda: services.invoice_delete(invoice_id=invoice.pk, actor=other_user),
        lambda: services.invoice_cancel(invoice_id=invoice.pk, actor=other_user),
    ):
        with pytest.raises(NotFound):
            call()
    assert InvoiceEvent.objects.filter(invoice=invoice).count() == 1


def test_delete_is_soft_and_only_for_draft_or_cancelled(owner, approver) -> None:
    draft = make_invoice(owner=owner)
    services.invoice_delete(invoice_id=draft.pk, actor=owner)
    draft.refresh_from_db()
    assert draft.deleted_at is not None
    assert not Invoice.objects.visible_to(owner).filter(pk=draft.pk).exists()

    approved = advance(make_invoice(owner=owner), to="approved", approver=approver)
    with pytest.raises(Conflict):
        services.invoice_delete(invoice_id=approved.pk, actor=owner)


def test_payments_accumulate_and_the_last_one_marks_the_invoice_paid(owner, approver) -> None:
    invoice = advance(make_invoice(owner=owner, items=[item(unit_price="100.00")]), to="sent", approver=approver)
    services.payment_record(invoice_id=invoice.pk, actor=owner, amount="40.00", reference="first")
    invoice.refresh_from_db()
    assert (invoice.status, invoice.amount_paid, invoice.balance_due) == ("sent", Decimal("40.00"), Decimal("60.00"))
    services.payment_record(invoice_id=invoice.pk, actor=owner, amount="60.00")
    invoice.refresh_from_db()
    assert invoice.status == "paid" and invoice.paid_at is not None and invoice.balance_due == Decimal("0.00")
    kinds = list(InvoiceEvent.objects.filter(invoice=invoice).values_list("kind", "transition"))
    assert kinds[-3:] == [("payment", ""), ("payment", ""), ("transition", "pay")]


def test_overpayment_is_refused_and_records_nothing(owner, approver) -> None:
    invoice = advance(make_invoice(owner=owner, items=[item(unit_price="100.00")]), to="sent", approver=approver)
    with pytest.raises(InvalidInput) as error:
        services.payment_record(invoice_id=invoice.pk, actor=owner, amount="100.01")
    assert "exceeds the balance due of 100.00" in error.value.errors["amount"][0]
    assert not Payment.objects.exists()


@pytest.mark.parametrize("amount", ["0", "-1", "1.234", "abc"])
def test_payment_amount_must_be_positive_cents(owner, approver, amount) -> None:
    invoice = advance(make_invoice(owner=owner), to="sent", approver=approver)
    with pytest.raises(InvalidInput):
        services.payment_record(invoice_id=invoice.pk, actor=owner, amount=amount)


def test_payments_outside_sent_or_overdue_are_a_conflict(owner) -> None:
    invoice = make_invoice(owner=owner)
    with pytest.raises(Conflict):
        services.payment_record(invoice_id=invoice.pk, actor=owner, amount="1.00")
    assert not Payment.objects.exists()


def test_another_user_cannot_record_a_payment(owner, other_user, approver) -> None:
    invoice = advance(make_invoice(owner=owner), to="sent", approver=approver)
    with pytest.raises(NotFound):
        services.payment_record(invoice_id=invoice.pk, actor=other_user, amount="1.00")


def test_overdue_sweep_moves_only_sent_invoices_past_due(owner, approver) -> None:
    today = date.today()
    late = advance(
        make_invoice(owner=owner, issue_date=today - timedelta(days=40), due_date=today - timedelta(days=10)),
        to="sent",
        approver=approver,
    )
    on_time = advance(make_invoice(owner=owner), to="sent", approver=approver)
    draft_late = make_invoice(owner=owner, issue_date=today - timedelta(days=40), due_date=today - timedelta(days=10))
    assert services.invoices_mark_overdue(today=today) == 1
    assert services.invoices_mark_overdue(today=today) == 0
    statuses = dict(Invoice.objects.values_list("pk", "status"))
    assert statuses == {late.pk: "overdue", on_time.pk: "sent", draft_late.pk: "draft"}
    event = InvoiceEvent.objects.get(invoice=late, transition="mark_overdue")
    assert event.actor is None and (event.from_status, event.to_status) == ("sent", "overdue")


def test_overdue_invoices_can_still_be_paid(owner, approver) -> None:
    today = date.today()
    invoice = advance(
        make_invoice(owner=owner, issue_date=today - timedelta(days=40), due_date=today - timedelta(days=1)),
        to="sent",
        approver=approver,
    )
    services.invoices_mark_overdue(today=today)
    services.invoice_pay_in_full(invoice_id=invoice.pk, actor=owner)
    invoice.refresh_from_db()
    assert invoice.status == "paid"


def test_mark_overdue_command_runs_the_sweep(owner, approver) -> None:
    from django.core.management import call_command

    today = date.today()
    invoice = advance(
        make_invoice(owner=owner, issue_date=today - timedelta(days=40), due_date=today - timedelta(days=1)),
        to="sent",
        approver=approver,
    )
    call_command("mark_overdue")
    invoice.refresh_from_db()
    assert invoice.status == "overdue"


def test_customer_names_are_unique_per_owner_ignoring_case(owner, other_user) -> None:
    services.customer_create(owner=owner, name="Globex")
    services.customer_create(owner=other_user, name="Globex")
    with pytest.raises(InvalidInput):
        services.customer_create(owner=owner, name="GLOBEX")


def test_deleted_customers_free_their_name(owner) -> None:
    customer = services.customer_create(owner=owner, name="Initech")
    services.customer_delete(customer=customer)
    assert services.customer_create(owner=owner, name="Initech").pk != customer.pk


def test_system_only_transition_is_never_offered_to_people(owner, approver) -> None:
    invoice = advance(make_invoice(owner=owner), to="sent", approver=approver)
    assert "mark_overdue" not in services.invoice_user_transitions(invoice=invoice, user=owner)
    with pytest.raises(Conflict):
        services.invoice_transition_to_status(invoice_id=invoice.pk, actor=owner, status="overdue")


def test_an_update_that_changes_nothing_writes_nothing(owner) -> None:
    invoice = make_invoice(owner=owner, notes="Same")
    unchanged = services.invoice_update(invoice_id=invoice.pk, actor=owner, data={"notes": "Same"})
    assert unchanged.version == invoice.version
    assert not InvoiceEvent.objects.filter(invoice=invoice, kind="updated").exists()


def test_overdue_sweep_honours_the_given_today(owner, approver) -> None:
    today = date.today()
    invoice = advance(
        make_invoice(owner=owner, issue_date=today, due_date=today + timedelta(days=5)), to="sent", approver=approver
    )
    assert services.invoices_mark_overdue(today=today + timedelta(days=6)) == 1
    invoice.refresh_from_db()
    assert invoice.status == "overdue"
