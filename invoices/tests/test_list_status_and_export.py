"""Several states in the status filter (API, CSV export and the list page), and the list
page's CSV export button, which exports exactly the invoices the filters list."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client
from drf_spectacular.generators import SchemaGenerator

from invoices.tests.api_support import INVOICES
from invoices.tests.api_support import client_for as api_client_for
from invoices.tests.test_api_filters import Book, book  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db
EXPORT = "/api/v1/invoices/export.csv"


def names(book: Book, response: Any) -> set[str]:  # noqa: F811
    assert response.status_code == 200, response.content
    return {book.name(row["id"]) for row in response.json()["results"]}


def csv_numbers(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    body = b"".join(response.streaming_content).decode()
    return sorted(row["invoice_number"] for row in csv.DictReader(io.StringIO(body)))


@pytest.mark.parametrize(
    "query",
    [
        "status=draft&status=sent",
        "status=draft,sent",
        "status=DRAFT&status=Sent",
        "status=draft,sent&status=draft",
        "status=draft&status=&status=sent",
    ],
)
def test_the_api_takes_several_states_repeated_or_comma_separated(book: Book, owner: Any, query: str) -> None:  # noqa: F811
    assert names(book, api_client_for(owner).get(f"{INVOICES}?{query}")) == {"A", "C"}


def test_repeated_and_comma_separated_states_combine(book: Book, owner: Any) -> None:  # noqa: F811
    response = api_client_for(owner).get(f"{INVOICES}?status=draft,pending_approval&status=cancelled")

    assert names(book, response) == {"A", "B", "D"}


@pytest.mark.parametrize("query", ["status=draft&status=nope", "status=nope,draft", "status=sent&status=NOPE"])
def test_a_bad_state_among_several_is_a_400_naming_the_status_filter(book: Book, owner: Any, query: str) -> None:  # noqa: F811
    response = api_client_for(owner).get(f"{INVOICES}?{query}")

    assert response.status_code == 400
    (message,) = response.json()["status"]
    assert message.startswith("Unknown status nope; valid values: draft, pending_approval, approved,")
    assert list(response.json()) == ["status"]


def test_the_csv_export_takes_repeated_states_too(book: Book, owner: Any) -> None:  # noqa: F811
    response = api_client_for(owner).get(f"{EXPORT}?status=draft&status=cancelled")

    assert csv_numbers(response) == ["A-001", "D-004"]


def test_the_schema_documents_status_as_a_repeatable_list() -> None:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path in ("/api/v1/invoices/", "/api/v1/invoices/export.csv"):
        (status,) = [p for p in schema["paths"][path]["get"]["parameters"] if p["name"] == "status"]

        assert status["in"] == "query"
        assert status["schema"] == {"type": "array", "items": {"type": "string"}}
        assert status["style"] == "form"
        assert status["explode"] is True
        assert "`status=draft&status=sent`" in status["description"]
        assert "`status=draft,sent`" in status["description"]
        assert "400" in status["description"]


# --- the list page ---------------------------------------------------------------------


@pytest.fixture
def owner_client(client: Client, owner: Any) -> Client:
    client.force_login(owner)
    return client


def listed_numbers(response: Any) -> list[str]:
    return sorted(invoice.invoice_number for invoice in response.context["invoices"])


def test_the_list_page_ticks_and_applies_several_states(book: Book, owner_client: Client) -> None:  # noqa: F811
    response = owner_client.get("/invoices/?status=draft&status=sent")

    assert response.status_code == 200
    assert listed_numbers(response) == ["A-001", "C-003"]
    html = response.content.decode()
    assert 'type="checkbox" name="status" value="draft" id="id_status_0" checked' in html
    assert 'type="checkbox" name="status" value="sent" id="id_status_4" checked' in html
    assert 'value="pending_approval" id="id_status_1" checked' not in html


def test_the_list_page_reads_comma_separated_states_from_an_api_style_address(book: Book, owner_client: Client) -> None:  # noqa: F811
    response = owner_client.get("/invoices/?status=draft,cancelled")

    assert listed_numbers(response) == ["A-001", "D-004"]
    assert 'value="cancelled" id="id_status_7" checked' in response.content.decode()


def test_a_bad_state_on_the_page_is_shown_on_the_status_field_with_no_rows_and_no_export(
    book: Book,  # noqa: F811
    owner_client: Client,
) -> None:
    response = owner_client.get("/invoices/?status=draft&status=nope")

    assert response.status_code == 400
    assert listed_numbers(response) == []
    (message,) = response.context["filter_form"].errors["status"]
    assert message.startswith("Unknown status nope; valid values:")
    assert "Export CSV" not in response.content.decode()


def test_the_export_button_links_the_export_with_the_current_filters_and_sorting_but_not_the_page(
    book: Book,  # noqa: F811
    owner_client: Client,
) -> None:
    response = owner_client.get("/invoices/?status=draft&status=cancelled&currency=GBP&ordering=-due_date&page=1")

    assert response.context["export_url"] == (
        "/api/v1/invoices/export.csv?status=draft&status=cancelled&currency=GBP&ordering=-due_date"
    )
    assert f'href="{response.context["export_url"]}" download>Export CSV' in response.content.decode().replace(
        "&amp;", "&"
    )
    exported = owner_client.get(response.context["export_url"])  # the page's session is enough
    assert exported["Content-Type"].startswith("text/csv")
    assert csv_numbers(exported) == ["D-004"]


def test_the_unfiltered_list_exports_everything_it_lists(book: Book, owner_client: Client) -> None:  # noqa: F811
    response = owner_client.get("/invoices/")

    assert response.context["export_url"] == "/api/v1/invoices/export.csv"
    assert csv_numbers(owner_client.get(response.context["export_url"])) == ["A-001", "B-002", "C-003", "D-004"]
