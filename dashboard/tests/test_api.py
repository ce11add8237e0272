"""The dashboard API: who sees which figures, query parameters, the CSV, query counts."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from dashboard.selectors import dashboard_aging, dashboard_metrics, dashboard_top_customers
from dashboard.tests.conftest import Book, days, sent_invoice
from invoices import services
from invoices.tests.factories import item

pytestmark = pytest.mark.django_db

METRICS = "/api/v1/dashboard/metrics/"
METRICS_CSV = "/api/v1/dashboard/metrics.csv"
AGING = "/api/v1/dashboard/aging/"
REVENUE = "/api/v1/dashboard/revenue/"
CUSTOMERS = "/api/v1/dashboard/customers/"
ACTIVITY = "/api/v1/dashboard/activity/"
ENDPOINTS = [METRICS, METRICS_CSV, AGING, REVENUE, CUSTOMERS, ACTIVITY]


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def two_owners(owner: Any, other_user: Any, approver: Any, today: date) -> None:
    """Olivia owes 100.00 on one sent invoice, Mallory's customer 700.00 on another."""
    sent_invoice(owner, approver, issue_date=today - days(10))
    sent_invoice(
        other_user, approver, customer_name="Umbrella", items=[item(unit_price="700.00")], issue_date=today - days(10)
    )


def usd(body: dict[str, Any]) -> dict[str, Any]:
    return next(row for row in body["currencies"] if row["currency"] == "USD")


@pytest.mark.parametrize("url", ENDPOINTS)
def test_anonymous_requests_get_401(url: str) -> None:
    response = APIClient().get(url)

    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert response.has_header("WWW-Authenticate")


@pytest.mark.parametrize("url", ENDPOINTS)
def test_an_expired_or_forged_token_gets_401(url: str) -> None:
    response = APIClient().get(url, HTTP_AUTHORIZATION="Bearer not-a-token")

    assert response.status_code == 401


def test_a_user_sees_only_figures_of_their_own_invoices(two_owners: None, owner: Any) -> None:
    body = client_for(owner).get(METRICS).json()

    assert body["scope"] == "own"
    assert usd(body)["outstanding"] == {"amount": "100.00", "count": 1}
    assert usd(body)["invoiced_last_90_days"] == "100.00"


def test_staff_see_figures_of_everyones_invoices(two_owners: None, staff_without_permission: Any) -> None:
    body = client_for(staff_without_permission).get(METRICS).json()

    assert body["scope"] == "all"
    assert usd(body)["outstanding"] == {"amount": "800.00", "count": 2}


def test_session_login_works_too(two_owners: None, owner: Any) -> None:
    client = APIClient()
    client.force_login(owner)

    assert client.get(METRICS).status_code == 200


def test_metrics_body_is_the_selectors_figures(book: Book, owner: Any) -> None:
    response = client_for(owner).get(METRICS)

    assert response.status_code == 200
    assert response.json() == dashboard_metrics(user=owner)
    assert usd(response.json())["days_sales_outstanding"] == "76.0"


def test_aging_body_is_the_selectors_figures(book: Book, owner: Any) -> None:
    body = client_for(owner).get(AGING).json()

    assert body == dashboard_aging(user=owner)
    assert [bucket["amount"] for bucket in usd(body)["buckets"]] == ["60.00", "300.00", "250.00", "40.00", "0.00"]


def test_customers_take_a_limit(book: Book, owner: Any) -> None:
    body = client_for(owner).get(CUSTOMERS, {"limit": 1}).json()

    assert body == dashboard_top_customers(user=owner, limit=1)
    assert [row["customer"]["name"] for row in usd(body)["customers"]] == ["Acme Ltd"]


def test_customers_of_another_owner_stay_hidden(two_owners: None, owner: Any) -> None:
    body = client_for(owner).get(CUSTOMERS).json()

    assert [row["customer"]["name"] for row in usd(body)["customers"]] == ["Acme Ltd"]


def test_revenue_takes_a_number_of_months(two_owners: None, owner: Any) -> None:
    body = client_for(owner).get(REVENUE, {"months": 3}).json()

    assert len(body["months"]) == 3
    assert [len(row["months"]) for row in body["currencies"]] == [3]
    assert usd(body)["total_invoiced"] == "100.00"


def test_revenue_defaults_to_twelve_months(two_owners: None, owner: Any) -> None:
    assert len(client_for(owner).get(REVENUE).json()["months"]) == 12


