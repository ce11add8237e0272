"""Customers through the API: CRUD, owner scope, search, ordering, soft delete."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from invoices.models import Customer
from invoices.tests.api_support import CUSTOMERS, INVOICES, client_for, invoice_body

pytestmark = pytest.mark.django_db
CUSTOMER_FIELDS = {"id", "name", "email", "address", "phone", "tax_id", "notes", "created_at", "updated_at"}


def _create(user: Any, name: str, **fields: str) -> dict[str, Any]:
    response = client_for(user).post(CUSTOMERS, {"name": name, **fields}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def test_creating_a_customer_returns_every_field(owner: Any) -> None:
    response = client_for(owner).post(
        CUSTOMERS,
        {
            "name": "  Acme Ltd ",
            "email": "ap@acme.example",
            "address": "1 Road",
            "phone": "+44 1",
            "tax_id": "GB123",
            "notes": "Net 30",
        },
        format="json",
    )

    assert response.status_code == 201
    data = response.json()
    assert set(data) == CUSTOMER_FIELDS
    assert (data["name"], data["email"], data["tax_id"]) == ("Acme Ltd", "ap@acme.example", "GB123")
    assert Customer.objects.get(pk=data["id"]).owner == owner


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "a@b.example"}, "name"),
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": "Acme", "email": "nope"}, "email"),
        ({"name": "Acme", "phone": "1" * 51}, "phone"),
        ({"name": "Acme", "tax_id": "1" * 51}, "tax_id"),
    ],
)
def test_bad_customer_input_is_a_400_naming_the_field(owner: Any, body: dict[str, str], field: str) -> None:
    response = client_for(owner).post(CUSTOMERS, body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Customer.objects.exists()


def test_customer_names_are_unique_per_owner_ignoring_case(owner: Any, other_user: Any) -> None:
    _create(owner, "Acme Ltd")

    duplicate = client_for(owner).post(CUSTOMERS, {"name": "ACME LTD"}, format="json")

    assert duplicate.status_code == 400
    assert "already have a customer" in duplicate.json()["name"][0]
    _create(other_user, "Acme Ltd")
    assert Customer.objects.count() == 2


def test_owners_list_their_own_customers_and_staff_list_everyones(owner: Any, other_user: Any, approver: Any) -> None:
    _create(owner, "Mine")
    _create(other_user, "Theirs")

    mine = client_for(owner).get(CUSTOMERS).json()
    everyone = client_for(approver).get(CUSTOMERS).json()

    assert [row["name"] for row in mine["results"]] == ["Mine"]
    assert mine["count"] == 1
    assert [row["name"] for row in everyone["results"]] == ["Mine", "Theirs"]


def test_search_matches_name_or_email_ignoring_case(owner: Any) -> None:
    _create(owner, "Acme Ltd", email="ap@acme.example")
    _create(owner, "Globex", email="billing@globex.example")
    _create(owner, "Initech", email="acme-lookalike@initech.example")

    found = client_for(owner).get(CUSTOMERS, {"search": "ACME"}).json()["results"]

    assert [row["name"] for row in found] == ["Acme Ltd", "Initech"]


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        (None, ["Alpha", "Beta", "Gamma"]),
        ("name", ["Alpha", "Beta", "Gamma"]),
        ("-name", ["Gamma", "Beta", "Alpha"]),
        ("created_at", ["Beta", "Gamma", "Alpha"]),
        ("-created_at", ["Alpha", "Gamma", "Beta"]),
        ("updated_at", ["Beta", "Gamma", "Alpha"]),
    ],
)
def test_customers_are_ordered_by_the_field_asked_for(owner: Any, ordering: str | None, expected: list[str]) -> None:
    beta, gamma, alpha = _create(owner, "Beta"), _create(owner, "Gamma"), _create(owner, "Alpha")
    moments = {beta["id"]: 1, gamma["id"]: 2, alpha["id"]: 3}
    for pk, day in moments.items():
        moment = datetime(2030, 1, day, tzinfo=ZoneInfo("UTC"))
        Customer.objects.filter(pk=pk).update(created_at=moment, updated_at=moment)

    response = client_for(owner).get(CUSTOMERS, {"ordering": ordering} if ordering else {})

    assert [row["name"] for row in response.json()["results"]] == expected


def test_customer_ties_are_broken_by_id(owner: Any) -> None:
    first, second = _create(owner, "One"), _create(owner, "Two")
    moment = datetime(2030, 1, 1, tzinfo=ZoneInfo("UTC"))
    Customer.objects.update(created_at=moment)

    ascending = client_for(owner).get(CUSTOMERS, {"ordering": "created_at"}).json()["results"]
    descending = client_for(owner).get(CUSTOMERS, {"ordering": "-created_at"}).json()["results"]

    assert [row["id"] for row in ascending] == [first["id"], second["id"]]
    assert [row["id"] for row in descending] == [second["id"], first["id"]]


def test_an_unknown_customer_ordering_is_a_400_listing_the_valid_ones(owner: Any) -> None:
    response = client_for(owner).get(CUSTOMERS, {"ordering": "email"})

    assert response.status_code == 400
    assert "valid fields: name, created_at, updated_at" in response.json()["ordering"][0]


def test_a_customer_is_read_and_edited(owner: Any) -> None:
    customer = _create(owner, "Acme", email="old@acme.example", phone="1")
    client = client_for(owner)
    url = f"{CUSTOMERS}{customer['id']}/"

    patched = client.patch(url, {"email": "new@acme.example"}, format="json")
    replaced = client.put(url, {"name": "Acme Group", "phone": "2"}, format="json")

    assert client.get(url).json()["id"] == customer["id"]
    assert patched.status_code == 200
    assert (patched.json()["name"], patched.json()["email"]) == ("Acme", "new@acme.example")
    assert replaced.status_code == 200
    assert (replaced.json()["name"], replaced.json()["phone"]) == ("Acme Group", "2")


def test_renaming_to_another_customers_name_is_a_400(owner: Any) -> None:
    _create(owner, "Acme")
    other = _create(owner, "Globex")

    response = client_for(owner).patch(f"{CUSTOMERS}{other['id']}/", {"name": "acme"}, format="json")

    assert response.status_code == 400
    assert Customer.objects.get(pk=other["id"]).name == "Globex"


def test_deleting_a_customer_is_soft_and_its_invoices_keep_it(owner: Any) -> None:
    invoice = client_for(owner).post(INVOICES, invoice_body(customer_name="Acme"), format="json").json()
    client = client_for(owner)
    url = f"{CUSTOMERS}{invoice['customer']['id']}/"

    response = client.delete(url)

    assert response.status_code == 204
    assert client.get(url).status_code == 404
    assert client.get(CUSTOMERS).json()["count"] == 0
    assert Customer.objects.get(pk=invoice["customer"]["id"]).deleted_at is not None
    assert client.get(f"{INVOICES}{invoice['id']}/").json()["customer"]["name"] == "Acme"
    assert _create(owner, "Acme")["id"] != invoice["customer"]["id"]
