"""The Swagger UI and Redoc pages, answering OPTIONS as a page does.

drf-spectacular's views render with `TemplateHTMLRenderer`, so DRF's metadata answer to
OPTIONS has no template to go to: Swagger UI raised `TemplateDoesNotExist` (a 500) and Redoc
rendered its page around the metadata. A docs page has nothing to describe beyond the methods
it takes, so OPTIONS answers an empty 200 with `Allow`.
"""

from typing import Any

from django.http import HttpResponse
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerView
from rest_framework.request import Request

DOCS_PAGE_METHODS = "GET, HEAD, OPTIONS"


class _DocsPageOptions:
    def options(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponse:
        response = HttpResponse(b"", status=200)
        response["Allow"] = DOCS_PAGE_METHODS
        return response


class SwaggerPage(_DocsPageOptions, SpectacularSwaggerView):  # type: ignore[misc]  # options() answers without a body
    """`/api/docs/`: Swagger UI over the project's schema."""


class RedocPage(_DocsPageOptions, SpectacularRedocView):  # type: ignore[misc]  # options() answers without a body
    """`/api/redoc/`: Redoc over the project's schema."""
