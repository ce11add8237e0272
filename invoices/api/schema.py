"""OpenAPI pieces shared by the invoice endpoints.

The list's query parameters are read off `InvoiceFilterSet` itself, so the documented
filters are always the ones the selector applies.
"""

from __future__ import annotations

import copy
from typing import Any

import django_filters
from drf_spectacular.extensions import OpenApiSerializerExtension, OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import Direction, OpenApiParameter, OpenApiResponse

# BAD_REQUEST is every API's (core); the invoice endpoints take it from here with the rest.
from core.openapi import BAD_REQUEST as BAD_REQUEST
from invoices.api.serializers import INVOICE_FIELDS, ConflictSerializer, ErrorSerializer
from invoices.filters import ORDERING_FIELDS, InvoiceFilterSet
from invoices.models import InvoiceStatus

_DESCRIPTIONS = {
    "customer_name": "Case-insensitive substring of the customer's name.",
    "customer_email": "Case-insensitive substring of the customer's e-mail.",
    "created_after": "Created on or after this date (YYYY-MM-DD).",
    "created_before": "Created on or before this date (YYYY-MM-DD).",
    "due_after": "Due on or after this date (YYYY-MM-DD).",
    "due_before": "Due on or before this date (YYYY-MM-DD).",
    "date_from": "Issued on or after this date (YYYY-MM-DD): filters the issue date.",
    "date_to": "Issued on or before this date (YYYY-MM-DD): filters the issue date.",
    "min_amount": "Total amount at least this.",
    "max_amount": "Total amount at most this.",
    "currency": "ISO 4217 code, e.g. EUR.",
    "status": (
        "One or more statuses, in any case: repeated (`status=draft&status=sent`) or comma-separated "
        "(`status=draft,sent`), or both. Any of: " + ", ".join(InvoiceStatus.values) + ". "
        "An unknown status is a 400 whose body names the `status` filter."
    ),
    "sort_by": f"Alias of `ordering`: one of {', '.join(ORDERING_FIELDS)}.",
    "ordering": (
        f"Comma-separated, from {', '.join(ORDERING_FIELDS)}; prefix '-' for descending. "
        "Default -date_created; ties are broken by id."
    ),
}


def _type_of(item: django_filters.Filter) -> OpenApiTypes:
    if isinstance(item, django_filters.DateFilter):
        return OpenApiTypes.DATE
    if isinstance(item, django_filters.NumberFilter):
        return OpenApiTypes.DECIMAL
    if isinstance(item, django_filters.ModelChoiceFilter):
        return OpenApiTypes.INT
    return OpenApiTypes.STR


def is_plain_id(value: str | None) -> bool:
    """An id in a URL is ASCII digits without a leading zero (or absent, on collection routes).

    `int()` would also take " 5", "+5", "05" or Arabic-Indic digits, giving one row many URLs.
    """
    return value is None or (value.isascii() and value.isdigit() and not value.startswith("0"))


def invoice_filter_parameters() -> list[OpenApiParameter]:
    """Every filter of the invoice list, documented from the FilterSet."""
    parameters = []
    for name, item in InvoiceFilterSet.base_filters.items():
        description = _DESCRIPTIONS.get(name) or str(item.extra.get("help_text") or item.label or name)
        if name == "status":
            # Several values: the parameter may repeat (form style, exploded), each a name or a list.
            parameters.append(
                OpenApiParameter(
                    name,
                    {"type": "array", "items": {"type": "string"}},
                    OpenApiParameter.QUERY,
                    description=description,
                    style="form",
                    explode=True,
                )
            )
            continue
        enum = ["asc", "desc"] if name == "sort_order" else None
        parameters.append(
            OpenApiParameter(name, _type_of(item), OpenApiParameter.QUERY, description=description, enum=enum)
        )
    return parameters


_FIELD_NAME = "(?:" + "|".join(INVOICE_FIELDS) + ")"
FIELDS_PARAMETER = OpenApiParameter(
    "fields",
    # What `sparse_fields` takes: known names between commas, blanks ignored, at least one name.
    {"type": "string", "minLength": 1, "pattern": rf"^[\s,]*{_FIELD_NAME}(?:\s*,[\s,]*{_FIELD_NAME})*[\s,]*$"},
    OpenApiParameter.QUERY,
    description=f"Sparse fields: a comma-separated subset of {', '.join(INVOICE_FIELDS)}.",
)
IF_MATCH_PARAMETER = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="The ETag last read; the write is refused with 412 if the invoice changed since.",
)
IDEMPOTENCY_KEY_PARAMETER = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="Retry safely: the same key and body replay the first response; another body gets 422.",
)

NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such invoice, or not yours.")
FORBIDDEN = OpenApiResponse(ErrorSerializer, description="Not allowed (role or four-eyes rule).")
CONFLICT = OpenApiResponse(ConflictSerializer, description="Not possible in the invoice's current state.")
KEY_REUSED = OpenApiResponse(ErrorSerializer, description="Idempotency-Key reused with a different body.")
PRECONDITION_FAILED = OpenApiResponse(ErrorSerializer, description="If-Match does not match the current ETag.")
PAGE_NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such page: past the last one, or not a page number.")


def decimal_pattern(*, whole_digits: int, decimal_places: int, signed: bool) -> str:
    """What `NumberField` accepts as a string: at least one digit, the limits it enforces,
    and trailing zeros after the point (which it ignores)."""
    sign = "-?" if signed else ""
    return rf"^{sign}(?:\d{{1,{whole_digits}}}(?:\.\d{{0,{decimal_places}}}0*)?|\.\d{{1,{decimal_places}}}0*)$"


class NumberFieldExtension(OpenApiSerializerFieldExtension):
    """Document `NumberField` with a pattern that needs a digit (the generator's allows "")
    and leaves out the minus sign where negative values are refused."""

    target_class = "invoices.api.serializers.NumberField"
    match_subclasses = True  # `DocumentedNumberField`: the limits the service checks, documented here

    def map_serializer_field(self, auto_schema: AutoSchema, direction: Direction) -> dict[str, Any]:
        field = self.target
        schema = auto_schema._map_serializer_field(field, direction, bypass_extensions=True)
        minimum = getattr(field, "documented_minimum", field.min_value)
        if schema.get("type") == "string":
            schema["pattern"] = decimal_pattern(
                whole_digits=field.max_whole_digits,
                decimal_places=field.decimal_places,
                signed=minimum is None or minimum < 0,
            )
        return schema


class WholeBodyOnPatchExtension(OpenApiSerializerExtension):
    """`PATCH /invoices/{id}/status/` needs its `status`: it is a command, not a partial edit,
    though the generator documents every PATCH body as partial."""

    target_class = "invoices.api.serializers.StatusInputSerializer"

    def map_serializer(self, auto_schema: AutoSchema, direction: Direction) -> dict[str, Any]:
        whole = copy.copy(self.target)
        whole.partial = False
        return auto_schema._map_basic_serializer(whole, direction)


class SparseInvoiceExtension(OpenApiSerializerExtension):
    """Reads that take `fields=` may send any subset of the invoice: no field is required."""

    target_class = "invoices.api.serializers.SparseInvoiceSerializer"

    def map_serializer(self, auto_schema: AutoSchema, direction: Direction) -> dict[str, Any]:
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        schema.pop("required", None)
        return schema
