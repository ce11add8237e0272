"""Throttles for the anonymous auth endpoints.

Login is limited twice: per client IP (one machine trying many accounts) and per
submitted account (many machines trying one account). The account is the one the typed
username or e-mail logs in as (`accounts.lockout.login_identity`), so `dave` and
`dave@example.com` share a bucket, and it is hashed, so the cache key never holds what
was typed. The address is `core.client_address`: forwarding headers are trusted
only `NUM_PROXIES` hops, so a spoofed `X-Forwarded-For` buys no fresh bucket.

With Redis down the cache answers nothing (django-redis `IGNORE_EXCEPTIONS`, logged), so
these throttles let the request through instead of failing it with a 500; the lockout
(axes, in the database) still counts failures.

Rates are read from the settings on every request rather than once at import (DRF's
default), so a changed `REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]` takes effect at once.
The same classes guard the session login page, which passes a plain Django request.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle

from accounts.lockout import login_identity
from core.client_address import client_address


class _SettingsRateMixin:
    scope: str

    def get_rate(self) -> str | None:
        try:
            return api_settings.DEFAULT_THROTTLE_RATES[self.scope]  # type: ignore[return-value]  # rates are text ("5/min")
        except KeyError as exc:
            raise ImproperlyConfigured(f"No throttle rate set for the {self.scope!r} scope.") from exc

    def get_ident(self, request: Request | HttpRequest) -> str:
        return client_address(request)


class LoginIpThrottle(_SettingsRateMixin, SimpleRateThrottle):
    scope = "login_ip"

    def get_cache_key(self, request: Request | HttpRequest, view: Any) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class LoginUsernameThrottle(_SettingsRateMixin, SimpleRateThrottle):
    scope = "login_username"

    def get_cache_key(self, request: Request | HttpRequest, view: Any) -> str | None:
        username = login_identity(submitted_username(request))
        if not username:
            return None  # nothing to count against; the IP throttle still applies
        ident = hashlib.sha256(username.encode()).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": ident}


class AuthAnonThrottle(_SettingsRateMixin, AnonRateThrottle):
    """Registration, verification and password reset: per IP, for anonymous callers."""

    scope = "auth_anon"


class VerificationResendThrottle(_SettingsRateMixin, SimpleRateThrottle):
    """Verification e-mails asked for one address: a stranger cannot flood an inbox from
    many machines. Counted per typed address (hashed), whether or not it has an account,
    so being throttled says nothing about the address either."""

    scope = "verification_resend"

    def get_cache_key(self, request: Request | HttpRequest, view: Any) -> str | None:
        data = request.data if isinstance(request, Request) else request.POST
        value = data.get("email", "") if hasattr(data, "get") else ""
        email = value.strip().lower() if isinstance(value, str) else ""
        if not email:
            return None
        return self.cache_format % {"scope": self.scope, "ident": hashlib.sha256(email.encode()).hexdigest()}


def submitted_username(request: Request | HttpRequest) -> str:
    """The username field of a login request, trimmed and lower-cased; "" when absent."""
    data = request.data if isinstance(request, Request) else request.POST
    value = data.get("username", "") if hasattr(data, "get") else ""
    return value.strip().lower() if isinstance(value, str) else ""


LOGIN_THROTTLES = (LoginIpThrottle, LoginUsernameThrottle)
VERIFICATION_RESEND_THROTTLES = (AuthAnonThrottle, VerificationResendThrottle)
