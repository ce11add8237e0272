"""The OpenAPI document describes the invoice API: bodies, answers, query parameters."""

from __future__ import annotations

from typing import Any

import pytest
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

from invoices.api.views import LIST_PARAMETERS
from invoices.filters import InvoiceFilterSet


@pytest.fixture(scope="module")
def schema_and_complaints() -> tuple[dict[str, Any], list[str]]:
    GENERATOR_STATS.reset()
    with GENERATOR_STATS.silence():
        schema = SchemaGenerator().get_schema(request=None, public=True)
    complaints = [*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache]
    GENERATOR_STATS.reset()
    return schema, complaints


def _parameters(operation: dict[str, Any]) -> set[str]:
    return {parameter["name"] for parameter in operation.get("parameters", [])}


def test_the_schema_is_valid_openapi(schema_and_complaints: tuple[dict[str, Any], list[str]]) -> None:
    validate_schema(schema_and_complaints[0])


def test_the_invoice_views_raise_no_schema_warnings_of_their_own(
    schema_and_complaints: tuple[dict[str, Any], list[str]],
) -> None:
    assert [complaint for complaint in schema_and_complaints[1] if "invoices/api/" in complaint] == []


def test_the_invoice_list_documents_every_filter_and_the_pages(
    schema_and_complaints: tuple[dict[str, Any], list[str]],
) -> None:
    paths = schema_and_complaints[0]["paths"]
    listed = paths["/api/v1/invoices/"]["get"]

    assert set(InvoiceFilterSet.base_filters) | {"page", "page_size", "per_page", "skip", "limit", "fields"} == (
        _parameters(listed)
    )
    # What the list accepts is exactly what it documents (`format` is DRF's, for the browsable API).
    assert set(LIST_PARAMETERS) - {"format"} == _parameters(listed)
    assert listed["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "PaginatedSparseInvoiceList"
    )
    assert set(InvoiceFilterSet.base_filters) <= _parameters(paths["/api/v1/invoices/export.csv"]["get"])
    assert "text/csv" in paths["/api/v1/invoices/export.csv"]["get"]["responses"]["200"]["content"]


def test_the_seed_aliases_are_documented_with_what_they_mean(
    schema_and_complaints: tuple[dict[str, Any], list[str]],
) -> None:
    listed = schema_and_complaints[0]["paths"]["/api/v1/invoices/"]["get"]
    documented = {parameter["name"]: parameter for parameter in listed["parameters"]}

    assert "issue date" in documented["date_from"]["description"]
    assert "issue date" in documented["date_to"]["description"]
    assert documented["date_from"]["schema"] == {"type": "string", "format": "date"}
    assert documented["customer_id"]["schema"] == {"type": "integer"}
    assert documented["skip"]["schema"] == {"type": "integer", "minimum": 0}
    assert documented["limit"]["schema"] == {"type": "integer", "minimum": 1}
    assert documented["page"]["schema"] == {"type": "integer", "minimum": 1}
    assert "page_size" in documented["per_page"]["description"]
    assert "any case" in documented["status"]["description"]


def test_put_is_documented_as_a_full_update_of_a_draft(
    schema_and_complaints: tuple[dict[str, Any], list[str]],
) -> None:
    schema = schema_and_complaints[0]
    put = schema["paths"]["/api/v1/invoices/{id}/"]["put"]
    body = put["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]

    assert set(put["responses"]) == {"200", "400", "404", "409", "412", "429"}
    assert "items" in schema["components"]["schemas"][body]["required"]


def test_writes_document_their_bodies_headers_and_errors(
    schema_and_complaints: tuple[dict[str, Any], list[str]],
) -> None:
    schema = schema_and_complaints[0]
    paths, components = schema["paths"], schema["components"]["schemas"]

    create = paths["/api/v1/invoices/"]["post"]
    assert "Idempotency-Key" in _parameters(create)
    assert set(create["responses"]) == {"201", "400", "422", "429"}
    body = create["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert {"items", "customer_id", "total_amount", "currency"} <= set(components[body]["properties"])

    edit = paths["/api/v1/invoices/{id}/"]["patch"]
    assert "If-Match" in _parameters(edit)
    assert {"409", "412"} <= set(edit["responses"])
    assert "409" in paths["/api/v1/invoices/{id}/approve/"]["post"]["responses"]
    assert "Idempotency-Key" in _parameters(paths["/api/v1/invoices/{id}/payments/"]["post"])
    assert "application/pdf" in paths["/api/v1/invoices/{id}/pdf/"]["get"]["responses"]["200"]["content"]
    assert {"detail", "status", "available_transitions"} == set(components["Conflict"]["properties"])
    assert {"search", "ordering", "page"} <= _parameters(paths["/api/v1/customers/"]["get"])
