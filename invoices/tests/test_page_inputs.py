"""Page inputs the attack found answering 500: a NUL in the customer search (PostgreSQL
refuses it) and a payment of 1e30 (too large to round to cents). Both are 400s with a
message, and nothing is written."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from invoices.models import InvoiceEvent, Payment
from invoices.tests.api_support import client_for as api_client_for
from invoices.tests.factories import advance, item, make_invoice
from invoices.tests.pages_support import client_for, messages_of

pytestmark = pytest.mark.django_db


def test_a_nul_in_the_customer_search_is_a_400_page_with_a_message(owner: Any) -> None:
    response = client_for(owner).get("/customers/?search=%00")

    assert response.status_code == 400
    # The API's answer to the same search, from the same FilterSet.
    assert messages_of(response) == ["Null characters are not allowed."]
    assert list(response.context["customers"]) == []


def test_a_customer_search_without_nul_still_works(owner: Any) -> None:
    make_invoice(owner=owner, customer_name="Acme Tools")

    response = client_for(owner).get("/customers/?search=acme")

    assert response.status_code == 200
    assert [customer.name for customer in response.context["customers"]] == ["Acme Tools"]


@pytest.mark.parametrize("amount", ["1e30", "1000000000000", "-1e30", "1E+12"])
def test_a_huge_payment_on_the_page_is_a_form_error_and_records_nothing(owner: Any, approver: Any, amount: str) -> None:
    invoice = advance(make_invoice(owner=owner, items=[item(unit_price="100.00")]), to="sent", approver=approver)
    events = InvoiceEvent.objects.filter(invoice=invoice).count()

    response = client_for(owner).post(f"/invoices/{invoice.pk}/payments/", {"amount": amount, "method": "card"})

    assert response.status_code == 400
    assert response.context["payment_form"].errors == {"amount": ["Amount must be less than 1,000,000,000,000."]}
    assert not Payment.objects.exists()
    assert InvoiceEvent.objects.filter(invoice=invoice).count() == events


def test_a_huge_payment_on_the_api_is_a_400_and_records_nothing(owner: Any, approver: Any) -> None:
    invoice = advance(make_invoice(owner=owner, items=[item(unit_price="100.00")]), to="sent", approver=approver)

    response = api_client_for(owner).post(
        f"/api/v1/invoices/{invoice.pk}/payments/", {"amount": "1e30", "method": "card"}, format="json"
    )

    assert response.status_code == 400
    assert "amount" in response.json()
    assert not Payment.objects.exists()


def test_the_largest_storable_amount_is_judged_against_the_balance_not_refused_as_huge(
    owner: Any, approver: Any
) -> None:
    invoice = advance(make_invoice(owner=owner, items=[item(unit_price="100.00")]), to="sent", approver=approver)

    client = Client()
    client.force_login(owner)
    answer = client.post(f"/invoices/{invoice.pk}/payments/", {"amount": "999999999999.99", "method": "card"})

    assert answer.status_code == 400
    [error] = answer.context["payment_form"].errors["amount"]
    # Judged as an overpayment (the wording of money is the money module's), not refused as too large.
    assert error.startswith("Payment of 999") and "exceeds the balance due of 100.00" in error
    assert not Payment.objects.exists()
