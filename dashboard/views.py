"""The dashboard page: the signed-in user's figures, read through `dashboard.selectors`.

The page is rendered whole on the server, so it reads without JavaScript (the charts'
figures are in tables under each chart). `static/js/dashboard.js` then draws the charts
from the same selector output, embedded as JSON, and keeps the page fresh: the
`/ws/dashboard/` socket pushes new metrics, and the charts, top customers and activity
are fetched again from `/api/v1/dashboard/`, which returns the same shapes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.authenticated import AuthenticatedHttpRequest
from accounts.roles import is_approver
from dashboard import selectors
from invoices.models import InvoiceStatus

REVENUE_MONTHS = 12
TOP_CUSTOMERS = 5
RECENT_ACTIVITY = 10


# How the activity list words an audit event; handed to the page's script too, so a
# refreshed list reads the same as the rendered one.
def _activity_rows(activity: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**row, "what": row["event"]["text"], "at": datetime.fromisoformat(row["event"]["at"])} for row in activity]


@login_required
@require_GET
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Key figures per currency, counts by status, aging, revenue, top customers and
    recent activity over the user's invoices (staff: everyone's)."""
    user = request.user
    metrics = selectors.dashboard_metrics(user=user)
    aging = selectors.dashboard_aging(user=user)
    revenue = selectors.dashboard_revenue(user=user, months=REVENUE_MONTHS)
    customers = selectors.dashboard_top_customers(user=user, limit=TOP_CUSTOMERS)
    activity = selectors.dashboard_recent_activity(user=user, limit=RECENT_ACTIVITY)
    statuses = [
        {"value": value, "label": label, "count": metrics["counts_by_status"].get(value, 0)}
        for value, label in InvoiceStatus.choices
    ]
    return render(
        request,
        "dashboard/dashboard.html",
        {
            "metrics": metrics,
            "statuses": statuses,
            # Approvers' pending count is the queue they may act on; everyone else's is their own.
            "approver": is_approver(user),
            "aging": aging,
            "revenue": revenue,
            "customers": customers,
            "activity": _activity_rows(activity),
            "limits": {"months": REVENUE_MONTHS, "customers": TOP_CUSTOMERS, "activity": RECENT_ACTIVITY},
            "page_text": {
                "statuses": dict(InvoiceStatus.choices),
            },
        },
    )
