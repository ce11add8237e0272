"""Auth API routes under /api/v1/auth/.

Each route also answers without its trailing slash: a POST cannot follow the redirect
APPEND_SLASH would send. The alias is left out of the OpenAPI document.
"""

from __future__ import annotations

from django.urls import URLPattern, path
from rest_framework.views import APIView

from accounts.api import views


def _route(route: str, view: type[APIView], name: str) -> list[URLPattern]:
    return [
        path(f"{route}/", view.as_view(), name=name),
        path(route, view.as_view(schema=None)),
    ]


urlpatterns: list[URLPattern] = [
    *_route("register", views.RegisterApi, "auth-register"),
    *_route("verify/<str:token>", views.VerifyEmailApi, "auth-verify"),
    *_route("resend-verification", views.VerificationResendApi, "auth-resend-verification"),
    *_route("login", views.LoginApi, "auth-login"),
    *_route("refresh", views.RefreshApi, "auth-refresh"),
    *_route("logout", views.LogoutApi, "auth-logout"),
    *_route("me", views.MeApi, "auth-me"),
    *_route("password-reset", views.PasswordResetRequestApi, "auth-password-reset"),
    *_route("password-reset/confirm", views.PasswordResetConfirmApi, "auth-password-reset-confirm"),
    *_route("password-change", views.PasswordChangeApi, "auth-password-change"),
]
