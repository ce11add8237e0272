"""The API documentation pages answer every method they allow without a server error."""

import pytest
from django.test import Client

DOCS_PAGES = ["/api/docs/", "/api/redoc/"]


@pytest.mark.parametrize("path", DOCS_PAGES)
def test_options_on_a_docs_page_lists_its_methods(path: str) -> None:
    response = Client().options(path)

    assert (response.status_code, response["Allow"], response.content) == (200, "GET, HEAD, OPTIONS", b"")


@pytest.mark.parametrize("path", DOCS_PAGES)
def test_get_and_head_still_serve_the_page(path: str) -> None:
    client = Client()

    page, head = client.get(path), client.head(path)

    assert (page.status_code, head.status_code) == (200, 200)
    assert b"/api/schema/" in page.content
