"""Bad input at the API's edge: a clear JSON 4xx, never a 5xx or an HTML page, and nothing written.

These are the requests a fuzzer or a careless client sends: ids that are not numbers,
broken JSON, the wrong content type, absurd page sizes, too many digits, and text in
every script. Each case also checks that the database did not change.
"""

from __future__ import annotations

from typing import Any

import pytest

from invoices.models import Customer, Invoice, InvoiceEvent, LineItem
from invoices.tests.api_support import CUSTOMERS, INVOICES, client_for, invoice_body, invoice_url, line
from invoices.tests.factories import make_invoice

pytestmark = pytest.mark.django_db


def _state() -> tuple[int, int, int, int]:
    return Invoice.objects.count(), Customer.objects.count(), LineItem.objects.count(), InvoiceEvent.objects.count()


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", f"{INVOICES}abc/"),
        ("get", f"{INVOICES}null,null/"),
        ("patch", f"{INVOICES}1.5/"),
        ("delete", f"{INVOICES}-3/"),
        ("post", f"{INVOICES}null,null/submit/"),
        ("post", f"{INVOICES}x/payments/"),
        ("get", f"{INVOICES}x/events/"),
        ("get", f"{INVOICES}x/pdf/"),
        ("patch", f"{INVOICES}x/status/"),
        ("get", f"{INVOICES}99999999999999999999999999/"),
        ("get", f"{CUSTOMERS}abc/"),
        ("put", f"{CUSTOMERS}null,null/"),
        ("delete", f"{CUSTOMERS}99999999999999999999999999/"),
    ],
)
def test_an_id_that_is_not_a_valid_number_is_a_json_404_even_with_debug_on(
    owner: Any, settings: Any, method: str, path: str
) -> None:
    # `make run` serves with DEBUG on, where an unrouted URL would be Django's HTML debug page.
    settings.DEBUG = True
    make_invoice(owner=owner)
    before = _state()

    response = getattr(client_for(owner), method)(path, {"notes": "x", "status": "sent"}, format="json")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"].startswith("No ")
    assert _state() == before


def test_a_patch_with_malformed_json_is_a_400_json_and_changes_nothing(owner: Any) -> None:
    invoice = make_invoice(owner=owner, notes="before")

    response = client_for(owner).generic(
        "PATCH", invoice_url(invoice), '{"notes": "after"', content_type="application/json"
    )

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "JSON parse error" in response.json()["detail"]
    invoice.refresh_from_db()
    assert (invoice.notes, invoice.version) == ("before", 1)


def test_a_post_in_text_plain_is_a_415_json_and_creates_nothing(owner: Any) -> None:
    response = client_for(owner).generic("POST", INVOICES, "customer_name=Acme", content_type="text/plain")

    assert response.status_code == 415
    assert response.json() == {"detail": 'Unsupported media type "text/plain" in request.'}
    assert _state() == (0, 0, 0, 0)


def test_a_huge_page_size_is_capped_at_100(owner: Any) -> None:
    Customer.objects.bulk_create(Customer(owner=owner, name=f"Customer {n:03}") for n in range(101))

    response = client_for(owner).get(CUSTOMERS, {"page_size": "1" + "0" * 30})

    assert response.status_code == 200
    data = response.json()
    assert (data["count"], len(data["results"])) == (101, 100)
    assert "page=2" in data["next"]


def test_a_page_beyond_the_end_is_a_json_404(owner: Any) -> None:
    make_invoice(owner=owner)

    response = client_for(owner).get(INVOICES, {"page": 2})

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_names_and_notes_in_any_script_and_emoji_round_trip(owner: Any) -> None:
    name, notes, description = "Zoë Ünïcødé 株式会社 🚀", "Merci 💶 — ça va? 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 עברית", "Café ☕"
    client = client_for(owner)

    created = client.post(
        INVOICES, invoice_body(customer_name=name, notes=notes, items=[line(description)]), format="json"
    )
    assert created.status_code == 201, created.json()
    read = client.get(invoice_url(created.json()["id"])).json()

    assert (read["customer_name"], read["customer"]["name"], read["notes"]) == (name, name, notes)
    assert read["items"][0]["description"] == description
    assert client.get(INVOICES, {"search": "💶"}).json()["count"] == 1
    customer = client.get(f"{CUSTOMERS}{read['customer']['id']}/").json()
    assert customer["name"] == name


