"""The dashboard's figures: every one a SQL aggregate over the invoices a user may see.

Owners see their own invoices, staff everyone's (`Invoice.objects.visible_to`, the one
place that rule lives); deleted invoices count nowhere. Figures that involve money are
grouped by currency, because adding euros to dollars means nothing. The functions
return JSON-ready dicts (money as strings with two places, dates in ISO format) so the
API, the pages and the live dashboard socket can all send them as they are.

Each selector runs a fixed number of queries however many invoices there are: the
database groups and sums, Python only reshapes the handful of rows per currency.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Case, Count, F, Q, QuerySet, Value, When, Window
from django.db.models.functions import RowNumber, TruncMonth
from django.utils import timezone

from accounts.roles import is_approver, sees_every_owner, visible_to
from invoices.events import event_summary, invoice_summary
from invoices.models import OWED, Customer, Invoice, InvoiceEvent, InvoiceStatus
from invoices.money import ZERO, format_amount
from invoices.money_db import MoneySum

if TYPE_CHECKING:
    from accounts.models import User

__all__ = [
    "AGING_BUCKETS",
    "dashboard_aging",
    "dashboard_metrics",
    "dashboard_recent_activity",
    "dashboard_revenue",
    "dashboard_top_customers",
]

S = InvoiceStatus
# Invoices the customer has actually received: what "invoiced" means for DSO and revenue.
INVOICED_STATES = [S.SENT, S.OVERDUE, S.PAID]
PAID_WINDOW_DAYS = 30
DSO_WINDOW_DAYS = 90
# (key, label, most days past due), in order; the last bucket has no upper bound.
# "Current" is not yet due or due today.
AGING_BUCKETS: tuple[tuple[str, str, int | None], ...] = (
    ("current", "Current", 0),
    ("1_30", "1-30 days", 30),
    ("31_60", "31-60 days", 60),
    ("61_90", "61-90 days", 90),
    ("90_plus", "90+ days", None),
)
OUTSTANDING = OWED
# What an invoice bills once its credit notes are taken off (balances use `balance_due`,
# which is net of credits already).
NET_INVOICED = F("total_amount") - F("amount_credited")


def _visible(user: User) -> QuerySet[Invoice]:
    """The invoices this user's figures are made of, without the model's default ordering
    (an ORDER BY would only slow the GROUP BY down)."""
    return Invoice.objects.visible_to(user).order_by()


def _overdue(today: date) -> Q:
    """Overdue by status, or sent and past due but not yet swept by the overdue task."""
    return Q(status=S.OVERDUE) | Q(status=S.SENT, due_date__lt=today)


def _pending_approvals(user: Any) -> Q:
    """Approvers see the queue they can act on (four-eyes: never their own invoices);
    everyone else sees their own invoices waiting for someone's approval."""
    if is_approver(user):
        return Q(status=S.PENDING_APPROVAL) & ~Q(owner=user)
    return Q(status=S.PENDING_APPROVAL, owner=user)


def _start_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _money(amount: Decimal | None) -> str:
    return format_amount(amount if amount is not None else ZERO)


