"""Each database constraint, provoked directly, says what it is; and an integrity
failure a service did not expect is a logged server error, never a misleading 400."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F

from core.integrity import violated_constraint
from invoices import services
from invoices.models import Customer, IdempotencyRecord, Invoice, LineItem, Payment
from invoices.money import InvoiceTotals
from invoices.tests.api_support import INVOICES, client_for, invoice_body
from invoices.tests.factories import advance, item, make_invoice


def _two_line_invoice(owner: Any) -> Invoice:
    return make_invoice(owner=owner, items=[item(tax_rate="19"), item(description="Support", unit_price="19.99")])


def _paid_part(owner: Any, approver: Any) -> Invoice:
    invoice = advance(_two_line_invoice(owner), to="sent", approver=approver)
    services.payment_record(invoice_id=invoice.pk, actor=owner, amount="10.00")
    return invoice


def _user_model() -> Any:
    return get_user_model()


CASES: list[tuple[str, str, Callable[[Any, Any], object]]] = [
    (
        "invoices_invoice_number_unique_per_owner",
        "You already have an invoice with this number.",
        lambda owner, approver: Invoice.objects.filter(pk=_two_line_invoice(owner).pk).update(
            invoice_number=_two_line_invoice(owner).invoice_number
        ),
    ),
    (
        "invoices_invoice_status_valid",
        "The invoice's status is not one of the known states.",
        lambda owner, approver: Invoice.objects.filter(pk=_two_line_invoice(owner).pk).update(status="lost"),
    ),
    (
        "invoices_invoice_amounts_non_negative",
        "Invoice amounts (subtotal, tax, total, paid) cannot be negative.",
        lambda owner, approver: Invoice.objects.filter(pk=_two_line_invoice(owner).pk).update(amount_paid=-1),
    ),
    (
        "invoices_invoice_paid_not_above_total",
        "The amount paid cannot exceed the invoice total.",
        # The part payment is made beforehand (see PREPARE): services are durable
        # transactions and cannot run inside the savepoint that catches the violation.
        lambda owner, approver: Invoice.objects.filter(owner=owner, amount_paid__gt=0).update(
            amount_paid=F("total_amount") + Decimal("0.01")
        ),
    ),
    (
        "invoices_invoice_total_is_sum",
        "The invoice total must equal its subtotal plus tax.",
        lambda owner, approver: Invoice.objects.filter(pk=_two_line_invoice(owner).pk).update(
            total_amount=F("total_amount") + Decimal("0.01")
        ),
    ),
    (
        "invoices_invoice_due_after_issue",
        "The due date cannot be before the issue date.",
        lambda owner, approver: Invoice.objects.filter(pk=_two_line_invoice(owner).pk).update(
            due_date=F("issue_date") - timedelta(days=1)
        ),
    ),
    (
        "invoices_lineitem_number_unique",
        "Each line of an invoice has its own line number.",
        lambda owner, approver: LineItem.objects.filter(invoice=_two_line_invoice(owner), line_number=2).update(
            line_number=1
        ),
    ),
    (
        "invoices_lineitem_quantity_positive",
        "Quantity must be greater than zero.",
        lambda owner, approver: LineItem.objects.filter(invoice=_two_line_invoice(owner)).update(quantity=0),
    ),
    (
        "invoices_lineitem_price_non_negative",
        "Unit price cannot be negative.",
        lambda owner, approver: LineItem.objects.filter(invoice=_two_line_invoice(owner)).update(
            unit_price=Decimal("-0.0001")
        ),
    ),
    (
        "invoices_lineitem_discount_range",
        "A discount must be between 0 and 100 percent.",
        lambda owner, approver: LineItem.objects.filter(invoice=_two_line_invoice(owner)).update(discount_percent=101),
    ),
    (
        "invoices_lineitem_tax_rate_range",
        "A tax rate must be between 0 and 100 percent.",
        lambda owner, approver: LineItem.objects.filter(invoice=_two_line_invoice(owner)).update(tax_rate=-1),
    ),
    (
        "invoices_lineitem_amounts_non_negative",
        "A line's total and tax cannot be negative.",
        lambda owner, approver: LineItem.objects.filter(invoice=_two_line_invoice(owner)).update(
            line_total=Decimal("-0.01")
        ),
    ),
    (
        "invoices_payment_amount_positive",
        "A payment must be greater than zero.",
        lambda owner, approver: Payment.objects.filter(invoice__owner=owner).update(amount=0),
    ),
    (
        "invoices_customer_name_unique_per_owner",
        "You already have a customer with this name.",
        lambda owner, approver: Customer.objects.filter(
            pk=services.customer_create(owner=owner, name="Globex").pk
        ).update(name=services.customer_create(owner=owner, name="Initech").name),
    ),
    (
        "invoices_idempotency_key_unique",
        "This Idempotency-Key was already used.",
        lambda owner, approver: [
            IdempotencyRecord.objects.create(user=owner, scope="invoice-create", key="k1", request_hash="x")
            for _ in range(2)
        ],
    ),
    (
        "accounts_user_email_ci_unique",
        "A user with that e-mail address already exists.",
        lambda owner, approver: _user_model().objects.create_user(username="twin", email=owner.email.upper()),
    ),
    (
        "accounts_user_username_key",
        "This value is already taken.",
        lambda owner, approver: _user_model().objects.create_user(username=owner.username, email="x@example.com"),
    ),
]


# Data a case needs made through the services before the violating write.
PREPARE: dict[str, Callable[[Any, Any], Any]] = {
    "invoices_invoice_paid_not_above_total": _paid_part,
    "invoices_payment_amount_positive": _paid_part,
}


@pytest.mark.parametrize(("name", "message", "provoke"), CASES, ids=[case[0] for case in CASES])
def test_each_constraint_provoked_directly_is_named_with_its_message(
    owner: Any, approver: Any, name: str, message: str, provoke: Callable[[Any, Any], None]
) -> None:
    if name in PREPARE:
        PREPARE[name](owner, approver)
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        provoke(owner, approver)

    violation = violated_constraint(caught.value)
    assert violation is not None
    assert (violation.name, violation.message) == (name, message)


def test_every_money_and_invoice_constraint_has_a_readable_message() -> None:
    for model in (Invoice, LineItem, Payment, Customer, IdempotencyRecord):
        for constraint in model._meta.constraints:
            assert "is violated" not in str(constraint.get_violation_error_message()), constraint.name


def test_an_unexpected_integrity_failure_in_create_is_a_logged_500_not_a_duplicate_number(
    owner: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """If the totals ever disagreed with the CHECK constraint again, the user must not be
    told their (empty) invoice number is taken: it is our bug, and the log says which rule."""

    def wrong_totals(lines: Any) -> InvoiceTotals:
        return InvoiceTotals(subtotal=Decimal("79.96"), tax_amount=Decimal("15.19"), total_amount=Decimal("95.14"))

    monkeypatch.setattr("invoices.services.items.invoice_totals", wrong_totals)
    client = client_for(owner)
    client.raise_request_exception = False

    with caplog.at_level(logging.ERROR, logger="core.integrity"):
        response = client.post(INVOICES, invoice_body(), format="json")

    assert response.status_code == 500
    assert "invoice_number" not in response.content.decode()
    assert not Invoice.objects.filter(owner=owner).exists()
    assert [record.getMessage() for record in caplog.records if record.name == "core.integrity"] == [
        "Unexpected integrity failure: invoices_invoice_total_is_sum: "
        "The invoice total must equal its subtotal plus tax."
    ]


def test_a_duplicate_number_is_still_reported_as_one(owner: Any) -> None:
    first = make_invoice(owner=owner)

    response = client_for(owner).post(INVOICES, invoice_body(invoice_number=first.invoice_number), format="json")

    assert response.status_code == 400
    assert response.json()["invoice_number"] == ["You already have an invoice with this number."]


def test_every_model_constraint_has_a_readable_violation_message() -> None:
    # The last line of defence: a form that checks constraints (any admin page not backed
    # by a service) shows this text, never `Constraint "<name>" is violated.`
    from django.apps import apps
    from django.db.models import BaseConstraint

    default = str(BaseConstraint.default_violation_error_message)
    unreadable = [
        f"{model._meta.label}.{constraint.name}"
        for model in apps.get_models()
        for constraint in model._meta.constraints
        if str(constraint.violation_error_message) == default
        or constraint.name in str(constraint.get_violation_error_message())
    ]

    assert unreadable == []


@pytest.mark.django_db
def test_a_constraint_checked_by_a_model_form_reads_as_its_message_not_its_name(owner: Any) -> None:
    # What an admin page without a service behind it (or any ModelForm) would show.
    from django.core.exceptions import ValidationError

    invoice = _two_line_invoice(owner)
    invoice.due_date = invoice.issue_date - timedelta(days=1)

    with pytest.raises(ValidationError) as refused:
        invoice.validate_constraints()

    assert refused.value.messages == ["The due date cannot be before the issue date."]
