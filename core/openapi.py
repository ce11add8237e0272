"""OpenAPI post-processing for what every API view shares.

The general rate limit (`core.throttles`) can answer any throttled operation with a
429; client authors should find that, and its `Retry-After`, in the document rather than
by surprise, and schema-driven tests should accept it.

Links say which answer feeds which request (the id a create answers is the `{id}` of the
detail and transition routes), so a client, and the stateful schema test, can walk from
one operation to the next without knowing our URL scheme.
"""

from __future__ import annotations

import re
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse

from core.throttles import ApiAnonThrottle, ApiUserThrottle

# The 400 of every app's API: the exception handler's field errors (`core.exceptions`).
BAD_REQUEST = OpenApiResponse(OpenApiTypes.OBJECT, description="Field errors, keyed by field.")

GENERAL_THROTTLES = (ApiUserThrottle, ApiAnonThrottle)
RATE_LIMITED = {
    "description": "Over the API rate limit; retry after the seconds in Retry-After.",
    "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}},
    "content": {
        "application/json": {
            "schema": {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]}
        }
    },
}


def _is_rate_limited(callback: Any) -> bool:
    throttles = callback.initkwargs.get("throttle_classes", getattr(callback.cls, "throttle_classes", ()))
    return any(issubclass(throttle, GENERAL_THROTTLES) for throttle in throttles)


def document_rate_limit(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """Add the 429 answer to every operation the general rate limit applies to."""
    for path, _regex, method, callback in generator.endpoints or []:
        documented_path = generator.coerce_path(path, method, generator.create_view(callback, method, request))
        operation = result.get("paths", {}).get(documented_path, {}).get(method.lower())
        if operation is not None and _is_rate_limited(callback):
            operation.setdefault("responses", {}).setdefault("429", RATE_LIMITED)
    return result


# One path parameter right after a collection path: `/api/v1/invoices/{id}/...`.
DETAIL_PATH = re.compile(r"^(?P<collection>.+/)\{(?P<parameter>[^}/]+)\}/")
# Objects created under one collection but served from another, and what names their id.
CREATED_ELSEWHERE = {
    ("post", "/api/v1/invoices/{id}/credit-notes/"): ("/api/v1/credit-notes/", "id"),
    ("post", "/api/v1/invoices/upload/"): ("/api/v1/batches/", "batch_id"),
}
SUCCESS_CODES = ("201", "202", "200")


def _operations(result: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, item in result.get("paths", {}).items()
        for method, operation in item.items()
        if isinstance(operation, dict) and "operationId" in operation
    ]


def _on_detail(collection: str, operations: list[tuple[str, str, dict[str, Any]]]) -> list[tuple[str, dict]]:
    """The operations on `collection{param}/...`, with the name of that parameter."""
    found = []
    for path, _method, operation in operations:
        match = DETAIL_PATH.match(path)
        if match and match["collection"] == collection:
            found.append((match["parameter"], operation))
    return found


def _add_links(response: dict[str, Any], targets: list[tuple[str, dict]], expression: str, skip: str = "") -> None:
    links = response.setdefault("links", {})
    for parameter, target in targets:
        if target["operationId"] != skip:
            links[target["operationId"]] = {
                "operationId": target["operationId"],
                "parameters": {parameter: expression},
            }


def _success(operation: dict[str, Any]) -> dict[str, Any] | None:
    responses = operation.get("responses", {})
    return next((responses[code] for code in SUCCESS_CODES if code in responses), None)


def document_links(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """Link each create to the operations on what it created, and each operation on an object to
    the others on the same object (submit, then approve, then pay ...)."""
    operations = _operations(result)
    for path, method, operation in operations:
        created = operation.get("responses", {}).get("201") or operation.get("responses", {}).get("202")
        if method == "post" and created is not None:
            collection, field = CREATED_ELSEWHERE.get((method, path), (path, "id"))
            _add_links(created, _on_detail(collection, operations), f"$response.body#/{field}")
        match = DETAIL_PATH.match(path)
        answer = _success(operation)
        if match and answer is not None and method != "delete":
            siblings = [
                (parameter, target)
                for parameter, target in _on_detail(match["collection"], operations)
                if parameter == match["parameter"]
            ]
            _add_links(answer, siblings, f"$request.path.{match['parameter']}", skip=operation["operationId"])
    for response in (
        response for _path, _method, operation in operations for response in operation.get("responses", {}).values()
    ):
        if response.get("links") == {}:
            del response["links"]
    return result
