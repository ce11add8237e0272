"""Teach drf-spectacular our Bearer authentication, so the docs show the JWT security scheme.

Registered on import; `AccountsConfig.ready` imports this module.
"""

from __future__ import annotations

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme


class BearerJWTScheme(SimpleJWTScheme):
    target_class = "accounts.authentication.BearerJWTAuthentication"
    name = "jwtAuth"