@pytest.mark.parametrize(
    ("url", "params", "field"),
    [
        (REVENUE, {"months": "0"}, "months"),
        (REVENUE, {"months": "37"}, "months"),
        (REVENUE, {"months": "twelve"}, "months"),
        (CUSTOMERS, {"limit": "0"}, "limit"),
        (CUSTOMERS, {"limit": "101"}, "limit"),
        (ACTIVITY, {"limit": "-1"}, "limit"),
    ],
)
def test_out_of_range_parameters_are_a_400_naming_them(url: str, params: dict, field: str, owner: Any) -> None:
    response = client_for(owner).get(url, params)

    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_activity_lists_the_latest_events_of_own_invoices(two_owners: None, owner: Any) -> None:
    invoice = services.invoice_create(owner=owner, customer_name="Hooli", items=[item()])

    body = client_for(owner).get(ACTIVITY, {"limit": 1}).json()

    assert [(entry["invoice"]["id"], entry["event"]["kind"]) for entry in body["results"]] == [(invoice.pk, "created")]
    all_mine = client_for(owner).get(ACTIVITY).json()["results"]
    assert {entry["invoice"]["customer_name"] for entry in all_mine} == {"Acme Ltd", "Hooli"}


# --- the CSV ---------------------------------------------------------------------------------


def csv_rows(response: Any) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_metrics_csv_has_one_row_per_currency(book: Book, owner: Any, today: date) -> None:
    response = client_for(owner).get(METRICS_CSV)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="dashboard-metrics-{today.isoformat()}.csv"'
    rows = csv_rows(response)
    assert [row["currency"] for row in rows] == ["EUR", "USD"]
    assert rows[1] == {
        "currency": "USD",
        "outstanding_amount": "650.00",
        "outstanding_count": "4",
        "overdue_amount": "590.00",
        "overdue_count": "3",
        "paid_last_30_days_amount": "120.00",
        "paid_last_30_days_count": "2",
        "invoiced_last_90_days": "770.00",
        "days_sales_outstanding": "76.0",
        "pending_approvals": "1",
        "count_draft": "1",
        "count_pending_approval": "1",
        "count_approved": "0",
        "count_rejected": "0",
        "count_sent": "2",
        "count_overdue": "2",
        "count_paid": "2",
        "count_cancelled": "1",
    }
    assert rows[0]["days_sales_outstanding"] == ""


def test_metrics_csv_answers_a_client_that_asks_for_csv(two_owners: None, owner: Any) -> None:
    response = client_for(owner).get(METRICS_CSV, HTTP_ACCEPT="text/csv")

    assert response.status_code == 200
    assert [row["outstanding_amount"] for row in csv_rows(response)] == ["100.00"]


def test_metrics_csv_of_a_user_without_invoices_is_just_the_header(owner: Any) -> None:
    response = client_for(owner).get(METRICS_CSV)

    assert response.content.decode().splitlines()[0].startswith("currency,outstanding_amount,")
    assert csv_rows(response) == []


# --- query counts ----------------------------------------------------------------------------


def make_open_invoices(owner: Any, approver: Any, today: date, how_many: int) -> None:
    for n in range(how_many):
        invoice = sent_invoice(owner, approver, customer_name=f"Customer {n}", issue_date=today - days(n + 1))
        services.payment_record(invoice_id=invoice.pk, actor=owner, amount="1.00")


def queries_per_endpoint(user: Any) -> dict[str, int]:
    client = client_for(user)
    counts = {}
    for url in ENDPOINTS:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts[url] = len(captured)
    return counts


@pytest.mark.parametrize("user_kind", ["owner", "approver"])
def test_queries_do_not_grow_with_the_number_of_invoices(
    user_kind: str, owner: Any, approver: Any, today: date, django_assert_max_num_queries: Any
) -> None:
    user = {"owner": owner, "approver": approver}[user_kind]
    make_open_invoices(owner, approver, today, 2)
    few = queries_per_endpoint(user)
    make_open_invoices(owner, approver, today, 10)

    assert queries_per_endpoint(user) == few
    for url in ENDPOINTS:
        with django_assert_max_num_queries(4):
            response = client_for(user).get(url)
        assert response.status_code == 200, url


# --- the OpenAPI document -----------------------------------------------------------------


def test_the_schema_documents_every_dashboard_response() -> None:
    schema = SchemaGenerator().get_schema(request=None, public=True)

    paths = schema["paths"]
    assert paths[METRICS]["get"]["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Metrics"
    }
    assert "text/csv" in paths[METRICS_CSV]["get"]["responses"]["200"]["content"]
    for url in (AGING, REVENUE, CUSTOMERS, ACTIVITY):
        assert "401" in paths[url]["get"]["responses"]
    revenue_parameters = {parameter["name"] for parameter in paths[REVENUE]["get"]["parameters"]}
    assert revenue_parameters == {"months"}
    metrics = schema["components"]["schemas"]["CurrencyMetrics"]["properties"]
    assert metrics["days_sales_outstanding"]["nullable"] is True
