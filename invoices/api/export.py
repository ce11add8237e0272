"""`GET /api/v1/invoices/export.csv`: the filtered invoice list as a streamed CSV.

Same filters and ordering as the list (the same selector), read in chunks and written
row by row, so a large export never sits in memory whole.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.views import APIView

from accounts.authenticated import AuthenticatedRequest
from core.negotiation import IgnoreAcceptNegotiation
from invoices import selectors
from invoices.api.schema import BAD_REQUEST, invoice_filter_parameters
from invoices.models import Invoice
from invoices.money import format_amount

CSV_COLUMNS = (
    "id",
    "invoice_number",
    "status",
    "customer_name",
    "customer_email",
    "currency",
    "issue_date",
    "due_date",
    "date_created",
    "subtotal",
    "tax_amount",
    "total_amount",
    "amount_paid",
    "balance_due",
    "owner",
)
CHUNK_SIZE = 500
# A cell starting with one of these is a formula to a spreadsheet (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _text(value: str) -> str:
    return f"'{value}" if value.startswith(_FORMULA_START) else value


def _row(invoice: Invoice) -> list[Any]:
    return [
        invoice.pk,
        _text(invoice.invoice_number),
        invoice.status,
        _text(invoice.customer_name),
        _text(invoice.customer_email),
        invoice.currency,
        invoice.issue_date.isoformat(),
        invoice.due_date.isoformat(),
        invoice.date_created.isoformat(),
        format_amount(invoice.subtotal),
        format_amount(invoice.tax_amount),
        format_amount(invoice.total_amount),
        format_amount(invoice.amount_paid),
        format_amount(invoice.outstanding),
        _text(invoice.owner.get_username()),
    ]


class _Echo:
    """A file-like object whose `write` hands the line back, for `csv.writer`."""

    def write(self, value: str) -> str:
        return value


def csv_lines(queryset: QuerySet[Invoice]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for invoice in queryset.iterator(chunk_size=CHUNK_SIZE):
        yield writer.writerow(_row(invoice))


class InvoiceExportCsvApi(APIView):
    content_negotiation_class = IgnoreAcceptNegotiation

    @extend_schema(
        operation_id="v1_invoices_export_csv",
        summary="Export the filtered invoice list as CSV",
        parameters=invoice_filter_parameters(),
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR), 400: BAD_REQUEST},
    )
    def get(self, request: AuthenticatedRequest) -> StreamingHttpResponse:
        # Filters are checked here, before streaming starts, so bad ones are still a 400.
        queryset = selectors.invoice_list(user=request.user, filters=request.query_params, with_items=False)
        response = StreamingHttpResponse(csv_lines(queryset), content_type="text/csv; charset=utf-8")
        filename = f"invoices-{timezone.localdate():%Y%m%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