def _days_sales_outstanding(outstanding: Decimal, invoiced: Decimal) -> str | None:
    """Receivables expressed in days of recent sales; undefined without recent sales."""
    if not invoiced:
        return None
    return str((outstanding / invoiced * DSO_WINDOW_DAYS).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


# --- metrics ---------------------------------------------------------------------------


def dashboard_metrics(*, user: User, today: date | None = None) -> dict[str, Any]:
    """Balances, counts, recent payments and DSO per currency, plus status counts.

    Two queries: one pass over the invoices with filtered aggregates, one over the last
    30 days of payments. Deciding whether a staff member is an approver reads their
    permissions, which Django does once per user object (two more queries, none for
    superusers).
    """
    today = today or timezone.localdate()
    overdue = _overdue(today)
    invoiced_recently = Q(
        status__in=INVOICED_STATES, issue_date__gt=today - timedelta(days=DSO_WINDOW_DAYS), issue_date__lte=today
    )
    status_counts = {f"status_{status}": Count("pk", filter=Q(status=status)) for status in S.values}
    # Rows keyed by the annotations above, the `status_*` counts among them.
    invoice_rows: Iterable[Mapping[str, Any]] = (
        _visible(user)
        .values("currency")
        .annotate(
            outstanding_amount=MoneySum("balance_due", filter=OUTSTANDING),
            outstanding_count=Count("pk", filter=OUTSTANDING),
            overdue_amount=MoneySum("balance_due", filter=overdue),
            overdue_count=Count("pk", filter=overdue),
            invoiced_amount=MoneySum(NET_INVOICED, filter=invoiced_recently),
            pending_approvals=Count("pk", filter=_pending_approvals(user)),
            **status_counts,
        )
        .order_by("currency")
    )
    # Joined from the visible invoices, so the access rule is the one in `visible_to`.
    payment_rows = (
        _visible(user)
        .filter(
            payments__paid_at__gte=_start_of_day(today - timedelta(days=PAID_WINDOW_DAYS - 1)),
            payments__paid_at__lt=_start_of_day(today + timedelta(days=1)),
        )
        .values("currency")
        .annotate(amount=MoneySum("payments__amount"), count=Count("payments"))
    )
    paid: dict[str, Mapping[str, Any]] = {row["currency"]: row for row in payment_rows}

    currencies = []
    totals_by_status = dict.fromkeys(S.values, 0)
    pending_total = 0
    for row in invoice_rows:
        counts = {status: row[f"status_{status}"] for status in S.values}
        for status, count in counts.items():
            totals_by_status[status] += count
        pending_total += row["pending_approvals"]
        outstanding = row["outstanding_amount"] or ZERO
        invoiced = row["invoiced_amount"] or ZERO
        payments = paid.get(row["currency"], {})
        currencies.append(
            {
                "currency": row["currency"],
                "outstanding": {"amount": _money(outstanding), "count": row["outstanding_count"]},
                "overdue": {"amount": _money(row["overdue_amount"]), "count": row["overdue_count"]},
                "paid_last_30_days": {"amount": _money(payments.get("amount")), "count": payments.get("count", 0)},
                "invoiced_last_90_days": _money(invoiced),
                "days_sales_outstanding": _days_sales_outstanding(outstanding, invoiced),
                "pending_approvals": row["pending_approvals"],
                "counts_by_status": counts,
            }
        )
    return {
        "as_of": today.isoformat(),
        "scope": "all" if sees_every_owner(user) else "own",
        "currencies": currencies,
        "counts_by_status": totals_by_status,
        "pending_approvals": pending_total,
    }


# --- aging -----------------------------------------------------------------------------


def _aging_bucket(today: date) -> Case:
    """The bucket of an invoice by days past its due date, decided in SQL."""
    whens = []
    for key, _label, most in AGING_BUCKETS:
        if most is not None:
            whens.append(When(due_date__gte=today - timedelta(days=most), then=Value(key)))
    return Case(*whens, default=Value(AGING_BUCKETS[-1][0]))


def dashboard_aging(*, user: User, today: date | None = None) -> dict[str, Any]:
    """Unpaid balances of sent and overdue invoices by days past due, per currency. One query."""
    today = today or timezone.localdate()
    rows = (
        _visible(user)
        .filter(OUTSTANDING, balance_due__gt=0)
        .annotate(bucket=_aging_bucket(today))
        .values("currency", "bucket")
        .annotate(amount=MoneySum("balance_due"), count=Count("pk"))
        .order_by("currency")
    )
    found: dict[str, dict[str, Mapping[str, Any]]] = {}
    for row in rows:
        found.setdefault(row["currency"], {})[row["bucket"]] = row
    currencies = []
    for currency, buckets in found.items():
        total_amount = sum((row["amount"] for row in buckets.values()), ZERO)
        total_count = sum(row["count"] for row in buckets.values())
        currencies.append(
            {
                "currency": currency,
                "buckets": [
                    {
                        "bucket": key,
                        "label": label,
                        "amount": _money(buckets.get(key, {}).get("amount")),
                        "count": buckets.get(key, {}).get("count", 0),
                    }
                    for key, label, _most in AGING_BUCKETS
                ],
                "total": {"amount": _money(total_amount), "count": total_count},
            }
        )
    return {"as_of": today.isoformat(), "currencies": currencies}


# --- revenue ---------------------------------------------------------------------------


def _first_of_month(day: date, *, months_later: int = 0) -> date:
    index = day.year * 12 + day.month - 1 + months_later
    return date(index // 12, index % 12 + 1, 1)


def _month_key(value: date | datetime) -> str:
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{value.year:04d}-{value.month:02d}"


def dashboard_revenue(*, user: User, months: int = 12, today: date | None = None) -> dict[str, Any]:
    """Invoiced (by issue date) and paid (by payment date) per month and currency.

    The last `months` calendar months up to and including this one, oldest first, with
    zeros for quiet months. Two queries, each grouped by `TruncMonth` in the database.
    """
    if months < 1:
        raise ValueError("months must be at least 1")
    today = today or timezone.localdate()
    start = _first_of_month(today, months_later=-(months - 1))
    end = _first_of_month(today, months_later=1)
    month_keys = [_month_key(_first_of_month(start, months_later=n)) for n in range(months)]

    invoiced_rows = (
        _visible(user)
        .filter(status__in=INVOICED_STATES, issue_date__gte=start, issue_date__lt=end)
        .annotate(month=TruncMonth("issue_date"))
        .values("currency", "month")
        .annotate(amount=MoneySum(NET_INVOICED))
    )
    paid_rows = (
        _visible(user)
        .filter(payments__paid_at__gte=_start_of_day(start), payments__paid_at__lt=_start_of_day(end))
        .annotate(month=TruncMonth("payments__paid_at"))
        .values("currency", "month")
        .annotate(amount=MoneySum("payments__amount"))
    )
    table: dict[str, dict[str, dict[str, Decimal]]] = {}
    for kind, rows in (("invoiced", invoiced_rows), ("paid", paid_rows)):
        for row in rows:
            month = table.setdefault(row["currency"], {}).setdefault(_month_key(row["month"]), {})
            month[kind] = month.get(kind, ZERO) + row["amount"]

    currencies = []
    for currency in sorted(table):
        by_month = table[currency]
        series = [
            {
                "month": key,
                "invoiced": _money(by_month.get(key, {}).get("invoiced")),
                "paid": _money(by_month.get(key, {}).get("paid")),
            }
            for key in month_keys
        ]
        currencies.append(
            {
                "currency": currency,
                "months": series,
                "total_invoiced": _money(sum((m.get("invoiced", ZERO) for m in by_month.values()), ZERO)),
                "total_paid": _money(sum((m.get("paid", ZERO) for m in by_month.values()), ZERO)),
            }
        )
    return {"as_of": today.isoformat(), "months": month_keys, "currencies": currencies}


# --- customers -------------------------------------------------------------------------


def dashboard_top_customers(*, user: User, limit: int = 10, today: date | None = None) -> dict[str, Any]:
    """The customers owing the most, per currency: at most `limit` in each.

    Two queries: balances grouped by customer and ranked within each currency by a
    window function, then the names of the few customers that made the cut (joining
    names into the grouping would drag them through every group).
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    today = today or timezone.localdate()
    ranked = list(
        _visible(user)
        .filter(OUTSTANDING)
        .values("currency", "customer_id")
        .annotate(
            balance=MoneySum("balance_due"),
            overdue_balance=MoneySum("balance_due", filter=_overdue(today)),
            invoice_count=Count("pk"),
        )
        .annotate(
            rank=Window(RowNumber(), partition_by=[F("currency")], order_by=[F("balance").desc(), F("customer_id")])
        )
        .filter(rank__lte=limit)
        .order_by("currency", "rank")
    )
    ranked_ids = {row["customer_id"] for row in ranked}
    names = dict(Customer.objects.filter(pk__in=ranked_ids).values_list("pk", "name"))
    currencies: dict[str, list[dict[str, Any]]] = {}
    for row in ranked:
        currencies.setdefault(row["currency"], []).append(
            {
                "customer": {"id": row["customer_id"], "name": names.get(row["customer_id"], "")},
                "balance": _money(row["balance"]),
                "overdue_balance": _money(row["overdue_balance"]),
                "invoice_count": row["invoice_count"],
            }
        )
    return {
        "as_of": today.isoformat(),
        "currencies": [{"currency": currency, "customers": customers} for currency, customers in currencies.items()],
    }


# --- activity --------------------------------------------------------------------------


def dashboard_recent_activity(*, user: User, limit: int = 20) -> list[dict[str, Any]]:
    """The latest audit events on the invoices this user may see, newest first, in the
    shape the invoice sockets use (`event` and `invoice` summaries). One query."""
    if limit < 1:
        raise ValueError("limit must be at least 1")
    # Events carry their invoice's owner, so an owner's feed reads one index; the
    # join on the invoice only drops deleted invoices (and their events) from view.
    scope = visible_to(InvoiceEvent.objects.filter(invoice__deleted_at__isnull=True), user)
    events = scope.select_related("invoice", "actor").order_by("-created_at", "-id")[:limit]
    return [
        {"event": event_summary(event, currency=event.invoice.currency), "invoice": invoice_summary(event.invoice)}
        for event in events
    ]
