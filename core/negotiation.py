"""How the API picks a renderer for endpoints that answer with a file.

DRF negotiates a renderer from `Accept` before the view runs. The CSV exports and the
PDF, XML and file downloads of `invoices`, `files` and `dashboard` build their own
response, so they share one negotiation that never refuses: JSON stays the renderer of
their error answers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import BaseParser
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request


class IgnoreAcceptNegotiation(BaseContentNegotiation):
    """For endpoints that answer with a file (CSV, PDF) whatever `Accept` says.

    Without it, `Accept: text/csv` would be refused with 406 before the view runs; the
    file itself bypasses the renderers, and errors are still rendered as JSON.
    """

    def select_parser(self, request: Request, parsers: Iterable[BaseParser]) -> BaseParser:
        return next(iter(parsers))

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        renderer = next(iter(renderers))
        return renderer, renderer.media_type


def safe_filename(name: str) -> str:
    """A file name that cannot break out of a Content-Disposition header."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", name) or "invoice"
