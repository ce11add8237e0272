"""The customer pages: list, detail, create, edit and delete, each only for the owner (and staff)."""

from __future__ import annotations

import pytest
from django.test import Client
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from invoices import services
from invoices.models import Customer
from invoices.tests.factories import make_invoice
from invoices.tests.pages_support import client_for, messages_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_client(client: Client, owner) -> Client:
    client.force_login(owner)
    return client


def test_the_customer_list_shows_only_the_users_customers(owner_client, owner, other_user):
    services.customer_create(owner=owner, name="Initech", email="ap@initech.example")
    services.customer_create(owner=other_user, name="Umbrella")

    response = owner_client.get("/customers/")

    assert response.status_code == 200
    assertContains(response, "Initech")
    assertContains(response, "ap@initech.example")
    assertNotContains(response, "Umbrella")


def test_the_customer_list_searches_by_name_or_email(owner_client, owner):
    services.customer_create(owner=owner, name="Initech", email="ap@initech.example")
    services.customer_create(owner=owner, name="Globex", email="billing@globex.example")

    response = owner_client.get("/customers/", {"search": "GLOB"})

    assert [customer.name for customer in response.context["customers"]] == ["Globex"]
    assertContains(response, 'value="GLOB"')


def test_staff_see_every_customer_with_its_owner(owner, approver):
    services.customer_create(owner=owner, name="Initech")

    response = client_for(approver).get("/customers/")

    assertContains(response, "Initech")
    assertContains(response, "<td>olivia</td>", html=True)


def test_adding_a_customer(owner_client, owner):
    response = owner_client.post(
        "/customers/new/", {"name": " Initech ", "email": "ap@initech.example", "phone": "+1 555 0100"}
    )

    customer = Customer.objects.get(owner=owner)
    assertRedirects(response, f"/customers/{customer.pk}/", fetch_redirect_response=False)
    assert (customer.name, customer.email, customer.phone) == ("Initech", "ap@initech.example", "+1 555 0100")


def test_a_duplicate_name_is_shown_next_to_the_name_and_the_form_keeps_what_was_typed(owner_client, owner):
    services.customer_create(owner=owner, name="Initech")

    response = owner_client.post("/customers/new/", {"name": "INITECH", "notes": "typed notes"})

    assert response.status_code == 400
    assert response.context["form"].errors == {"name": ["You already have a customer with this name."]}
    assertContains(response, "typed notes", status_code=400)
    assert Customer.objects.count() == 1


def test_an_invalid_email_is_shown_next_to_its_field(owner_client):
    response = owner_client.post("/customers/new/", {"name": "Initech", "email": "not-an-address"})

    assert response.status_code == 400
    assert response.context["form"].errors == {"email": ["Enter a valid email address."]}


def test_the_customer_page_shows_its_details_and_invoices(owner_client, owner):
    invoice = make_invoice(owner=owner, customer_name="Initech")

    response = owner_client.get(f"/customers/{invoice.customer_id}/")

    assert response.status_code == 200
    assertContains(response, "<h1>Initech</h1>", html=True)
    assertContains(response, invoice.invoice_number)
    assertContains(response, f"/invoices/new/?customer={invoice.customer_id}")


def test_a_new_invoice_for_a_customer_starts_with_that_customer_chosen(owner_client, owner):
    customer = services.customer_create(owner=owner, name="Initech")

    response = owner_client.get("/invoices/new/", {"customer": customer.pk})

    assertContains(response, f'<option value="{customer.pk}" selected>Initech</option>', html=True)


@pytest.mark.parametrize("suffix", ["", "edit/"])
def test_another_users_customer_is_a_404_page(owner_client, other_user, suffix):
    theirs = services.customer_create(owner=other_user, name="Umbrella")

    response = owner_client.get(f"/customers/{theirs.pk}/{suffix}")

    assert response.status_code == 404
    assertContains(response, "Page not found", status_code=404)


