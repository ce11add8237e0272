"""Every `/api/` route answers with or without its trailing slash: no redirect, no 500.

The routes are read from the URL resolver, so a route added later is walked too.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import get_resolver, resolve
from rest_framework.test import APIClient

from core.slashes import slashed_api_path
from invoices.tests.api_support import client_for, invoice_body

SAMPLE_VALUES = {"pk": "1", "token": "not-a-token"}
SAMPLE_UUID = "00000000-0000-4000-8000-000000000001"


def _sample(name: str, converters: dict[str, Any]) -> str:
    """A value the route's converter accepts: a UUID for `<uuid:...>`, else a number or token."""
    if type(converters.get(name)).__name__ == "UUIDConverter":
        return SAMPLE_UUID
    return SAMPLE_VALUES.get(name, "1")


def api_routes() -> list[str]:
    """Every `/api/` URL pattern as a concrete path, its parameters filled with sample values."""
    resolver = get_resolver()
    paths: set[str] = set()
    for key in list(resolver.reverse_dict.keys()):
        for possibility, _pattern, _defaults, converters in resolver.reverse_dict.getlist(key):
            for template, parameters in possibility:
                if template.startswith("api/"):
                    paths.add("/" + template % {name: _sample(name, converters) for name in parameters})
    return sorted(paths)


SLASHED_ROUTES = [path for path in api_routes() if path.endswith("/")]


def test_the_walk_covers_the_api_of_every_app() -> None:
    assert {"/api/v1/invoices/", "/api/v1/invoices/1/", "/api/v1/customers/", "/api/v1/dashboard/metrics/"} <= set(
        SLASHED_ROUTES
    )
    assert "/api/v1/auth/login/" in SLASHED_ROUTES
    assert "/api/schema/" in SLASHED_ROUTES


def view_of(path: str) -> tuple[str, Any, dict[str, Any]]:
    """The view class, the viewset actions and the URL arguments a path is served by."""
    match = resolve(path)
    return match._func_path, getattr(match.func, "actions", None), match.kwargs


@pytest.mark.parametrize("path", SLASHED_ROUTES)
def test_every_api_route_without_its_slash_reaches_the_same_view(path: str) -> None:
    slashless = path.removesuffix("/")

    assert view_of(slashed_api_path(slashless) or slashless) == view_of(path)


@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
@pytest.mark.parametrize("path", SLASHED_ROUTES)
def test_every_api_route_answers_the_same_with_and_without_its_slash(path: str, method: str, admin_user: Any) -> None:
    # Sample ids name no row, and bodies are empty: each call is refused or reads, never writes.
    client = client_for(admin_user)

    with_slash = getattr(client, method)(path, {}, format="json")
    without_slash = getattr(client, method)(path.removesuffix("/"), {}, format="json")

    assert without_slash.status_code == with_slash.status_code
    assert without_slash.status_code not in (301, 302, 308, 500)
    assert view_of(without_slash.wsgi_request.path_info) == view_of(path)


def test_seed_post_to_invoices_without_the_slash_creates_the_invoice(owner: Any) -> None:
    response = client_for(owner).post("/api/v1/invoices", invoice_body(), format="json")

    assert response.status_code == 201
    assert response.json()["status"] == "draft"
    assert owner.invoices.count() == 1


def test_seed_get_of_invoices_without_the_slash_lists_them_without_a_redirect(owner: Any) -> None:
    client = client_for(owner)
    client.post("/api/v1/invoices/", invoice_body(), format="json")

    response = client.get("/api/v1/invoices")

    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_detail_and_actions_without_the_slash_are_served(owner: Any) -> None:
    client = client_for(owner)
    invoice_id = client.post("/api/v1/invoices", invoice_body(), format="json").json()["id"]

    assert client.get(f"/api/v1/invoices/{invoice_id}").json()["id"] == invoice_id
    assert client.post(f"/api/v1/invoices/{invoice_id}/submit").json()["status"] == "pending_approval"
    assert [event["kind"] for event in client.get(f"/api/v1/invoices/{invoice_id}/events").json()] == [
        "created",
        "transition",
    ]


def test_an_unknown_api_path_is_still_a_json_404() -> None:
    response = APIClient().get("/api/v1/no-such-thing")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_pages_keep_djangos_slash_redirect(client) -> None:
    response = client.get("/accounts/login")

    assert response.status_code == 301
    assert response["Location"] == "/accounts/login/"
