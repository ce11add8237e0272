"""Sequential numbers and credit limits under real concurrency (PostgreSQL, real threads)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.tests.factories import make_user
from companies.tests.factories import make_company
from core.errors import InvalidInput
from invoices import services
from invoices.models import CreditNote, Invoice
from invoices.tests.factories import advance, item, make_invoice
from invoices.tests.test_concurrency import _race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
APPROVALS = 20


def test_twenty_concurrent_approvals_get_twenty_consecutive_numbers(owner) -> None:
    make_company(owner=owner, numbering="sequential", number_pattern="RE-{YYYY}-{SEQ:05}")
    approvers = [make_user(username=f"approver{index}", approver=True) for index in range(APPROVALS)]
    invoices = [make_invoice(owner=owner, issue_date=date(2026, 3, 1)) for _ in range(APPROVALS)]
    for invoice in invoices:
        services.invoice_submit(invoice_id=invoice.pk, actor=owner)
    results = _race(
        [
            (lambda invoice=invoice, actor=actor: services.invoice_approve(invoice_id=invoice.pk, actor=actor))
            for invoice, actor in zip(invoices, approvers, strict=True)
        ]
    )
    assert all(isinstance(result, Invoice) for result in results), results
    numbers = sorted(Invoice.objects.filter(owner=owner).values_list("invoice_number", flat=True))
    assert numbers == [f"RE-2026-{sequence:05d}" for sequence in range(1, APPROVALS + 1)]


def test_concurrent_credit_notes_never_credit_more_than_the_total(owner, approver) -> None:
    invoice = advance(make_invoice(owner=owner, items=[item(unit_price="100.00")]), to="sent", approver=approver)
    results = _race(
        [
            lambda: services.credit_note_create(
                invoice_id=invoice.pk, actor=owner, reason="Goodwill", items=[item(unit_price="30.00")]
            )
            for _ in range(5)
        ]
    )
    created = [result for result in results if isinstance(result, CreditNote)]
    refused = [result for result in results if isinstance(result, InvalidInput)]
    assert (len(created), len(refused)) == (3, 2), results
    invoice.refresh_from_db()
    assert (invoice.amount_credited, invoice.balance_due, invoice.status) == (
        Decimal("90.00"),
        Decimal("10.00"),
        "sent",
    )
    assert sorted(note.number for note in created) == [f"CN-{timezone.localdate():%Y}-{n:05d}" for n in (1, 2, 3)]
