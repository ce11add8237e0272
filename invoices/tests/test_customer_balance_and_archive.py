"""The customer list's balance column (what each customer owes, one query for the page)
and the read-only page of a deleted customer that its invoices still link to."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from pytest_django.asserts import assertContains, assertNotContains

from invoices import selectors, services
from invoices.tests.factories import advance, item, make_invoice

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_client(client: Client, owner: Any) -> Client:
    client.force_login(owner)
    return client


def owed_invoice(*, owner: Any, approver: Any, customer: str, price: str, currency: str = "EUR", to: str = "sent"):
    invoice = make_invoice(owner=owner, customer_name=customer, currency=currency, items=[item(unit_price=price)])
    return advance(invoice, to=to, approver=approver)


def test_the_balance_is_what_sent_and_overdue_invoices_still_owe_per_currency(owner: Any, approver: Any) -> None:
    sent = owed_invoice(owner=owner, approver=approver, customer="Initech", price="100.00")
    owed_invoice(owner=owner, approver=approver, customer="Initech", price="20.50")
    owed_invoice(owner=owner, approver=approver, customer="Initech", price="300.00", currency="USD")
    owed_invoice(owner=owner, approver=approver, customer="Initech", price="999.00", to="paid")
    make_invoice(owner=owner, customer_name="Initech", items=[item(unit_price="5000.00")])  # a draft owes nothing
    services.payment_record(invoice_id=sent.pk, actor=owner, amount=Decimal("40.00"))
    globex = make_invoice(owner=owner, customer_name="Globex").customer

    balances = selectors.customer_balances(customers=[sent.customer, globex])

    assert balances == {sent.customer_id: [("USD", Decimal("300.00")), ("EUR", Decimal("80.50"))]}


def test_the_customer_list_shows_each_customers_balance(owner_client: Client, owner: Any, approver: Any) -> None:
    owed_invoice(owner=owner, approver=approver, customer="Initech", price="1234.50")
    make_invoice(owner=owner, customer_name="Globex")

    response = owner_client.get("/customers/")

    assert response.status_code == 200
    assertContains(response, '<th scope="col" class="num">Balance due</th>', html=True)
    assertContains(
        response,
        '<td data-label="Balance due" class="num nowrap" data-balance>'
        '<span class="balance-line">1,234.50 EUR</span></td>',
        html=True,
    )
    assertContains(
        response,
        '<td data-label="Balance due" class="num nowrap" data-balance>'
        '<span class="muted">—<span class="visually-hidden"> nothing owed</span>'
        "</span></td>",
        html=True,
    )


def test_the_customer_list_takes_the_same_queries_for_one_or_twenty_customers_with_balances(
    owner_client: Client, owner: Any, approver: Any, django_assert_num_queries: Any
) -> None:
    owed_invoice(owner=owner, approver=approver, customer="Customer 0", price="10.00")
    with django_assert_num_queries(5) as one:  # the session, the user, the count, the page, the balances
        response = owner_client.get("/customers/")
    assert response.status_code == 200
    assert len(response.context["rows"]) == 1
    for number in range(1, 20):
        owed_invoice(owner=owner, approver=approver, customer=f"Customer {number}", price="10.00")
        owed_invoice(owner=owner, approver=approver, customer=f"Customer {number}", price="5.00", currency="USD")

    with django_assert_num_queries(len(one.captured_queries)):
        response = owner_client.get("/customers/")

    assert response.status_code == 200
    assert len(response.context["rows"]) == 20
    assert all(row["balances"] for row in response.context["rows"])


def test_a_deleted_customers_invoice_links_to_its_read_only_page(owner_client: Client, owner: Any) -> None:
    invoice = make_invoice(owner=owner, customer_name="Initech")
    services.customer_delete(customer=invoice.customer)

    detail = owner_client.get(f"/invoices/{invoice.pk}/")
    customer_page = owner_client.get(f"/customers/{invoice.customer_id}/")

    assert detail.status_code == 200
    assertContains(detail, f'href="/customers/{invoice.customer_id}/"')
    assert customer_page.status_code == 200
    assertContains(customer_page, '<span class="badge badge--archived">Deleted</span>', html=True)
    assertContains(customer_page, "It is kept here, read only, for the invoices written to it")
    assertContains(customer_page, invoice.invoice_number)
    assertNotContains(customer_page, f"/customers/{invoice.customer_id}/edit/")
    assertNotContains(customer_page, f"/customers/{invoice.customer_id}/delete/")
    assertNotContains(customer_page, "New invoice for")


def test_a_deleted_customer_cannot_be_edited_deleted_again_or_chosen_for_a_new_invoice(
    owner_client: Client, owner: Any
) -> None:
    customer = services.customer_create(owner=owner, name="Initech")
    services.customer_delete(customer=customer)

    assert owner_client.get(f"/customers/{customer.pk}/edit/").status_code == 404
    assert owner_client.post(f"/customers/{customer.pk}/edit/", {"name": "Back"}).status_code == 404
    assert owner_client.post(f"/customers/{customer.pk}/delete/").status_code == 404
    assertNotContains(owner_client.get("/invoices/new/"), ">Initech</option>")
    customer.refresh_from_db()
    assert customer.name == "Initech"


def test_another_users_deleted_customer_is_still_a_404(owner_client: Client, other_user: Any) -> None:
    theirs = services.customer_create(owner=other_user, name="Umbrella")
    services.customer_delete(customer=theirs)

    assert owner_client.get(f"/customers/{theirs.pk}/").status_code == 404


def test_staff_see_a_deleted_customers_page(approver: Any, other_user: Any) -> None:
    theirs = services.customer_create(owner=other_user, name="Umbrella")
    services.customer_delete(customer=theirs)
    client = Client()
    client.force_login(approver)

    assertContains(client.get(f"/customers/{theirs.pk}/"), "This customer was deleted on")
