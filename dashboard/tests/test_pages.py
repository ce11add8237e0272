"""The dashboard page: who sees which figures, what the page shows and embeds, query counts."""

from __future__ import annotations

import json
import re
from datetime import date
from html.parser import HTMLParser
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from accounts.tests.factories import make_user
from dashboard.selectors import dashboard_aging, dashboard_metrics, dashboard_revenue
from dashboard.tests.conftest import Book, days, sent_invoice
from invoices import services
from invoices.tests.factories import item, make_invoice

pytestmark = pytest.mark.django_db

URL = "/dashboard/"
# Session and user (2), metrics (2) and the approver's permissions (2), aging (1),
# revenue (2), top customers (2), activity (1).
MAX_QUERIES = 12


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def figures_of(html: str, currency: str) -> dict[str, str]:
    """The text of every `data-metric` in one currency's group of key figure cards."""
    group = re.search(rf'<section class="kpi-group" data-currency="{currency}".*?</section>', html, re.S)
    assert group, f"no key figures for {currency}"
    return dict(re.findall(r'data-metric="([^"]+)"[^>]*>([^<]*)<', group.group(0)))


def embedded_json(html: str, element_id: str) -> Any:
    found = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S)
    assert found, f"no embedded {element_id}"
    return json.loads(found.group(1))


class AssetCollector(HTMLParser):
    """Every address the page makes a browser fetch by itself: scripts, styles, images."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in ("script", "img", "iframe") and values.get("src"):
            self.urls.append(values["src"] or "")
        if tag == "link" and values.get("href"):
            self.urls.append(values["href"] or "")


@pytest.fixture
def two_owners(owner: Any, other_user: Any, approver: Any, today: date) -> None:
    """Olivia owes 100.00 on one sent invoice (Acme Ltd), Mallory's Umbrella 700.00 on another."""
    sent_invoice(owner, approver, issue_date=today - days(10))
    sent_invoice(
        other_user, approver, customer_name="Umbrella", items=[item(unit_price="700.00")], issue_date=today - days(10)
    )


def test_anonymous_visitors_are_sent_to_the_login_page() -> None:
    response = Client().get(URL)

    assertRedirects(response, f"/accounts/login/?next={URL}", fetch_redirect_response=False)


def test_signed_in_users_land_on_the_dashboard_from_the_home_page(owner: Any) -> None:
    response = client_for(owner).get("/", follow=True)

    assert response.redirect_chain == [(URL, 302)]
    assert response.templates[0].name == "dashboard/dashboard.html"


def test_the_page_only_answers_get(owner: Any) -> None:
    assert client_for(owner).post(URL).status_code == 405


def test_a_user_sees_only_the_figures_of_their_own_invoices(two_owners: None, owner: Any) -> None:
    response = client_for(owner).get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert figures_of(html, "USD")["outstanding.amount"] == "100.00"
    assert figures_of(html, "USD")["outstanding.count"] == "1 invoice"
    assertContains(response, "Your invoices")
    assertContains(response, "Acme Ltd")
    assertNotContains(response, "Umbrella")
    assertNotContains(response, "700.00")


def test_staff_see_the_figures_of_everyones_invoices(two_owners: None, staff_without_permission: Any) -> None:
    response = client_for(staff_without_permission).get(URL)

    html = response.content.decode()
    assert figures_of(html, "USD")["outstanding.amount"] == "800.00"
    assert figures_of(html, "USD")["outstanding.count"] == "2 invoices"
    assertContains(response, "Everyone's invoices (staff view)")
    assertContains(response, "Umbrella")


def test_key_figures_are_shown_per_currency_with_grouped_amounts(book: Book, owner: Any) -> None:
    html = client_for(owner).get(URL).content.decode()

    assert figures_of(html, "USD") == {
        "outstanding.amount": "650.00",
        "outstanding.count": "4 invoices",
        "overdue.amount": "590.00",
        "overdue.count": "3 invoices",
        "paid_last_30_days.amount": "120.00",
        "paid_last_30_days.count": "2 payments",
        "days_sales_outstanding": "76.0 days",
        "invoiced_last_90_days": "770.00",
    }
    # Nothing was invoiced in EUR in 90 days: no DSO, said with a dash rather than a zero.
    assert figures_of(html, "EUR") == {
        "outstanding.amount": "1,200.00",
        "outstanding.count": "1 invoice",
        "overdue.amount": "1,200.00",
        "overdue.count": "1 invoice",
        "paid_last_30_days.amount": "0.00",
        "paid_last_30_days.count": "0 payments",
        "days_sales_outstanding": "—",
        "invoiced_last_90_days": "0.00",
    }


def test_overdue_cards_are_flagged_only_when_something_is_overdue(owner: Any, approver: Any, today: date) -> None:
    sent_invoice(owner, approver, currency="EUR", issue_date=today - days(40), due_date=today - days(10))
    sent_invoice(owner, approver, currency="USD", issue_date=today - days(1), due_date=today + days(10))

    html = client_for(owner).get(URL).content.decode()

    assert 'class="kpi kpi--overdue kpi--alert"' in re.search(r'data-currency="EUR".*?</section>', html, re.S).group(0)
    assert 'class="kpi kpi--overdue"' in re.search(r'data-currency="USD".*?</section>', html, re.S).group(0)


def test_counts_by_status_link_to_the_filtered_invoice_list(book: Book, owner: Any) -> None:
    html = client_for(owner).get(URL).content.decode()

    counts = dict(re.findall(r'data-status-count="([a-z_]+)">(\d+)<', html))
    assert counts == {
        "draft": "1",
        "pending_approval": "1",
        "approved": "0",
        "rejected": "0",
        "sent": "2",
        "overdue": "3",
        "paid": "2",
        "cancelled": "1",
    }
    assert 'href="/invoices/?status=overdue"' in html


