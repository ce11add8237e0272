"""Throttles for the anonymous auth endpoints.

Login is limited twice: per client IP (one machine trying many accounts) and per
submitted username (many machines trying one account). The username is lower-cased,
because login ignores case, and hashed, so the cache key never holds what was typed.

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


class _SettingsRateMixin:
    scope: str

    def get_rate(self) -> str | None:
        try:
            return api_settings.DEFAULT_THROTTLE_RATES[self.scope]
        except KeyError as exc:
            raise ImproperlyConfigured(f"No throttle rate set for the {self.scope!r} scope.") from exc


class LoginIpThrottle(_SettingsRateMixin, SimpleRateThrottle):
    scope = "login_ip"

    def get_cache_key(self, request: Request | HttpRequest, view: Any) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class LoginUsernameThrottle(_SettingsRateMixin, SimpleRateThrottle):
    scope = "login_username"

    def get_cache_key(self, request: Request | HttpRequest, view: Any) -> str | None:
        username = submitted_username(request)
        if not username:
            return None  # nothing to count against; the IP throttle still applies
        ident = hashlib.sha256(username.encode()).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": ident}


class AuthAnonThrottle(_SettingsRateMixin, AnonRateThrottle):
    """Registration, verification and password reset: per IP, for anonymous callers."""

    scope = "auth_anon"


def submitted_username(request: Request | HttpRequest) -> str:
    """The username field of a login request, trimmed and lower-cased; "" when absent."""
    data = request.data if isinstance(request, Request) else request.POST
    value = data.get("username", "") if hasattr(data, "get") else ""
    return value.strip().lower() if isinstance(value, str) else ""


LOGIN_THROTTLES = (LoginIpThrottle, LoginUsernameThrottle)
