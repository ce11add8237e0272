"""Content-Security-Policy on every page: scripts and styles from this origin only, the
few inline ones carrying the response's nonce; no page of ours (pages, admin, API docs,
browsable API) holds an inline script or style the policy would block."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from invoices.tests.factories import item, make_invoice

pytestmark = pytest.mark.django_db

INLINE_TAG = re.compile(r"<(script|style)\b([^>]*)>", re.IGNORECASE)
NONCE_IN_HEADER = re.compile(r"'nonce-([A-Za-z0-9+/=]+)'")


def _directives(header: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in (p.strip() for p in header.split(";")) if part}


def _blocked_inline_tags(html: str, nonce: str | None) -> list[str]:
    """Inline <script>/<style> tags the browser would refuse: no src, not a data block,
    and no nonce matching the header's."""
    blocked = []
    for match in INLINE_TAG.finditer(html):
        tag, attributes = match.group(1).lower(), match.group(2)
        if tag == "script" and ("src=" in attributes or 'type="application/json"' in attributes):
            continue
        if nonce is None or f'nonce="{nonce}"' not in attributes:
            blocked.append(match.group(0))
    return blocked


@pytest.fixture
def signed_in(admin_user: Any) -> Client:
    client = Client()
    client.force_login(admin_user)
    return client


def _pages(admin_user: Any) -> list[str]:
    invoice = make_invoice(owner=admin_user, items=[item()])
    return [
        "/invoices/",
        "/invoices/new/",
        "/invoices/search/",
        f"/invoices/{invoice.pk}/",
        f"/invoices/{invoice.pk}/edit/",
        f"/invoices/{invoice.pk}/print/",
        "/customers/",
        "/customers/new/",
        f"/customers/{invoice.customer_id}/",
        "/dashboard/",
        "/admin/",
        "/admin/invoices/invoice/",
        f"/admin/invoices/invoice/{invoice.pk}/change/",
        "/admin/accounts/user/",
        "/api/v1/",
        "/api/v1/invoices/",
    ]


def test_every_page_has_a_policy_and_no_inline_script_or_style_it_would_block(signed_in: Client, admin_user) -> None:
    for path in _pages(admin_user):
        response = signed_in.get(path, HTTP_ACCEPT="text/html")
        assert response.status_code == 200, path
        header = response["Content-Security-Policy"]
        directives = _directives(header)
        assert directives["script-src"][0] == "'self'", path
        assert "'unsafe-inline'" not in directives["script-src"], path
        assert "'unsafe-inline'" not in directives["style-src"], path
        assert directives["object-src"] == ["'none'"], path
        assert directives["frame-ancestors"] == ["'none'"], path
        found = NONCE_IN_HEADER.search(header)
        assert _blocked_inline_tags(response.content.decode(), found.group(1) if found else None) == [], path


@pytest.mark.parametrize(
    "path",
    ["/accounts/login/", "/accounts/register/", "/accounts/password-reset/", "/admin/login/", "/api-auth/login/"],
)
def test_anonymous_pages_carry_the_policy_too(client: Client, path: str) -> None:
    response = client.get(path)

    assert response.status_code == 200
    assert _blocked_inline_tags(response.content.decode(), None) == []
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_the_swagger_page_boots_with_a_nonced_script_and_the_nonce_is_fresh_per_response(client: Client) -> None:
    first, second = client.get("/api/docs/"), client.get("/api/docs/")

    nonces = []
    for response in (first, second):
        header = response["Content-Security-Policy"]
        nonce = NONCE_IN_HEADER.search(_directives(header)["script-src"][1]).group(1)
        assert f'<script nonce="{nonce}">' in response.content.decode()
        assert _directives(header)["style-src"] == ["'self'", "'unsafe-inline'"]  # Swagger UI injects styles
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


def test_redoc_may_start_its_worker_and_holds_no_blocked_script(client: Client) -> None:
    response = client.get("/api/redoc/")
    directives = _directives(response["Content-Security-Policy"])

    assert directives["worker-src"] == ["'self'", "blob:"]
    assert [tag for tag in _blocked_inline_tags(response.content.decode(), None) if tag.startswith("<script")] == []
