"""Pagination for every API list: the SPEC's `page`/`page_size`, and the seeds' spellings.

- `page` (from 1, or `last`) and `page_size` (default 20, max 100; `per_page` is the
  case-study API's name for it);
- `skip` and `limit` (seed 001): an offset and a count, with the same caps;
- the answer is `{count, next, previous, results}` either way, and the links keep the
  spelling the client used.

A page number, size, offset or count that is not a whole number in range is a 400 naming
the parameter (DRF would say 404 "Invalid page." or silently use the default); a page past
the last one stays a 404.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from rest_framework import pagination
from rest_framework.request import Request
from rest_framework.response import Response

from core.errors import InvalidInput

PAGE_SIZE_ALIASES = ("per_page",)
OFFSET_PARAMETERS = ("skip", "limit")
PAGINATION_PARAMETERS = ("page", "page_size", *PAGE_SIZE_ALIASES, *OFFSET_PARAMETERS)


def _whole_number(request: Request, name: str, *, minimum: int) -> int | None:
    raw = request.query_params.get(name)
    if raw is None or raw.strip() == "":
        return None
    raw = raw.strip()
    if not (raw.isascii() and raw.lstrip("-").isdigit()) or int(raw) < minimum:
        raise InvalidInput(errors={name: [f"Must be a whole number of at least {minimum}; got {raw!r}."]})
    return int(raw)


class SkipLimitPagination(pagination.LimitOffsetPagination):
    offset_query_param = "skip"
    limit_query_param = "limit"
    default_limit = 20
    max_limit = 100

    def get_limit(self, request: Request) -> int:
        limit = _whole_number(request, self.limit_query_param, minimum=1)
        return self.default_limit if limit is None else min(limit, self.max_limit)

    def get_offset(self, request: Request) -> int:
        return _whole_number(request, self.offset_query_param, minimum=0) or 0


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def paginate_queryset(
        self, queryset: QuerySet[Any] | Sequence[Any], request: Request, view: Any = None
    ) -> list[Any] | None:
        offset_style = any(name in request.query_params for name in OFFSET_PARAMETERS)
        page_style = any(name in request.query_params for name in ("page", "page_size", *PAGE_SIZE_ALIASES))
        if offset_style and page_style:
            raise InvalidInput(errors={"skip": ["Use page and page_size, or skip and limit, not both."]})
        self.delegate = SkipLimitPagination() if offset_style else None
        if self.delegate is not None:
            return self.delegate.paginate_queryset(queryset, request, view)
        page = request.query_params.get(self.page_query_param, "")
        if page.strip() not in ("", *self.last_page_strings):
            _whole_number(request, self.page_query_param, minimum=1)
        return super().paginate_queryset(queryset, request, view)

    def get_page_size(self, request: Request) -> int:
        sizes = [(name, _whole_number(request, name, minimum=1)) for name in ("page_size", *PAGE_SIZE_ALIASES)]
        given = [(name, size) for name, size in sizes if size is not None]
        if len(given) > 1:
            raise InvalidInput(errors={given[1][0]: [f"Give one of page_size, {', '.join(PAGE_SIZE_ALIASES)}."]})
        return min(given[0][1], self.max_page_size) if given else self.page_size

    def get_paginated_response(self, data: Any) -> Response:
        delegate = getattr(self, "delegate", None)
        if delegate is not None:
            return delegate.get_paginated_response(data)
        return super().get_paginated_response(data)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        def integer(name: str, minimum: int, description: str) -> dict[str, Any]:
            return {
                "name": name,
                "required": False,
                "in": "query",
                "description": description,
                "schema": {"type": "integer", "minimum": minimum},
            }

        return [
            integer("page", 1, "Page number, from 1 (a page past the last is a 404)."),
            integer("page_size", 1, f"Rows per page (default {self.page_size}, at most {self.max_page_size})."),
            integer("per_page", 1, "Alias of page_size (the case-study API's name)."),
            integer("skip", 0, "Rows to skip, with limit instead of page (seed 001); not with page or page_size."),
            integer("limit", 1, f"Rows to return after skip (default 20, at most {SkipLimitPagination.max_limit})."),
        ]
