"""What the invoice API sends matches what its OpenAPI document promises.

Real responses are validated against the published components with formats checked,
so a field documented as an e-mail that can be blank, or as required but sometimes
missing, fails here before a client generated from the document trips on it.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator
from jsonschema import Draft202012Validator

from invoices.tests.api_support import CUSTOMERS, INVOICES, client_for, invoice_body, invoice_url
from invoices.tests.factories import advance, make_invoice

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def openapi() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)


def _as_json_schema(node: Any) -> Any:
    """OpenAPI 3.0's `nullable` is not JSON Schema: spell it as "this, or null"."""
    if isinstance(node, list):
        return [_as_json_schema(value) for value in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _as_json_schema(value) for key, value in node.items() if key != "nullable"}
    return {"anyOf": [converted, {"type": "null"}]} if node.get("nullable") else converted


def assert_matches(openapi: dict[str, Any], component: str, body: Any) -> None:
    schema = {"$ref": f"#/components/schemas/{component}", "components": _as_json_schema(openapi["components"])}
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    problems = [f"{'/'.join(map(str, error.absolute_path))}: {error.message}" for error in validator.iter_errors(body)]
    assert problems == []


def test_an_invoice_whose_customer_has_no_email_matches_the_invoice_schema(owner: Any, openapi: dict[str, Any]) -> None:
    client = client_for(owner)
    created = client.post(INVOICES, invoice_body(customer_name="No Mail Ltd", customer_email=""), format="json")
    assert created.status_code == 201, created.json()
    assert (created.json()["customer_email"], created.json()["customer"]["email"]) == ("", "")

    assert_matches(openapi, "Invoice", created.json())
    assert_matches(openapi, "Invoice", client.get(invoice_url(created.json()["id"])).json())
    assert_matches(openapi, "PaginatedSparseInvoiceList", client.get(INVOICES).json())
    assert_matches(openapi, "PaginatedCustomerList", client.get(CUSTOMERS).json())


def test_a_paid_invoice_its_payments_and_its_trail_match_their_schemas(
    owner: Any, approver: Any, openapi: dict[str, Any]
) -> None:
    invoice = advance(make_invoice(owner=owner), to="paid", approver=approver)
    client = client_for(owner)

    assert_matches(openapi, "Invoice", client.get(invoice_url(invoice)).json())
    for payment in client.get(invoice_url(invoice, "payments")).json():
        assert_matches(openapi, "Payment", payment)
    for event in client.get(invoice_url(invoice, "events")).json():
        assert_matches(openapi, "InvoiceEvent", event)


def _responses(openapi: dict[str, Any], path: str, method: str) -> set[str]:
    return set(openapi["paths"][path][method]["responses"])


def test_every_status_the_lists_and_reject_answer_with_is_documented(openapi: dict[str, Any]) -> None:
    # A page past the end is a 404; a rejection without a reason is a 400.
    assert {"200", "400", "404"} <= _responses(openapi, "/api/v1/invoices/", "get")
    assert {"200", "400", "404"} <= _responses(openapi, "/api/v1/customers/", "get")
    assert {"200", "400", "403", "404", "409"} <= _responses(openapi, "/api/v1/invoices/{id}/reject/", "post")


def _request_schema(openapi: dict[str, Any], path: str, method: str) -> dict[str, Any]:
    reference = openapi["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    return openapi["components"]["schemas"][reference.rsplit("/", 1)[-1]]


def test_bodies_document_the_fields_the_server_requires(openapi: dict[str, Any]) -> None:
    # PATCH bodies are partial by default in the generator; this one needs its `status`.
    assert _request_schema(openapi, "/api/v1/invoices/{id}/status/", "patch")["required"] == ["status"]
    reject = _request_schema(openapi, "/api/v1/invoices/{id}/reject/", "post")
    assert (reject["required"], reject["properties"]["reason"]["minLength"]) == (["reason"], 1)


@pytest.mark.parametrize(
    ("component", "field", "accepted", "refused"),
    [
        ("PaymentInputRequest", "amount", ["12.50", "7", "0.5", ".5"], ["", "-1.00", "1.001", "1" * 13, "."]),
        ("ItemInputRequest", "quantity", ["1.2345", "1.459", "3"], ["", "1.23456", "-1"]),
        ("ItemInputRequest", "unit_price", ["999999999999.9999", "0.0125"], ["", "1000000000000.00", "0.00125"]),
        ("InvoiceCreateInputRequest", "total_amount", ["0.00"], [""]),
    ],
)
def test_decimal_inputs_document_a_pattern_that_needs_a_digit_and_respects_the_limits(
    openapi: dict[str, Any], component: str, field: str, accepted: list[str], refused: list[str]
) -> None:
    pattern = re.compile(openapi["components"]["schemas"][component]["properties"][field]["pattern"])

    assert [value for value in accepted if not pattern.search(value)] == []
    assert [value for value in refused if pattern.search(value)] == []


def _parameter(openapi: dict[str, Any], path: str, name: str) -> dict[str, Any]:
    return next(parameter for parameter in openapi["paths"][path]["get"]["parameters"] if parameter["name"] == name)


def test_query_parameters_that_may_not_be_empty_say_so(openapi: dict[str, Any]) -> None:
    for path in ("/api/v1/invoices/", "/api/v1/invoices/{id}/", "/api/v1/invoices/find/"):
        assert _parameter(openapi, path, "fields")["schema"]["minLength"] == 1
    number = _parameter(openapi, "/api/v1/invoices/find/", "invoice_number")
    expected = {"type": "string", "minLength": 1, "maxLength": 40, "pattern": r"\S"}
    assert (number["required"], number["schema"]) == (True, expected)


def test_the_fields_parameter_documents_exactly_the_lists_the_server_takes(openapi: dict[str, Any]) -> None:
    pattern = re.compile(_parameter(openapi, "/api/v1/invoices/", "fields")["schema"]["pattern"])
    accepted = ["id", "id,status", " id , total_amount ", ",id,,source,", "rejection_reason"]
    refused = ["", ",", "0", "id,bogus", "ids", "id status", "Id"]

    assert [value for value in accepted if not pattern.search(value)] == []
    assert [value for value in refused if pattern.search(value)] == []


def _documented_answer(openapi: dict[str, Any], path: str, status: str = "200") -> dict[str, Any]:
    return openapi["paths"][path]["get"]["responses"][status]["content"]["application/json"]["schema"]


@pytest.mark.parametrize("fields", ["id", "id,total_amount,customer", None])
def test_sparse_and_full_reads_match_what_the_list_detail_and_find_document(
    owner: Any, openapi: dict[str, Any], fields: str | None
) -> None:
    invoice = make_invoice(owner=owner)
    client = client_for(owner)
    query = {"fields": fields} if fields else {}
    reads = [
        ("/api/v1/invoices/", client.get(INVOICES, query)),
        ("/api/v1/invoices/{id}/", client.get(invoice_url(invoice), query)),
        ("/api/v1/invoices/find/", client.get(f"{INVOICES}find/", {**query, "invoice_number": invoice.invoice_number})),
    ]

    for path, response in reads:
        assert response.status_code == 200
        schema = {**_documented_answer(openapi, path), "components": _as_json_schema(openapi["components"])}
        validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
        assert [error.message for error in validator.iter_errors(response.json())] == [], path
