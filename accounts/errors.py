"""The accounts app's refusals, as domain errors so every door maps them the same way.

The API's exception handler turns each into `{"detail": ...}` with the status code
below; the pages show the same text as a form or page error.
"""

from __future__ import annotations

from core.errors import DomainError, Forbidden, InvalidInput


class InvalidCredentials(DomainError):
    """Wrong username/e-mail or password, or an inactive account: deliberately one message."""

    status_code = 401
    default_detail = "No active account found with the given credentials."


class AccountNotVerified(Forbidden):
    """The password was right but the e-mail address was never confirmed."""

    default_detail = (
        "E-mail address is not verified. Follow the link in the verification e-mail we sent you, then log in again."
    )


class TokenRejected(DomainError):
    """A refresh token that is malformed, expired, blacklisted or revoked.

    401 rather than 400, as simplejwt does: the client must log in again.
    """

    status_code = 401
    default_detail = "Token is invalid or expired."

    def __init__(self, detail: str | None = None) -> None:
        super().__init__(detail, code="token_not_valid")


class InvalidLink(InvalidInput):
    """A verification or password-reset token that is forged, expired or already used."""

    default_detail = "This link is invalid or has expired."