def test_another_users_customer_cannot_be_changed_or_deleted(owner_client, other_user):
    theirs = services.customer_create(owner=other_user, name="Umbrella")

    assert owner_client.post(f"/customers/{theirs.pk}/edit/", {"name": "Mine now"}).status_code == 404
    assert owner_client.post(f"/customers/{theirs.pk}/delete/").status_code == 404
    theirs.refresh_from_db()
    assert (theirs.name, theirs.deleted_at) == ("Umbrella", None)


def test_editing_a_customer(owner_client, owner):
    customer = services.customer_create(owner=owner, name="Initech", email="old@initech.example")

    page = owner_client.get(f"/customers/{customer.pk}/edit/")
    response = owner_client.post(
        f"/customers/{customer.pk}/edit/", {"name": "Initech Ltd", "email": "new@initech.example"}, follow=True
    )

    assertContains(page, 'value="old@initech.example"')
    assertRedirects(response, f"/customers/{customer.pk}/")
    assert messages_of(response) == ["Customer Initech Ltd is updated."]
    customer.refresh_from_db()
    assert (customer.name, customer.email) == ("Initech Ltd", "new@initech.example")


def test_renaming_a_customer_to_a_taken_name_is_refused_on_the_name_field(owner_client, owner):
    services.customer_create(owner=owner, name="Globex")
    customer = services.customer_create(owner=owner, name="Initech")

    response = owner_client.post(f"/customers/{customer.pk}/edit/", {"name": "globex"})

    assert response.status_code == 400
    assert response.context["form"].errors == {"name": ["You already have a customer with this name."]}
    customer.refresh_from_db()
    assert customer.name == "Initech"


def test_deleting_a_customer_hides_it_and_keeps_its_invoices(owner_client, owner):
    invoice = make_invoice(owner=owner, customer_name="Initech")

    response = owner_client.post(f"/customers/{invoice.customer_id}/delete/", follow=True)

    assertRedirects(response, "/customers/")
    assertNotContains(response, "<td><a", html=False)
    assert Customer.objects.alive().count() == 0
    invoice.refresh_from_db()
    assert invoice.customer_name == "Initech"
    # The invoice still links its customer: the page is kept, read only (the edit page is gone).
    archived = owner_client.get(f"/customers/{invoice.customer_id}/")
    assertContains(archived, "This customer was deleted on")
    assert owner_client.get(f"/customers/{invoice.customer_id}/edit/").status_code == 404


def test_deleting_needs_a_post(owner_client, owner):
    customer = services.customer_create(owner=owner, name="Initech")

    assert owner_client.get(f"/customers/{customer.pk}/delete/").status_code == 405
    assert Customer.objects.alive().count() == 1


@pytest.mark.parametrize(
    "query",
    [{"search": "INIT"}, {"search": "ap@"}, {"ordering": "-name"}, {"ordering": "created_at"}, {}],
)
def test_the_customer_page_and_the_api_list_the_same_customers_in_the_same_order(owner, query):
    from invoices.tests.api_support import client_for as api_client_for

    for name, email in (("Initech", "ap@initech.example"), ("acme", "ap@acme.example"), ("Umbrella", "")):
        services.customer_create(owner=owner, name=name, email=email)

    page = client_for(owner).get("/customers/", query)
    api = api_client_for(owner).get("/api/v1/customers/", query)

    assert (page.status_code, api.status_code) == (200, 200)
    assert [customer.name for customer in page.context["customers"]] == [row["name"] for row in api.json()["results"]]


def test_an_ordering_the_api_refuses_is_refused_by_the_page_in_the_same_words(owner):
    from invoices.tests.api_support import client_for as api_client_for

    services.customer_create(owner=owner, name="Initech")

    page = client_for(owner).get("/customers/", {"ordering": "phone"})
    api = api_client_for(owner).get("/api/v1/customers/", {"ordering": "phone"})

    assert (page.status_code, api.status_code) == (400, 400)
    assert messages_of(page) == api.json()["ordering"]
    assert list(page.context["customers"]) == []
