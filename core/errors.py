"""Domain errors that every door maps the same way.

Services raise these; the API's exception handler turns them into `{"detail": ...}`
responses with the status code below, the admin and pages turn them into messages.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A rule of the domain refused the request. `extra` is merged into the API body."""

    status_code = 400
    default_detail = "The request was refused."

    def __init__(self, detail: str | None = None, **extra: Any) -> None:
        self.detail = detail or self.default_detail
        self.extra = extra
        super().__init__(self.detail)


class InvalidInput(DomainError):
    status_code = 400
    default_detail = "Invalid input."

    def __init__(self, detail: str | None = None, *, errors: dict[str, Any] | None = None, **extra: Any) -> None:
        super().__init__(detail, **extra)
        self.errors = errors


class Forbidden(DomainError):
    status_code = 403
    default_detail = "You do not have permission to perform this action."


class NotFound(DomainError):
    status_code = 404
    default_detail = "Not found."


class Conflict(DomainError):
    status_code = 409
    default_detail = "The request conflicts with the current state."


class PreconditionFailed(DomainError):
    status_code = 412
    default_detail = "The resource has changed since you read it."


class Unprocessable(DomainError):
    status_code = 422
    default_detail = "The request cannot be processed."
