"""The upload page: signed-in users only, the form and the script that drive the upload API."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_upload_page_asks_an_anonymous_visitor_to_log_in(db: Any) -> None:
    response = Client().get("/invoices/upload/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_upload_page_offers_the_form_the_script_and_a_csrf_cookie(owner: Any) -> None:
    client = Client()
    client.force_login(owner)

    response = client.get("/invoices/upload/")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="upload-files"' in html and "multiple" in html
    assert "/static/js/live-socket.js" in html and "/static/js/upload.js" in html
    assert 'href="/invoices/upload/" aria-current="page"' in html
    assert "csrftoken" in response.cookies
