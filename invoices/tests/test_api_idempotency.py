"""`Idempotency-Key` on the POSTs that create or pay: replay, mismatch, scope, concurrency."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from invoices.models import IdempotencyRecord, Invoice, InvoiceEvent, Payment
from invoices.tests.api_support import INVOICES, client_for, invoice_body, invoice_url, line
from invoices.tests.factories import advance, make_invoice

pytestmark = pytest.mark.django_db


def test_the_same_key_and_body_replay_the_first_response_and_create_one_invoice(owner: Any) -> None:
    client = client_for(owner)

    first = client.post(INVOICES, invoice_body(), format="json", HTTP_IDEMPOTENCY_KEY="create-1")
    second = client.post(INVOICES, invoice_body(), format="json", HTTP_IDEMPOTENCY_KEY="create-1")

    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert not first.has_header("Idempotent-Replayed")
    assert Invoice.objects.count() == 1
    assert InvoiceEvent.objects.count() == 1


def test_key_order_and_spacing_of_the_body_do_not_make_it_another_request(owner: Any) -> None:
    client = client_for(owner)
    body = invoice_body()
    reordered = dict(reversed(list(body.items())))

    client.post(INVOICES, body, format="json", HTTP_IDEMPOTENCY_KEY="k")
    again = client.post(INVOICES, reordered, format="json", HTTP_IDEMPOTENCY_KEY="k")

    assert again.status_code == 201
    assert Invoice.objects.count() == 1


def test_the_same_key_with_another_body_is_a_422_and_creates_nothing_more(owner: Any) -> None:
    client = client_for(owner)
    client.post(INVOICES, invoice_body(), format="json", HTTP_IDEMPOTENCY_KEY="create-1")

    response = client.post(INVOICES, invoice_body(notes="different"), format="json", HTTP_IDEMPOTENCY_KEY="create-1")

    assert response.status_code == 422
    assert "different request body" in response.json()["detail"]
    assert Invoice.objects.count() == 1


def test_keys_belong_to_one_user(owner: Any, other_user: Any) -> None:
    mine = client_for(owner).post(INVOICES, invoice_body(), format="json", HTTP_IDEMPOTENCY_KEY="shared")
    theirs = client_for(other_user).post(INVOICES, invoice_body(), format="json", HTTP_IDEMPOTENCY_KEY="shared")

    assert mine.status_code == theirs.status_code == 201
    assert mine.json()["id"] != theirs.json()["id"]
    assert theirs.json()["owner"]["id"] == other_user.pk


def test_keys_belong_to_one_endpoint_and_object(owner: Any, approver: Any) -> None:
    first = advance(make_invoice(owner=owner), to="sent", approver=approver)
    second = advance(make_invoice(owner=owner), to="sent", approver=approver)
    client = client_for(owner)

    one = client.post(invoice_url(first, "payments"), {"amount": "10.00"}, format="json", HTTP_IDEMPOTENCY_KEY="p")
    two = client.post(invoice_url(second, "payments"), {"amount": "10.00"}, format="json", HTTP_IDEMPOTENCY_KEY="p")

    assert one.status_code == two.status_code == 201
    assert Payment.objects.count() == 2


def test_without_a_key_every_request_creates(owner: Any) -> None:
    client = client_for(owner)

    client.post(INVOICES, invoice_body(), format="json")
    client.post(INVOICES, invoice_body(), format="json")

    assert Invoice.objects.count() == 2
    assert not IdempotencyRecord.objects.exists()


def test_a_retried_payment_is_recorded_once(owner: Any, approver: Any) -> None:
    invoice = advance(make_invoice(owner=owner), to="sent", approver=approver)
    client = client_for(owner)
    body = {"amount": "30.00", "method": "card"}

    first = client.post(invoice_url(invoice, "payments"), body, format="json", HTTP_IDEMPOTENCY_KEY="pay-30")
    second = client.post(invoice_url(invoice, "payments"), body, format="json", HTTP_IDEMPOTENCY_KEY="pay-30")
    other = client.post(
        invoice_url(invoice, "payments"), {"amount": "31.00"}, format="json", HTTP_IDEMPOTENCY_KEY="pay-30"
    )

    assert (first.status_code, second.status_code, other.status_code) == (201, 201, 422)
    assert second.json() == first.json()
    assert Payment.objects.count() == 1
    invoice.refresh_from_db()
    assert str(invoice.amount_paid) == "30.00"


def test_a_retried_pay_replays_the_payment_instead_of_a_409(owner: Any, approver: Any) -> None:
    invoice = advance(make_invoice(owner=owner), to="sent", approver=approver)
    client = client_for(owner)

    first = client.post(invoice_url(invoice, "pay"), {}, format="json", HTTP_IDEMPOTENCY_KEY="settle")
    retry = client.post(invoice_url(invoice, "pay"), {}, format="json", HTTP_IDEMPOTENCY_KEY="settle")
    fresh = client.post(invoice_url(invoice, "pay"), {}, format="json", HTTP_IDEMPOTENCY_KEY="settle-again")

    assert (first.status_code, retry.status_code, fresh.status_code) == (200, 200, 409)
    assert retry.json() == first.json()
    assert retry.json()["status"] == "paid"
    assert Payment.objects.count() == 1


def test_a_failed_request_keeps_no_record_so_the_key_can_be_used_after_fixing_it(owner: Any) -> None:
    client = client_for(owner)

    failed = client.post(INVOICES, invoice_body(items=[line(quantity="0")]), format="json", HTTP_IDEMPOTENCY_KEY="k")
    fixed = client.post(INVOICES, invoice_body(), format="json", HTTP_IDEMPOTENCY_KEY="k")

    assert failed.status_code == 400
    assert fixed.status_code == 201
    assert IdempotencyRecord.objects.count() == 1
    assert Invoice.objects.count() == 1


def test_a_key_longer_than_255_characters_is_a_400(owner: Any) -> None:
    response = client_for(owner).post(INVOICES, invoice_body(), format="json", HTTP_IDEMPOTENCY_KEY="k" * 256)

    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()
    assert not Invoice.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_requests_with_one_key_create_one_invoice(owner: Any) -> None:
    barrier = threading.Barrier(2)
    responses: list[Any] = []

    def post() -> None:
        try:
            client = client_for(owner)
            barrier.wait(timeout=10)
            responses.append(client.post(INVOICES, invoice_body(), format="json", HTTP_IDEMPOTENCY_KEY="race"))
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert [response.status_code for response in responses] == [201, 201]
    assert responses[0].json()["id"] == responses[1].json()["id"]
    assert Invoice.objects.count() == 1
    assert sorted(response.has_header("Idempotent-Replayed") for response in responses) == [False, True]
