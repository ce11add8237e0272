"""The one lockout policy every login door shares (django-axes).

API login, the login page, `/admin/login/` and `/api-auth/login/` all authenticate
through `django.contrib.auth.authenticate`, so the axes backend first in
`AUTHENTICATION_BACKENDS` refuses a locked-out client or account at every door, and
axes' middleware turns that refusal into the answer below.

Two things make the policy hold against the tricks the attack used:
- the address comes from `core.client_address` (forwarding headers trusted only
  `NUM_PROXIES` hops), so a fresh `X-Forwarded-For` per request is no fresh bucket;
- the typed name is resolved to the account it logs in as, so `dave` and
  `dave@example.com` (and `DAVE`) count against one account.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

LOCKED_OUT_DETAIL = "Too many failed login attempts. Please try again later."


def login_identity(typed: str) -> str:
    """The name failed attempts count against: the account's username when the typed
    username or e-mail belongs to exactly one account, else the typed text lower-cased."""
    typed = (typed or "").strip()
    if not typed:
        return ""
    user_model = get_user_model()
    lookup = {"email__iexact": typed} if "@" in typed else {"username__iexact": typed}
    usernames = list(user_model._default_manager.filter(**lookup).values_list("username", flat=True)[:2])
    if len(usernames) == 1:
        return usernames[0].lower()
    return typed.lower()


def lockout_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """AXES_USERNAME_CALLABLE: the account behind the submitted username or e-mail."""
    typed = (credentials or {}).get("username")
    if typed is None:
        typed = request.POST.get("username", "")
    return login_identity(typed if isinstance(typed, str) else "")


def cool_off_seconds() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds())


def lockout_response(request: HttpRequest, *args: Any) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: a 429 with Retry-After; JSON `{"detail"}` on the API, the
    login page with a message elsewhere. The extra arguments (the original response and
    credentials, in an order that differs between axes' sync and async paths) are unused."""
    if request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", ""):
        response: HttpResponse = JsonResponse({"detail": LOCKED_OUT_DETAIL}, status=429)
    else:
        response = render(request, "accounts/locked_out.html", {"detail": LOCKED_OUT_DETAIL}, status=429)
    response["Retry-After"] = str(cool_off_seconds())
    return response
