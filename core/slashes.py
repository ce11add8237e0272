"""The API answers with or without the trailing slash.

Clients of the APIs this product was made from call `/api/v1/invoices`, not
`/api/v1/invoices/`. Django's `APPEND_SLASH` answers them with a 301, which many clients
do not follow and which a POST cannot follow at all (in DEBUG it is a 500). Rather than
doubling every route in every urlconf, an `/api/` path that resolves to nothing is tried
once more with a slash appended, and served by that route directly: routes added later
get the same treatment, and the OpenAPI document keeps one spelling per operation.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import Resolver404, resolve
from django.utils.deprecation import MiddlewareMixin

API_PREFIX = "/api/"


def _resolves(path: str, urlconf: str | None) -> bool:
    try:
        resolve(path, urlconf)
    except Resolver404:
        return False
    return True


def slashed_api_path(path: str, urlconf: str | None = None) -> str | None:
    """The route to serve an unresolved, slashless `/api/` path from, or None to leave it alone."""
    if not path.startswith(API_PREFIX) or path.endswith("/") or _resolves(path, urlconf):
        return None
    candidate = f"{path}/"
    return candidate if _resolves(candidate, urlconf) else None


class OptionalTrailingSlashMiddleware(MiddlewareMixin):
    """Serve `/api/...` as `/api/.../` when only the slashed spelling is a route (no redirect).

    Sits before `CommonMiddleware`, whose `APPEND_SLASH` would otherwise redirect.
    """

    def process_request(self, request: HttpRequest) -> None:
        target = slashed_api_path(request.path_info, getattr(request, "urlconf", None))
        if target is not None:
            request.path_info = target
            request.path = f"{request.path}/"