@pytest.mark.parametrize(
    ("item", "status_code"),
    [
        (line(quantity="1.23456"), 400),
        (line(quantity="1.2345"), 201),
        (line(unit_price="0.00125"), 400),
        (line(unit_price="0.0125"), 201),
        (line(unit_price="999999999999.99"), 201),
        (line(unit_price="1000000000000.00"), 400),
        (line(quantity="2", unit_price="999999999999.99"), 400),
    ],
)
def test_digits_beyond_what_the_columns_hold_are_a_400_and_write_nothing(
    owner: Any, item: dict[str, str], status_code: int
) -> None:
    response = client_for(owner).post(INVOICES, invoice_body(items=[item]), format="json")

    assert response.status_code == status_code, response.json()
    if status_code == 400:
        assert "items" in response.json()
        assert _state() == (0, 0, 0, 0)


@pytest.mark.parametrize(
    ("path", "params"),
    [
        (INVOICES, {"search": "a\x00b"}),
        (INVOICES, {"customer_name": "\x00"}),
        (INVOICES, {"customer_email": "\x00"}),
        (INVOICES, {"currency": "\x00"}),
        (INVOICES, {"ordering": "\x00"}),
        (INVOICES, {"status": "\x00"}),
        (f"{INVOICES}find/", {"invoice_number": "INV\x00"}),
        (f"{INVOICES}export.csv", {"search": "\x00"}),
        (CUSTOMERS, {"search": "\x00"}),
        (INVOICES, {"min_amount": "1e400", "max_amount": "-1e400"}),
        (INVOICES, {"created_after": "0001-01-01", "created_before": "9999-12-31", "due_after": "0001-01-01"}),
        (INVOICES, {"customer": "9" * 30}),
        (INVOICES, {"page": "9" * 30, "page_size": "-1"}),
        (f"{INVOICES}export.csv", {"min_amount": "1e400"}),
    ],
)
def test_extreme_or_nul_query_parameters_are_never_a_server_error(
    owner: Any, path: str, params: dict[str, str]
) -> None:
    # PostgreSQL refuses NUL in text, and numbers and dates have ranges: the query must not reach it with those.
    make_invoice(owner=owner)

    response = client_for(owner).get(path, params)

    assert response.status_code in (200, 400, 404)
    assert response.status_code == 200 or "application/json" in response["Content-Type"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "This query parameter is required."),
        ({"invoice_number": "  "}, "This query parameter is required."),
        ({"invoice_number": "X" * 41}, "Ensure this field has no more than 40 characters."),
        ({"invoice_number": "INV\x00"}, "Null characters are not allowed."),
    ],
)
def test_find_refuses_a_missing_overlong_or_nul_number_with_a_400(
    owner: Any, params: dict[str, str], message: str
) -> None:
    response = client_for(owner).get(f"{INVOICES}find/", params)

    assert response.status_code == 400
    assert response.json() == {"invoice_number": [message]}


def test_an_invoice_is_not_reachable_under_other_spellings_of_its_id(owner: Any) -> None:
    invoice = make_invoice(owner=owner)
    arabic_indic = str(invoice.pk).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    client = client_for(owner)

    assert client.get(invoice_url(invoice)).status_code == 200
    for spelling in (f"%20{invoice.pk}", f"+{invoice.pk}", f"0{invoice.pk}", f"{invoice.pk}.0", arabic_indic):
        response = client.get(f"{INVOICES}{spelling}/")
        assert (response.status_code, response.json()) == (404, {"detail": "No invoice matches the given id."})
