"""The dashboard API: each view reads one selector for the signed-in user and renders it.

Owners get figures over their own invoices, staff over everyone's; the selectors decide
that. Every endpoint needs a signed-in user (401 otherwise, the project default).
"""

from __future__ import annotations

import csv
from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.authenticated import AuthenticatedRequest
from core.negotiation import IgnoreAcceptNegotiation
from dashboard import selectors
from dashboard.api.serializers import (
    ActivityListSerializer,
    ActivityQuerySerializer,
    AgingSerializer,
    MetricsSerializer,
    RevenueQuerySerializer,
    RevenueSerializer,
    TopCustomersQuerySerializer,
    TopCustomersSerializer,
)
from invoices.models import InvoiceStatus

TAGS = ["dashboard"]
UNAUTHORIZED = OpenApiResponse(description="Not signed in.")
BAD_QUERY = OpenApiResponse(description="A query parameter is out of range: `{parameter: [message]}`.")
METRICS_CSV_COLUMNS = (
    "currency",
    "outstanding_amount",
    "outstanding_count",
    "overdue_amount",
    "overdue_count",
    "paid_last_30_days_amount",
    "paid_last_30_days_count",
    "invoiced_last_90_days",
    "days_sales_outstanding",
    "pending_approvals",
    *(f"count_{status}" for status in InvoiceStatus.values),
)


def _query(serializer_class: type, request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class DashboardMetricsApi(APIView):
    @extend_schema(
        tags=TAGS,
        summary="Key figures per currency",
        description=(
            "Outstanding and overdue balances and counts, payments of the last 30 days, days sales "
            "outstanding, counts by status and pending approvals, over your invoices (staff: everyone's)."
        ),
        responses={200: MetricsSerializer, 401: UNAUTHORIZED},
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        return Response(MetricsSerializer(selectors.dashboard_metrics(user=request.user)).data)


class DashboardAgingApi(APIView):
    @extend_schema(
        tags=TAGS,
        summary="Receivables by days past due",
        description="Unpaid balances of sent and overdue invoices in the buckets current, 1-30, 31-60, 61-90, 90+.",
        responses={200: AgingSerializer, 401: UNAUTHORIZED},
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        return Response(AgingSerializer(selectors.dashboard_aging(user=request.user)).data)


class DashboardRevenueApi(APIView):
    @extend_schema(
        tags=TAGS,
        summary="Invoiced and paid per month",
        description="Invoiced by issue date and paid by payment date, per calendar month and currency.",
        parameters=[RevenueQuerySerializer],
        responses={200: RevenueSerializer, 400: BAD_QUERY, 401: UNAUTHORIZED},
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        months = _query(RevenueQuerySerializer, request)["months"]
        return Response(RevenueSerializer(selectors.dashboard_revenue(user=request.user, months=months)).data)


class DashboardCustomersApi(APIView):
    @extend_schema(
        tags=TAGS,
        summary="Customers owing the most",
        description="Per currency, the customers with the largest unpaid balance on sent and overdue invoices.",
        parameters=[TopCustomersQuerySerializer],
        responses={200: TopCustomersSerializer, 400: BAD_QUERY, 401: UNAUTHORIZED},
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        limit = _query(TopCustomersQuerySerializer, request)["limit"]
        figures = selectors.dashboard_top_customers(user=request.user, limit=limit)
        return Response(TopCustomersSerializer(figures).data)


class DashboardActivityApi(APIView):
    @extend_schema(
        tags=TAGS,
        summary="Recent activity",
        description="The latest audit events on the invoices you may see, newest first.",
        parameters=[ActivityQuerySerializer],
        responses={200: ActivityListSerializer, 400: BAD_QUERY, 401: UNAUTHORIZED},
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        limit = _query(ActivityQuerySerializer, request)["limit"]
        activity = selectors.dashboard_recent_activity(user=request.user, limit=limit)
        return Response(ActivityListSerializer({"results": activity}).data)


class DashboardMetricsCsvApi(APIView):
    """The key figures as a spreadsheet: one row per currency."""

    content_negotiation_class = IgnoreAcceptNegotiation

    @extend_schema(
        tags=TAGS,
        summary="Key figures as CSV",
        operation_id="v1_dashboard_metrics_csv",
        description=f"One row per currency with the columns {', '.join(METRICS_CSV_COLUMNS)}.",
        responses={(200, "text/csv"): OpenApiTypes.STR, 401: UNAUTHORIZED},
    )
    def get(self, request: AuthenticatedRequest) -> HttpResponse:
        metrics = selectors.dashboard_metrics(user=request.user)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="dashboard-metrics-{metrics["as_of"]}.csv"'
        writer = csv.writer(response)
        writer.writerow(METRICS_CSV_COLUMNS)
        for row in metrics["currencies"]:
            writer.writerow(
                [
                    row["currency"],
                    row["outstanding"]["amount"],
                    row["outstanding"]["count"],
                    row["overdue"]["amount"],
                    row["overdue"]["count"],
                    row["paid_last_30_days"]["amount"],
                    row["paid_last_30_days"]["count"],
                    row["invoiced_last_90_days"],
                    row["days_sales_outstanding"] or "",
                    row["pending_approvals"],
                    *(row["counts_by_status"][status] for status in InvoiceStatus.values),
                ]
            )
        return response
