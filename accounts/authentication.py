"""Bearer JWT authentication that also honours revocation.

simplejwt already refuses inactive users. On top of that every token carries the
user's `token_epoch`; a password change or reset bumps the epoch, so access tokens
issued before it stop working at once instead of living out their 15 minutes.
"""

from __future__ import annotations

from typing import Any

from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed, InvalidToken
from rest_framework_simplejwt.tokens import Token

EPOCH_CLAIM = "epoch"


class BearerJWTAuthentication(JWTAuthentication):
    def get_user(self, validated_token: Token) -> Any:
        user = super().get_user(validated_token)
        if validated_token.get(EPOCH_CLAIM, 0) != user.token_epoch:
            raise InvalidToken({"detail": "Token has been revoked.", "code": "token_revoked"})
        if not user.is_verified:
            raise AuthenticationFailed("E-mail address is not verified.", code="user_unverified")
        return user
