"""The attack's concurrency scenarios, kept (PostgreSQL, real threads on separate
connections, all released at one instant): 20 approvals, 50 over-payments, 20 requests
with one Idempotency-Key, and 10 edits with one If-Match. Exactly one winner each time,
the losers refused with the documented status, and the rows add up."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from rest_framework.response import Response

from accounts.tests.factories import make_user
from core.errors import Conflict, InvalidInput
from invoices import services
from invoices.models import Invoice, InvoiceEvent, InvoiceStatus, Payment
from invoices.tests.api_support import client_for, invoice_body
from invoices.tests.factories import advance, item, make_invoice
from invoices.tests.test_concurrency import _race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_twenty_concurrent_approvals_by_twenty_approvers_give_one_approval(owner: Any) -> None:
    invoice = advance(make_invoice(owner=owner, items=[item()]), to="pending_approval", approver=None)
    approvers = [make_user(username=f"approver{n}", approver=True) for n in range(20)]

    results = _race(
        [lambda actor=actor: services.invoice_approve(invoice_id=invoice.pk, actor=actor) for actor in approvers]
    )

    winners = [result for result in results if isinstance(result, Invoice)]
    assert len(winners) == 1
    assert all(isinstance(result, Conflict) for result in results if not isinstance(result, Invoice))
    assert InvoiceEvent.objects.filter(invoice=invoice, transition="approve").count() == 1
    assert Invoice.objects.get(pk=invoice.pk).status == InvoiceStatus.APPROVED


def test_fifty_concurrent_payments_never_pay_more_than_the_total(owner: Any, approver: Any) -> None:
    invoice = advance(make_invoice(owner=owner, items=[item(unit_price="100.00")]), to="sent", approver=approver)

    results = _race(
        [lambda: services.payment_record(invoice_id=invoice.pk, actor=owner, amount="10.00") for _ in range(50)]
    )

    recorded = [result for result in results if isinstance(result, Payment)]
    refused = [result for result in results if isinstance(result, InvalidInput | Conflict)]
    assert (len(recorded), len(refused)) == (10, 40)
    invoice.refresh_from_db()
    assert invoice.amount_paid == Decimal("100.00")
    assert invoice.status == InvoiceStatus.PAID
    assert Payment.objects.filter(invoice=invoice).count() == 10


def test_twenty_concurrent_requests_with_one_idempotency_key_create_one_invoice(owner: Any) -> None:
    body = invoice_body(customer_name="Same Key Ltd")

    def create() -> Response:
        return client_for(owner).post("/api/v1/invoices/", body, format="json", HTTP_IDEMPOTENCY_KEY="one-key")

    results = _race([create for _ in range(20)])

    assert [getattr(result, "status_code", result) for result in results] == [201] * 20
    assert len({result.json()["id"] for result in results}) == 1
    assert Invoice.objects.filter(owner=owner).count() == 1


def test_ten_concurrent_edits_with_one_etag_give_one_200_and_nine_412s(owner: Any) -> None:
    invoice = make_invoice(owner=owner, items=[item()])
    etag = client_for(owner).get(f"/api/v1/invoices/{invoice.pk}/")["ETag"]

    def edit(n: int) -> Response:
        return client_for(owner).patch(
            f"/api/v1/invoices/{invoice.pk}/", {"notes": f"edit {n}"}, format="json", HTTP_IF_MATCH=etag
        )

    results = _race([lambda n=n: edit(n) for n in range(10)])

    codes = sorted(getattr(result, "status_code", result) for result in results)
    assert codes == [200] + [412] * 9
    winner = next(result for result in results if result.status_code == 200)
    assert Invoice.objects.get(pk=invoice.pk).notes == winner.json()["notes"]
