"""The dashboard's figures, checked to the cent against books worked out by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from accounts.tests.factories import make_user
from dashboard.selectors import (
    dashboard_aging,
    dashboard_metrics,
    dashboard_recent_activity,
    dashboard_revenue,
    dashboard_top_customers,
)
from dashboard.tests.conftest import Book, days, sent_invoice
from invoices import services
from invoices.tests.factories import advance, item, make_invoice

pytestmark = pytest.mark.django_db

NO_STATUS = {
    "draft": 0,
    "pending_approval": 0,
    "approved": 0,
    "rejected": 0,
    "sent": 0,
    "overdue": 0,
    "paid": 0,
    "cancelled": 0,
}


def statuses(**counts: int) -> dict[str, int]:
    return {**NO_STATUS, **counts}


def by_currency(figures: dict[str, Any]) -> dict[str, Any]:
    return {row["currency"]: row for row in figures["currencies"]}


# --- metrics -------------------------------------------------------------------------------


def test_owner_metrics_cover_their_own_live_invoices_per_currency(book: Book, owner: Any, today: date) -> None:
    metrics = dashboard_metrics(user=owner, today=today)

    assert metrics["as_of"] == today.isoformat()
    assert metrics["scope"] == "own"
    assert [row["currency"] for row in metrics["currencies"]] == ["EUR", "USD"]
    usd = by_currency(metrics)["USD"]
    # Outstanding: current 60 + sent past due 300 + overdue 250 + overdue 40.
    assert usd["outstanding"] == {"amount": "650.00", "count": 4}
    # Overdue: the two swept ones, and the sent one past its due date.
    assert usd["overdue"] == {"amount": "590.00", "count": 3}
    # 40.00 two days ago and 80.00 today; not 500.00 45 days ago, not the deleted invoice's 9.00.
    assert usd["paid_last_30_days"] == {"amount": "120.00", "count": 2}
    # Issued within 90 days and sent: 100 + 250 + 40 + 300 + 80.
    assert usd["invoiced_last_90_days"] == "770.00"
    assert usd["days_sales_outstanding"] == "76.0"  # 650 / 770 x 90 = 75.97
    assert usd["pending_approvals"] == 1
    assert usd["counts_by_status"] == statuses(draft=1, pending_approval=1, sent=2, overdue=2, paid=2, cancelled=1)
    assert by_currency(metrics)["EUR"] == {
        "currency": "EUR",
        "outstanding": {"amount": "1200.00", "count": 1},
        "overdue": {"amount": "1200.00", "count": 1},
        "paid_last_30_days": {"amount": "0.00", "count": 0},
        "invoiced_last_90_days": "0.00",
        "days_sales_outstanding": None,
        "pending_approvals": 0,
        "counts_by_status": statuses(overdue=1),
    }
    assert metrics["counts_by_status"] == statuses(draft=1, pending_approval=1, sent=2, overdue=3, paid=2, cancelled=1)
    assert metrics["pending_approvals"] == 1


def test_staff_metrics_cover_everyones_invoices(book: Book, approver: Any, today: date) -> None:
    metrics = dashboard_metrics(user=approver, today=today)

    assert metrics["scope"] == "all"
    usd = by_currency(metrics)["USD"]
    assert usd["outstanding"] == {"amount": "1250.00", "count": 5}  # + Mallory's 600.00 balance
    assert usd["overdue"] == {"amount": "1190.00", "count": 4}
    assert usd["paid_last_30_days"] == {"amount": "220.00", "count": 3}
    assert usd["invoiced_last_90_days"] == "1470.00"
    assert usd["days_sales_outstanding"] == "76.5"  # 1250 / 1470 x 90 = 76.53
    assert usd["counts_by_status"] == statuses(draft=1, pending_approval=3, sent=2, overdue=3, paid=2, cancelled=1)


def test_approvers_pending_count_is_the_queue_they_may_decide_not_their_own(book: Book, approver: Any) -> None:
    # Olivia's and Mallory's are waiting; Alice's own needs someone else.
    assert dashboard_metrics(user=approver)["pending_approvals"] == 2


def test_staff_without_approval_right_count_only_their_own_pending(book: Book, staff_without_permission: Any) -> None:
    make_invoice(owner=staff_without_permission)
    services.invoice_submit(invoice_id=make_invoice(owner=staff_without_permission).pk, actor=staff_without_permission)

    metrics = dashboard_metrics(user=staff_without_permission)

    assert metrics["scope"] == "all"
    assert metrics["pending_approvals"] == 1
    assert metrics["counts_by_status"]["pending_approval"] == 4


def test_a_user_without_invoices_gets_empty_metrics(db: Any) -> None:
    metrics = dashboard_metrics(user=make_user())

    assert metrics["currencies"] == []
    assert metrics["counts_by_status"] == NO_STATUS
    assert metrics["pending_approvals"] == 0


def test_paid_window_is_the_thirty_days_ending_today(owner: Any, approver: Any, today: date) -> None:
    invoice = sent_invoice(owner, approver, items=[item(unit_price="100.00")])
    for amount, paid_on in (("1.00", today - days(29)), ("2.00", today - days(30)), ("4.00", today + days(1))):
        services.payment_record(
            invoice_id=invoice.pk,
            actor=owner,
            amount=amount,
            paid_at=datetime.combine(paid_on, datetime.min.time(), tzinfo=UTC),
        )

    usd = by_currency(dashboard_metrics(user=owner, today=today))["USD"]

    assert usd["paid_last_30_days"] == {"amount": "1.00", "count": 1}


def test_invoiced_window_is_the_ninety_days_ending_today(owner: Any, approver: Any, today: date) -> None:
    sent_invoice(owner, approver, items=[item(unit_price="1.00")], issue_date=today - days(89))
    sent_invoice(owner, approver, items=[item(unit_price="2.00")], issue_date=today - days(90))
    advance(make_invoice(owner=owner, items=[item(unit_price="4.00")]), to="approved", approver=approver)

    usd = by_currency(dashboard_metrics(user=owner, today=today))["USD"]

    assert usd["invoiced_last_90_days"] == "1.00"
    assert usd["days_sales_outstanding"] == "270.0"  # 3.00 outstanding / 1.00 invoiced x 90


# --- aging -------------------------------------------------------------------------------


def bucket_amounts(figures: dict[str, Any], currency: str) -> dict[str, tuple[str, int]]:
    row = by_currency(figures)[currency]
    return {bucket["bucket"]: (bucket["amount"], bucket["count"]) for bucket in row["buckets"]}


def test_aging_puts_unpaid_balances_in_buckets_by_days_past_due(book: Book, owner: Any, today: date) -> None:
    aging = dashboard_aging(user=owner, today=today)

    assert aging["as_of"] == today.isoformat()
    assert bucket_amounts(aging, "USD") == {
        "current": ("60.00", 1),
        "1_30": ("300.00", 1),
        "31_60": ("250.00", 1),
        "61_90": ("40.00", 1),
        "90_plus": ("0.00", 0),
    }
    assert by_currency(aging)["USD"]["total"] == {"amount": "650.00", "count": 4}
    assert bucket_amounts(aging, "EUR")["90_plus"] == ("1200.00", 1)
    assert [bucket["label"] for bucket in by_currency(aging)["EUR"]["buckets"]] == [
        "Current",
        "1-30 days",
        "31-60 days",
        "61-90 days",
        "90+ days",
    ]


def test_aging_bucket_edges(owner: Any, approver: Any, today: date) -> None:
    for past_due, price in (
        (0, "1.00"),
        (1, "2.00"),
        (30, "4.00"),
        (31, "8.00"),
        (60, "16.00"),
        (61, "32.00"),
        (90, "64.00"),
        (91, "128.00"),
    ):
        due = today - days(past_due)
        sent_invoice(owner, approver, items=[item(unit_price=price)], issue_date=due, due_date=due)

    assert bucket_amounts(dashboard_aging(user=owner, today=today), "USD") == {
        "current": ("1.00", 1),
        "1_30": ("6.00", 2),
        "31_60": ("24.00", 2),
        "61_90": ("96.00", 2),
        "90_plus": ("128.00", 1),
    }


def test_aging_is_relative_to_the_given_day(owner: Any, approver: Any, today: date) -> None:
    sent_invoice(owner, approver, issue_date=today, due_date=today)

    later = dashboard_aging(user=owner, today=today + days(45))

    assert bucket_amounts(later, "USD")["31_60"] == ("100.00", 1)


def test_staff_aging_includes_everyones_invoices(book: Book, approver: Any, today: date) -> None:
    assert bucket_amounts(dashboard_aging(user=approver, today=today), "USD")["1_30"] == ("900.00", 2)


# --- revenue -----------------------------------------------------------------------------

REVENUE_TODAY = date(2025, 3, 15)


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def revenue_book(owner: Any, other_user: Any, approver: Any) -> None:
    def sent(issue: date, price: str, **fields: Any) -> Any:
        return sent_invoice(owner, approver, items=[item(unit_price=price)], issue_date=issue, **fields)

    march = sent(date(2025, 3, 2), "100.00")
    services.payment_record(invoice_id=march.pk, actor=owner, amount="25.00", paid_at=at(2025, 3, 14))
    january = sent(date(2025, 1, 31), "200.00")
    services.payment_record(invoice_id=january.pk, actor=owner, amount="200.00", paid_at=at(2025, 2, 1, 0, 30))
    sent(date(2024, 4, 1), "50.00")  # the first month of the window
    too_old = sent(date(2024, 3, 31), "999.00")
    services.payment_record(invoice_id=too_old.pk, actor=owner, amount="99.00", paid_at=at(2024, 3, 31, 23, 59))
    services.payment_record(invoice_id=too_old.pk, actor=owner, amount="1.00", paid_at=at(2024, 4, 1, 0, 0))
    sent(date(2024, 12, 24), "300.00", currency="EUR")
    make_invoice(owner=owner, issue_date=date(2025, 2, 10))  # a draft is not invoiced
    others = sent_invoice(other_user, approver, items=[item(unit_price="700.00")], issue_date=date(2025, 2, 3))
    services.payment_record(invoice_id=others.pk, actor=other_user, amount="700.00", paid_at=at(2025, 2, 4))


def series(figures: dict[str, Any], currency: str) -> dict[str, tuple[str, str]]:
    row = by_currency(figures)[currency]
    return {month["month"]: (month["invoiced"], month["paid"]) for month in row["months"]}


def test_revenue_has_twelve_months_of_invoiced_and_paid_with_zeros(revenue_book: None, owner: Any) -> None:
    revenue = dashboard_revenue(user=owner, today=REVENUE_TODAY)

    months = [f"2024-{m:02d}" for m in range(4, 13)] + ["2025-01", "2025-02", "2025-03"]
    assert revenue["months"] == months
    usd = series(revenue, "USD")
    assert list(usd) == months
    assert usd == {
        **dict.fromkeys(months, ("0.00", "0.00")),
        "2024-04": ("50.00", "1.00"),
        "2025-01": ("200.00", "0.00"),
        "2025-02": ("0.00", "200.00"),
        "2025-03": ("100.00", "25.00"),
    }
    assert by_currency(revenue)["USD"]["total_invoiced"] == "350.00"
    assert by_currency(revenue)["USD"]["total_paid"] == "226.00"
    assert series(revenue, "EUR")["2024-12"] == ("300.00", "0.00")
    assert by_currency(revenue)["EUR"]["total_invoiced"] == "300.00"


def test_revenue_over_fewer_months(revenue_book: None, owner: Any) -> None:
    revenue = dashboard_revenue(user=owner, months=3, today=REVENUE_TODAY)

    assert revenue["months"] == ["2025-01", "2025-02", "2025-03"]
    assert series(revenue, "USD") == {
        "2025-01": ("200.00", "0.00"),
        "2025-02": ("0.00", "200.00"),
        "2025-03": ("100.00", "25.00"),
    }
    assert [row["currency"] for row in revenue["currencies"]] == ["USD"]


def test_staff_revenue_includes_everyones_invoices(revenue_book: None, approver: Any) -> None:
    revenue = dashboard_revenue(user=approver, months=3, today=REVENUE_TODAY)

    assert series(revenue, "USD")["2025-02"] == ("700.00", "900.00")


def test_revenue_months_cross_a_year_end(owner: Any, approver: Any) -> None:
    sent_invoice(owner, approver, issue_date=date(2024, 12, 31))

    revenue = dashboard_revenue(user=owner, months=2, today=date(2025, 1, 1))

    assert series(revenue, "USD") == {"2024-12": ("100.00", "0.00"), "2025-01": ("0.00", "0.00")}


# --- top customers -----------------------------------------------------------------------


def customer_rows(figures: dict[str, Any], currency: str) -> list[tuple[str, str, str, int]]:
    return [
        (row["customer"]["name"], row["balance"], row["overdue_balance"], row["invoice_count"])
        for row in by_currency(figures)[currency]["customers"]
    ]


def test_top_customers_by_unpaid_balance_per_currency(book: Book, owner: Any, today: date) -> None:
    figures = dashboard_top_customers(user=owner, today=today)

    assert customer_rows(figures, "USD") == [
        ("Acme Ltd", "360.00", "300.00", 2),
        ("Globex", "250.00", "250.00", 1),
        ("Initech", "40.00", "40.00", 1),
    ]
    assert customer_rows(figures, "EUR") == [("Globex", "1200.00", "1200.00", 1)]
    globex = book.overdue_35.customer_id
    assert by_currency(figures)["EUR"]["customers"][0]["customer"]["id"] == globex


def test_top_customers_limit_applies_within_each_currency(book: Book, owner: Any, today: date) -> None:
    figures = dashboard_top_customers(user=owner, limit=2, today=today)

    assert [name for name, *_ in customer_rows(figures, "USD")] == ["Acme Ltd", "Globex"]
    assert [name for name, *_ in customer_rows(figures, "EUR")] == ["Globex"]


def test_staff_top_customers_include_everyones(book: Book, approver: Any, today: date) -> None:
    figures = dashboard_top_customers(user=approver, limit=1, today=today)

    assert customer_rows(figures, "USD") == [("Umbrella", "600.00", "600.00", 1)]


# --- recent activity ---------------------------------------------------------------------


def test_recent_activity_is_the_users_latest_events_newest_first(owner: Any, other_user: Any, approver: Any) -> None:
    first = make_invoice(owner=owner)
    second = make_invoice(owner=owner, customer_name="Globex")
    services.invoice_submit(invoice_id=first.pk, actor=owner)
    make_invoice(owner=other_user)
    gone = make_invoice(owner=owner)
    services.invoice_delete(invoice_id=gone.pk, actor=owner)

    activity = dashboard_recent_activity(user=owner, limit=2)

    assert [(entry["invoice"]["id"], entry["event"]["kind"], entry["event"]["transition"]) for entry in activity] == [
        (first.pk, "transition", "submit"),
        (second.pk, "created", None),
    ]
    assert activity[0]["invoice"]["status"] == "pending_approval"
    assert activity[0]["event"]["actor"] == {"id": owner.pk, "username": "olivia"}
    assert activity[1]["invoice"]["customer_name"] == "Globex"
    assert activity[1]["invoice"]["total_amount"] == "100.00"


def test_staff_recent_activity_includes_everyones(owner: Any, other_user: Any, approver: Any) -> None:
    make_invoice(owner=owner)
    others = make_invoice(owner=other_user)

    activity = dashboard_recent_activity(user=approver, limit=1)

    assert [entry["invoice"]["id"] for entry in activity] == [others.pk]


# --- query counts --------------------------------------------------------------------------


@pytest.mark.parametrize("invoices", [1, 6])
def test_each_figure_takes_a_fixed_number_of_queries(
    invoices: int, owner: Any, approver: Any, django_assert_num_queries: Any, today: date
) -> None:
    for n in range(invoices):
        invoice = sent_invoice(
            owner, approver, customer_name=f"Customer {n}", issue_date=today - days(40), due_date=today - days(n)
        )
        services.payment_record(invoice_id=invoice.pk, actor=owner, amount="10.00")

    with django_assert_num_queries(2):
        dashboard_metrics(user=owner)
    with django_assert_num_queries(1):
        dashboard_aging(user=owner)
    with django_assert_num_queries(2):
        dashboard_revenue(user=owner)
    with django_assert_num_queries(2):
        dashboard_top_customers(user=owner)
    with django_assert_num_queries(1):
        dashboard_recent_activity(user=owner)


def test_staff_metrics_read_permissions_once_per_user(db: Any, django_assert_num_queries: Any) -> None:
    staff = make_user(username="fresh", approver=True)

    with django_assert_num_queries(4):
        dashboard_metrics(user=staff)
    with django_assert_num_queries(2):
        dashboard_metrics(user=staff)


def test_invoiced_and_outstanding_figures_are_net_of_credit_notes(db: Any) -> None:
    owner, approver = make_user(username="netowner"), make_user(username="netapprover", approver=True)
    invoice = advance(
        make_invoice(owner=owner, currency="EUR", items=[item(unit_price="100.00")]), to="sent", approver=approver
    )
    services.credit_note_create(invoice_id=invoice.pk, actor=owner, reason="Discount", items=[item(unit_price="30.00")])
    metrics = dashboard_metrics(user=owner, today=invoice.issue_date)
    euro = next(row for row in metrics["currencies"] if row["currency"] == "EUR")
    assert (euro["outstanding"]["amount"], euro["invoiced_last_90_days"]) == ("70.00", "70.00")
    revenue = dashboard_revenue(user=owner, months=1, today=invoice.issue_date)
    assert revenue["currencies"][0]["months"][-1]["invoiced"] == "70.00"
