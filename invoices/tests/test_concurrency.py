"""Row locks under real concurrency (PostgreSQL): one approval wins, the other gets 409."""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from core.errors import Conflict, DomainError
from invoices import services
from invoices.models import Invoice, InvoiceEvent, Payment
from invoices.tests.factories import advance, item, make_invoice

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(calls: list) -> list[Any]:
    """Run the calls at the same instant on separate connections; return result or error."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = calls[index]()
        except Exception as error:  # collected and asserted by the test
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_second_concurrent_approval_gets_409(owner, approver, second_approver) -> None:
    invoice = make_invoice(owner=owner)
    services.invoice_submit(invoice_id=invoice.pk, actor=owner)
    results = _race(
        [
            lambda: services.invoice_approve(invoice_id=invoice.pk, actor=approver),
            lambda: services.invoice_approve(invoice_id=invoice.pk, actor=second_approver),
        ]
    )
    successes = [result for result in results if isinstance(result, Invoice)]
    conflicts = [result for result in results if isinstance(result, Conflict)]
    assert len(successes) == 1 and len(conflicts) == 1, results
    assert conflicts[0].extra["status"] == "approved"
    assert InvoiceEvent.objects.filter(invoice=invoice, transition="approve").count() == 1


def test_approve_racing_cancel_leaves_one_consistent_outcome(owner, approver) -> None:
    invoice = make_invoice(owner=owner)
    services.invoice_submit(invoice_id=invoice.pk, actor=owner)
    results = _race(
        [
            lambda: services.invoice_approve(invoice_id=invoice.pk, actor=approver),
            lambda: services.invoice_cancel(invoice_id=invoice.pk, actor=owner),
        ]
    )
    invoice.refresh_from_db()
    transitions = list(
        InvoiceEvent.objects.filter(invoice=invoice, kind="transition").values_list("transition", flat=True)
    )
    errors = [result for result in results if isinstance(result, DomainError)]
    assert transitions[0] == "submit"
    if invoice.status == "cancelled":
        # Cancel won, or approve won first and cancel then cancelled the approved invoice.
        assert transitions[1:] in (["cancel"], ["approve", "cancel"])
    else:
        assert invoice.status == "approved" and transitions[1:] == ["approve"] and len(errors) == 1


def test_concurrent_payments_never_overpay(owner, approver) -> None:
    invoice = advance(make_invoice(owner=owner, items=[item(unit_price="100.00")]), to="sent", approver=approver)
    results = _race(
        [
            lambda: services.payment_record(invoice_id=invoice.pk, actor=owner, amount="60.00"),
            lambda: services.payment_record(invoice_id=invoice.pk, actor=owner, amount="60.00"),
            lambda: services.payment_record(invoice_id=invoice.pk, actor=owner, amount="40.00"),
        ]
    )
    invoice.refresh_from_db()
    recorded = sum(Payment.objects.filter(invoice=invoice).values_list("amount", flat=True), Decimal("0"))
    assert recorded == invoice.amount_paid <= invoice.total_amount
    assert sum(isinstance(result, Payment) for result in results) == Payment.objects.filter(invoice=invoice).count()


def test_two_invoices_for_a_new_customer_at_once_share_one_customer(owner) -> None:
    from invoices.models import Customer

    results = _race([lambda: make_invoice(owner=owner, customer_name="Brand New Co") for _ in range(2)])
    assert all(isinstance(result, Invoice) for result in results), results
    assert Customer.objects.filter(owner=owner, name="Brand New Co").count() == 1
    assert len({result.customer_id for result in results}) == 1
