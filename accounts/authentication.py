"""Bearer JWT authentication that also honours revocation.

simplejwt already refuses inactive users. On top of that every token carries the
user's `token_epoch`; a password change or reset bumps the epoch, so access tokens
issued before it stop working at once instead of living out their 15 minutes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed, InvalidToken
from rest_framework_simplejwt.tokens import Token

if TYPE_CHECKING:
    from accounts.models import User

EPOCH_CLAIM = "epoch"


class BearerJWTAuthentication(JWTAuthentication):
    # simplejwt annotates this with a TypeVar bound to nothing in its signature.
    def get_user(self, validated_token: Token) -> User:  # type: ignore[override]
        user = cast("User", super().get_user(validated_token))  # simplejwt loads AUTH_USER_MODEL
        if validated_token.get(EPOCH_CLAIM, 0) != user.token_epoch:
            raise InvalidToken({"detail": "Token has been revoked.", "code": "token_revoked"})
        if not user.is_verified:
            raise AuthenticationFailed("E-mail address is not verified.", code="user_unverified")
        return user
