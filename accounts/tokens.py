"""The two one-off tokens e-mailed to people: e-mail verification and password reset.

Neither needs a database row. The verification token is a signed, timestamped payload
(`django.core.signing`), so it expires on its own and cannot be forged without the
SECRET_KEY. The reset token is Django's own `default_token_generator` token, which hashes
the password and last login: once the password changes, every reset token issued before
stops matching, so a reset token works exactly once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

if TYPE_CHECKING:
    from accounts.models import User

# A salt of its own: a value signed for some other purpose can never pass as a verification token.
EMAIL_VERIFICATION_SALT = "accounts.email-verification"
RESET_TOKEN_SEPARATOR = "."  # noqa: S105 (a separator, not a secret)


class EmailVerificationExpired(Exception):
    """The signature is good but older than EMAIL_VERIFICATION_MAX_AGE."""


class EmailVerificationInvalid(Exception):
    """The token was not signed by us, or was tampered with."""


def email_verification_token_make(*, user: User) -> str:
    """Sign the user's id together with the address being verified.

    Carrying the address means a link mailed to an old address stops working once the
    address changes.
    """
    return signing.dumps({"uid": user.pk, "email": user.email.lower()}, salt=EMAIL_VERIFICATION_SALT, compress=True)


def email_verification_token_read(*, token: str) -> tuple[int, str]:
    """Return `(user_id, email)` from a verification token, or raise one of the two errors above."""
    try:
        payload = signing.loads(token, salt=EMAIL_VERIFICATION_SALT, max_age=settings.EMAIL_VERIFICATION_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise EmailVerificationExpired from exc
    except signing.BadSignature as exc:
        raise EmailVerificationInvalid from exc
    try:
        return int(payload["uid"]), str(payload["email"])
    except (KeyError, TypeError, ValueError) as exc:
        raise EmailVerificationInvalid from exc


def password_reset_token_make(*, user: User) -> str:
    """`<uidb64>.<token>`: one opaque string, so the e-mail and the API carry a single value."""
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    return f"{uidb64}{RESET_TOKEN_SEPARATOR}{default_token_generator.make_token(user)}"


def password_reset_token_user(*, token: str) -> User | None:
    """The active user a reset token belongs to, or None when the token is bad, expired or used."""
    uidb64, separator, secret = token.partition(RESET_TOKEN_SEPARATOR)
    if not separator or not uidb64 or not secret:
        return None
    try:
        user_id = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError, UnicodeDecodeError):
        return None
    user = get_user_model()._default_manager.filter(pk=user_id, is_active=True).first()
    if user is None or not default_token_generator.check_token(user, secret):
        return None
    return user