def test_owners_see_their_own_invoices_waiting_for_approval(book: Book, owner: Any) -> None:
    response = client_for(owner).get(URL)

    assertContains(response, '<span data-metric="pending_approvals">1</span>', html=True)
    assertContains(response, "Your invoices waiting for a staff member")


def test_approvers_see_the_queue_they_may_decide_without_their_own(book: Book, approver: Any) -> None:
    response = client_for(approver).get(URL)

    assertContains(response, '<span data-metric="pending_approvals">2</span>', html=True)
    assertContains(response, "Invoices of others waiting for your approval")


def test_the_page_embeds_the_selector_output_its_script_draws_and_compares(book: Book, owner: Any) -> None:
    html = client_for(owner).get(URL).content.decode()

    assert embedded_json(html, "dashboard-metrics") == dashboard_metrics(user=owner)
    assert embedded_json(html, "dashboard-aging") == dashboard_aging(user=owner)
    assert embedded_json(html, "dashboard-revenue") == dashboard_revenue(user=owner, months=12)
    assert embedded_json(html, "dashboard-text")["statuses"]["pending_approval"] == "Pending approval"


def test_every_chart_has_a_table_of_its_figures(book: Book, owner: Any) -> None:
    response = client_for(owner).get(URL)

    # Aging: the five buckets for each of USD and EUR; revenue: twelve months of USD only
    # (the EUR invoice was issued 100 days ago but never paid, and is in the window).
    assertContains(response, "Unpaid balances in USD by days past due")
    assertContains(response, "Unpaid balances in EUR by days past due")
    assertContains(
        response, '<tr><th scope="row">31-60 days</th><td class="num">250.00</td><td class="num">1</td></tr>', html=True
    )
    assertContains(
        response, '<tr><th scope="row">90+ days</th><td class="num">1,200.00</td><td class="num">1</td></tr>', html=True
    )
    revenue = dashboard_revenue(user=owner, months=12)
    for row in revenue["currencies"]:
        assertContains(response, f"Invoiced and paid per month in {row['currency']}")
    assert response.content.decode().count('<th scope="row">' + revenue["months"][-1] + "</th>") == len(
        revenue["currencies"]
    )


def test_top_customers_are_listed_by_balance_with_links(book: Book, owner: Any) -> None:
    html = client_for(owner).get(URL).content.decode()

    usd = re.search(r'<table class="compact-table" data-currency="USD">.*?</table>', html, re.S).group(0)
    names = re.findall(r'<a href="/customers/\d+/">([^<]+)</a>', usd)
    # Acme 60 + 300, Globex 250, Initech 40.
    assert names == ["Acme Ltd", "Globex", "Initech"]
    assert "360.00" in usd


def test_recent_activity_says_what_happened_and_who_did_it(owner: Any, approver: Any) -> None:
    invoice = make_invoice(owner=owner, customer_name="Initech")
    services.invoice_submit(invoice_id=invoice.pk, actor=owner)
    services.invoice_approve(invoice_id=invoice.pk, actor=approver)

    response = client_for(owner).get(URL)

    html = response.content.decode()
    entries = re.findall(r'<span class="activity__what"><a href="/invoices/(\d+)/">[^<]+</a> ([^<]+)</span>', html)
    assert entries == [
        (str(invoice.pk), "Approved"),
        (str(invoice.pk), "Submitted for approval"),
        (str(invoice.pk), "Created"),
    ]
    assertContains(response, "· by alice")


def test_a_user_without_invoices_is_invited_to_create_one(db: Any) -> None:
    response = client_for(make_user(username="newcomer")).get(URL)

    html = response.content.decode()
    assert re.search(r"<p class=\"empty-note\" data-kpi-empty>\s*No invoices yet", html)
    assertContains(response, "Nothing is waiting to be paid.")
    assertContains(response, "Nothing sent or paid in the last 12 months.")
    assertContains(response, "No customer owes anything right now.")
    assertContains(response, "Nothing has happened yet.")
    # The blank group the script clones when a first currency appears.
    assert re.search(r'<template data-kpi-template>\s*<section class="kpi-group" data-currency=""', html)


def test_the_page_loads_nothing_from_another_site(book: Book, owner: Any) -> None:
    collector = AssetCollector()
    collector.feed(client_for(owner).get(URL).content.decode())

    assert "/static/js/dashboard.js" in collector.urls
    assert "/static/css/dashboard.css" in collector.urls
    assert [url for url in collector.urls if not url.startswith("/static/")] == []


def test_the_csv_link_downloads_the_key_figures_with_the_session(two_owners: None, owner: Any) -> None:
    client = client_for(owner)

    response = client.get(URL)
    assertContains(response, 'href="/api/v1/dashboard/metrics.csv" download')
    csv = client.get("/api/v1/dashboard/metrics.csv")

    assert csv.status_code == 200
    assert csv["Content-Type"] == "text/csv; charset=utf-8"
    assert csv.content.decode().splitlines()[1].startswith("USD,100.00,1,")


def test_the_page_runs_a_fixed_number_of_queries(book: Book, approver: Any, django_assert_max_num_queries: Any) -> None:
    client = client_for(approver)
    with django_assert_max_num_queries(MAX_QUERIES):
        assert client.get(URL).status_code == 200
    with CaptureQueriesContext(connection) as before:
        assert client.get(URL).status_code == 200
    for n in range(5):
        sent_invoice(make_user(), approver, customer_name=f"Customer {n}", currency="GBP")

    with CaptureQueriesContext(connection) as after:
        assert client.get(URL).status_code == 200

    assert len(after) == len(before)
