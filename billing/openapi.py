"""OpenAPI post-processing for what every API view shares.

The general rate limit (`billing.throttles`) can answer any throttled operation with a
429; client authors should find that, and its `Retry-After`, in the document rather than
by surprise, and schema-driven tests should accept it.
"""

from __future__ import annotations

from typing import Any

from billing.throttles import ApiAnonThrottle, ApiUserThrottle

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
