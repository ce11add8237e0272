"""Calls exactly as the seed documents spell them work unchanged (issue 13).

Each test sends the seed's own spelling: paths without the slash, `PUT`, JSON numbers,
`skip`/`limit`, `per_page`, `customer_id`, `date_from`/`date_to`, capital states and
numbers typed in lower case.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from invoices.models import Invoice, LineItem
from invoices.tests.api_support import client_for, event_count, invoice_body, line
from invoices.tests.factories import advance, make_invoice

pytestmark = pytest.mark.django_db

SEED_INVOICES = "/api/v1/invoices"  # seed 000's path: no trailing slash


# --- PUT: a full update of a draft ---------------------------------------------------------


def test_put_replaces_a_draft_through_the_update_service(owner: Any) -> None:
    invoice = make_invoice(owner=owner, notes="old notes")
    body = invoice_body(customer_name="Globex", items=[line(quantity="3", unit_price="10.00")])

    response = client_for(owner).put(f"{SEED_INVOICES}/{invoice.pk}", body, format="json")

    assert response.status_code == 200
    data = response.json()
    assert data["customer_name"] == "Globex"
    assert data["notes"] == ""  # left out of a full update: reset
    assert data["total_amount"] == "30.00"
    assert [(Decimal(item["quantity"]), Decimal(item["unit_price"])) for item in data["items"]] == [(3, 10)]
    assert event_count(invoice) == 2  # created, updated: the same event PATCH writes
    assert invoice.events.order_by("id").last().kind == "updated"


def test_put_with_a_trailing_slash_works_as_well(owner: Any) -> None:
    invoice = make_invoice(owner=owner)

    response = client_for(owner).put(f"{SEED_INVOICES}/{invoice.pk}/", invoice_body(notes="n"), format="json")

    assert response.status_code == 200
    assert response.json()["notes"] == "n"


def test_put_outside_draft_is_a_409_and_changes_nothing(owner: Any, approver: Any) -> None:
    invoice = advance(make_invoice(owner=owner), to="pending_approval", approver=approver)

    response = client_for(owner).put(f"{SEED_INVOICES}/{invoice.pk}", invoice_body(notes="late"), format="json")

    assert response.status_code == 409
    assert response.json()["status"] == "pending_approval"
    invoice.refresh_from_db()
    assert invoice.notes == ""
    assert event_count(invoice) == 2


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({"customer_name": "Globex", "notes": "no items"}, "items"),
        ({"items": [line()], "notes": "nobody"}, "customer_name"),
    ],
)
def test_put_without_items_or_customer_is_a_400_and_changes_nothing(owner: Any, body: dict, named: str) -> None:
    invoice = make_invoice(owner=owner)
    before = list(LineItem.objects.filter(invoice=invoice).values_list("pk", flat=True))

    response = client_for(owner).put(f"{SEED_INVOICES}/{invoice.pk}", body, format="json")

    assert response.status_code == 400
    assert list(response.json()) == [named]
    assert list(LineItem.objects.filter(invoice=invoice).values_list("pk", flat=True)) == before
    assert event_count(invoice) == 1


def test_put_with_status_is_a_400_like_patch(owner: Any) -> None:
    invoice = make_invoice(owner=owner)

    response = client_for(owner).put(f"{SEED_INVOICES}/{invoice.pk}", invoice_body(status="paid"), format="json")

    assert response.status_code == 400
    assert "status" in response.json()
    assert Invoice.objects.get(pk=invoice.pk).status == "draft"


def test_put_on_someone_elses_invoice_is_a_404(owner: Any, other_user: Any) -> None:
    invoice = make_invoice(owner=owner)

    response = client_for(other_user).put(f"{SEED_INVOICES}/{invoice.pk}", invoice_body(), format="json")

    assert response.status_code == 404
    assert Invoice.objects.get(pk=invoice.pk).total_amount == Decimal("100.00")


# --- numbers sent as JSON numbers ----------------------------------------------------------


def post_raw(user: Any, path: str, text: str) -> Any:
    """Send the body exactly as typed, so JSON numbers stay numbers on the wire."""
    return client_for(user).generic("POST", path, text, content_type="application/json")


def test_seed_000_create_with_json_numbers_makes_the_same_invoice_as_strings(owner: Any) -> None:
    text = (
        '{"customer_name": "Acme Ltd", "currency": "EUR", "issue_date": "2030-01-10", "due_date": "2030-02-09",'
        ' "items": [{"description": "Consulting", "quantity": 2, "unit_price": 100.00, "tax_rate": 19.0,'
        ' "discount_percent": 0}], "total_amount": 238.00}'
    )

    response = post_raw(owner, SEED_INVOICES, text)

    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["subtotal"], data["tax_amount"], data["total_amount"]) == ("200.00", "38.00", "238.00")
    # Compared as numbers: the places shown are the serializer's, not the client's.
    assert Decimal(data["items"][0]["quantity"]) == 2
    assert Decimal(data["items"][0]["unit_price"]) == 100


@pytest.mark.parametrize(
    ("number", "stored"),
    [("0.1", "0.10"), ("19.99", "19.99"), ("1e2", "100.00"), ("1E-1", "0.10"), ("99999999999.99", "99999999999.99")],
)
def test_a_json_number_unit_price_is_read_from_its_digits(owner: Any, number: str, stored: str) -> None:
    text = f'{{"customer_name": "Acme Ltd", "items": [{{"description": "x", "quantity": 1, "unit_price": {number}}}]}}'

    response = post_raw(owner, SEED_INVOICES, text)

    assert response.status_code == 201, response.json()
    assert Decimal(response.json()["items"][0]["unit_price"]) == Decimal(stored)
    assert LineItem.objects.get(invoice_id=response.json()["id"]).unit_price == Decimal(stored)


def test_a_json_number_with_more_digits_than_a_float_holds_is_refused_not_rounded(owner: Any) -> None:
    # As a float this is 100.0 and would pass; its digits have 15 decimal places.
    text = (
        '{"customer_name": "Acme Ltd",'
        ' "items": [{"description": "x", "quantity": 1, "unit_price": 100.000000000000001}]}'
    )

    response = post_raw(owner, SEED_INVOICES, text)

    assert response.status_code == 400
    [message] = response.json()["items"]["0"]["unit_price"]
    assert message == "Unit price may have at most 12 digits before and 4 after the decimal point."
    assert Invoice.objects.count() == 0


def test_a_json_number_payment_amount_works_as_a_string_does(owner: Any, approver: Any) -> None:
    invoice = advance(make_invoice(owner=owner), to="sent", approver=approver)

    response = post_raw(owner, f"{SEED_INVOICES}/{invoice.pk}/payments", '{"amount": 50}')
    second = post_raw(owner, f"{SEED_INVOICES}/{invoice.pk}/payments", '{"amount": 49.99}')

    assert (response.status_code, second.status_code) == (201, 201)
    assert (response.json()["amount"], second.json()["amount"]) == ("50.00", "49.99")
    invoice.refresh_from_db()
    assert invoice.amount_paid == Decimal("99.99")


def test_nan_and_infinity_are_a_400(owner: Any) -> None:
    text = '{"customer_name": "Acme Ltd", "items": [{"description": "x", "quantity": 1, "unit_price": NaN}]}'

    response = post_raw(owner, SEED_INVOICES, text)

    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON parse error")
    assert Invoice.objects.count() == 0


# --- list aliases: skip/limit, per_page, customer_id, date_from/date_to --------------------


def numbers(response: Any) -> list[str]:
    return [row["invoice_number"] for row in response.json()["results"]]


@pytest.fixture
def five_invoices(owner: Any) -> list[Invoice]:
    """INV-1 .. INV-5, issued on the 1st to the 5th of March 2030."""
    return [
        make_invoice(
            owner=owner,
            invoice_number=f"INV-{n}",
            issue_date=date(2030, 3, n),
            due_date=date(2030, 4, n),
            customer_name="Acme Ltd" if n % 2 else "Globex",
        )
        for n in range(1, 6)
    ]


def test_seed_001_skip_and_limit_page_by_offset(owner: Any, five_invoices: list[Invoice]) -> None:
    response = client_for(owner).get(SEED_INVOICES, {"skip": 1, "limit": 2, "ordering": "invoice_number"})

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 5
    assert numbers(response) == ["INV-2", "INV-3"]
    assert "skip=3" in body["next"] and "limit=2" in body["next"]
    assert "limit=2" in body["previous"]


def test_skip_alone_uses_the_default_limit_and_limit_is_capped_at_100(owner: Any, five_invoices: list[Invoice]) -> None:
    client = client_for(owner)

    assert numbers(client.get(SEED_INVOICES, {"skip": 3, "ordering": "invoice_number"})) == ["INV-4", "INV-5"]
    assert len(client.get(SEED_INVOICES, {"limit": 1000}).json()["results"]) == 5


def test_per_page_is_page_size(owner: Any, five_invoices: list[Invoice]) -> None:
    response = client_for(owner).get(SEED_INVOICES, {"per_page": 2, "page": 2, "ordering": "invoice_number"})

    assert response.status_code == 200
    assert numbers(response) == ["INV-3", "INV-4"]
    assert "per_page=2" in response.json()["next"]


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ({"page": "abc"}, "page"),
        ({"page": "0"}, "page"),
        ({"page": "-1"}, "page"),
        ({"page": "1.5"}, "page"),
        ({"page_size": "abc"}, "page_size"),
        ({"per_page": "0"}, "per_page"),
        ({"skip": "-1"}, "skip"),
        ({"limit": "ten"}, "limit"),
        ({"limit": "0"}, "limit"),
        ({"page": "1", "skip": "0"}, "skip"),
        ({"page_size": "5", "per_page": "5"}, "per_page"),
    ],
)
def test_a_bad_page_parameter_is_a_400_naming_it(
    owner: Any, five_invoices: list[Invoice], query: dict, named: str
) -> None:
    response = client_for(owner).get(SEED_INVOICES, query)

    assert response.status_code == 400
    assert list(response.json()) == [named]


def test_a_page_past_the_end_is_still_a_404_and_last_is_the_last_page(owner: Any, five_invoices: list[Invoice]) -> None:
    client = client_for(owner)

    assert client.get(SEED_INVOICES, {"page": 9}).status_code == 404
    assert numbers(client.get(SEED_INVOICES, {"page": "last", "page_size": 2, "ordering": "invoice_number"})) == [
        "INV-5"
    ]


def test_customer_id_filters_by_customer(owner: Any, five_invoices: list[Invoice]) -> None:
    globex_id = five_invoices[1].customer_id

    response = client_for(owner).get(SEED_INVOICES, {"customer_id": globex_id, "ordering": "invoice_number"})

    assert response.status_code == 200
    assert numbers(response) == ["INV-2", "INV-4"]


def test_customer_id_of_someone_elses_customer_is_a_400(owner: Any, other_user: Any) -> None:
    theirs = make_invoice(owner=other_user, customer_name="Their Co")

    response = client_for(owner).get(SEED_INVOICES, {"customer_id": theirs.customer_id})

    assert response.status_code == 400
    assert list(response.json()) == ["customer_id"]


def test_date_from_and_date_to_filter_the_issue_date_inclusively(owner: Any, five_invoices: list[Invoice]) -> None:
    response = client_for(owner).get(
        SEED_INVOICES, {"date_from": "2030-03-02", "date_to": "2030-03-04", "ordering": "invoice_number"}
    )

    assert response.status_code == 200
    assert numbers(response) == ["INV-2", "INV-3", "INV-4"]


def test_a_malformed_date_from_is_a_400_naming_it(owner: Any) -> None:
    response = client_for(owner).get(SEED_INVOICES, {"date_from": "03/02/2030"})

    assert response.status_code == 400
    assert response.json() == {"date_from": ["Enter a date as YYYY-MM-DD."]}


def test_an_unknown_query_parameter_is_a_400_listing_the_valid_ones(owner: Any, five_invoices: list[Invoice]) -> None:
    response = client_for(owner).get(SEED_INVOICES, {"offset": 2, "status": "draft"})

    assert response.status_code == 400
    [message] = response.json()["offset"]
    assert message.startswith("Unknown query parameter; valid parameters: ")
    for name in ("skip", "limit", "per_page", "customer_id", "date_from", "date_to", "page", "fields", "format"):
        assert name in message


def test_every_documented_parameter_is_accepted_together(owner: Any, five_invoices: list[Invoice]) -> None:
    query = {
        "status": "draft",
        "customer_id": five_invoices[0].customer_id,
        "date_from": "2030-03-01",
        "date_to": "2030-03-31",
        "search": "INV",
        "sort_by": "invoice_number",
        "sort_order": "desc",
        "fields": "invoice_number",
        "per_page": 10,
        "format": "json",
    }

    response = client_for(owner).get(SEED_INVOICES, query)

    assert response.status_code == 200, response.json()
    assert numbers(response) == ["INV-5", "INV-3", "INV-1"]


# --- any case: states and numbers ----------------------------------------------------------


@pytest.mark.parametrize("spelling", ["PAID", "Paid", "paid", "SENT,Paid"])
def test_status_filter_reads_states_in_any_case(owner: Any, approver: Any, spelling: str) -> None:
    paid = advance(make_invoice(owner=owner, invoice_number="INV-PAID"), to="paid", approver=approver)
    make_invoice(owner=owner, invoice_number="INV-DRAFT")

    response = client_for(owner).get(SEED_INVOICES, {"status": spelling})

    assert response.status_code == 200
    assert numbers(response) == [paid.invoice_number]


def test_an_unknown_status_in_capitals_is_still_a_400(owner: Any) -> None:
    response = client_for(owner).get(SEED_INVOICES, {"status": "SETTLED"})

    assert response.status_code == 400
    assert response.json()["status"][0].startswith("Unknown status settled; valid values: draft")


@pytest.mark.parametrize("spelling", ["PENDING_APPROVAL", "Pending_Approval"])
def test_patch_status_reads_the_state_in_any_case(owner: Any, spelling: str) -> None:
    invoice = make_invoice(owner=owner)

    response = client_for(owner).patch(f"{SEED_INVOICES}/{invoice.pk}/status", {"status": spelling}, format="json")

    assert response.status_code == 200
    assert response.json()["status"] == "pending_approval"
    assert event_count(invoice) == 2


def test_patch_status_with_an_unknown_state_is_a_400_and_changes_nothing(owner: Any) -> None:
    invoice = make_invoice(owner=owner)

    response = client_for(owner).patch(f"{SEED_INVOICES}/{invoice.pk}/status", {"status": "SETTLED"}, format="json")

    assert response.status_code == 400
    assert Invoice.objects.get(pk=invoice.pk).status == "draft"
    assert event_count(invoice) == 1


def test_find_by_number_ignores_case(owner: Any) -> None:
    invoice = make_invoice(owner=owner, invoice_number="INV-202609-MRZRKA")

    response = client_for(owner).get(f"{SEED_INVOICES}/find", {"invoice_number": "inv-202609-mrzrka"})

    assert response.status_code == 200
    assert response.json()["id"] == invoice.pk


def test_find_prefers_the_exact_spelling_among_numbers_that_differ_only_in_case(owner: Any) -> None:
    make_invoice(owner=owner, invoice_number="INV-AB")
    lower = make_invoice(owner=owner, invoice_number="inv-ab")

    response = client_for(owner).get(f"{SEED_INVOICES}/find", {"invoice_number": "inv-ab"})

    assert response.json()["id"] == lower.pk


def test_find_in_any_case_still_hides_other_peoples_invoices(owner: Any, other_user: Any) -> None:
    make_invoice(owner=other_user, invoice_number="INV-THEIRS")

    response = client_for(owner).get(f"{SEED_INVOICES}/find", {"invoice_number": "inv-theirs"})

    assert response.status_code == 404


# --- text orderings regardless of case, on every database -----------------------------------


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("customer_name", ["acme/3", "Beta/5", "smithers/2", "smithers/4", "Umbrella/1"]),
        ("-customer_name", ["Umbrella/1", "smithers/4", "smithers/2", "Beta/5", "acme/3"]),
    ],
)
def test_customer_name_sorts_alphabetically_regardless_of_case_with_ties_by_id(
    owner: Any, ordering: str, expected: list[str]
) -> None:
    # The second "smithers" invoice reuses the customer: the tie is broken by id (descending with '-').
    for n, name in enumerate(["Umbrella", "smithers", "acme", "smithers", "Beta"], start=1):
        make_invoice(owner=owner, customer_name=name, invoice_number=str(n))

    response = client_for(owner).get(SEED_INVOICES, {"ordering": ordering})

    assert [f"{row['customer_name']}/{row['invoice_number']}" for row in response.json()["results"]] == expected


def test_sort_by_customer_name_alias_ignores_case_too(owner: Any) -> None:
    for name in ["Umbrella", "smithers"]:
        make_invoice(owner=owner, customer_name=name)

    response = client_for(owner).get(SEED_INVOICES, {"sort_by": "customer_name", "sort_order": "ASC"})

    assert [row["customer_name"] for row in response.json()["results"]] == ["smithers", "Umbrella"]


def test_customers_sort_by_name_regardless_of_case(owner: Any) -> None:
    for name in ["Umbrella", "smithers", "acme"]:
        make_invoice(owner=owner, customer_name=name)

    response = client_for(owner).get("/api/v1/customers", {"ordering": "name"})

    assert [row["name"] for row in response.json()["results"]] == ["acme", "smithers", "Umbrella"]
