"""The dashboard in a real browser: Chromium driven by Playwright against a real ASGI server.

The server is a uvicorn subprocess on a free loopback port (pages, API and WebSockets).
On PostgreSQL it serves the test database (the test is transactional, so what is written
is committed and visible to it); on SQLite, whose test database lives in this process's
memory, it gets a migrated file database of its own in the test's temporary folder. The
book is made by the server's own Django (`manage.py shell`) through the services, so both
paths are the same. The change the dashboard must show live is a payment recorded through
the API with the browser's own session, so it reaches the server's channel layer whichever
layer that is.

Screenshots go to artifacts/screenshots/ (not committed).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from invoices.tests.browser_support import LiveServer, RequestLog, base_env, log_in, manage, postgres_url

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENSHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots"
LIVE_SECONDS = 15

pytestmark = [
    pytest.mark.browser,
    pytest.mark.live,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"needs Chromium at {CHROMIUM}"),
]

# Olivia's book: USD invoices over the last months, some paid, one overdue, one still
# open and due later; one EUR invoice past due. Printed: the ids the test needs.
SEED_BOOK = """
import json
from datetime import timedelta
from django.utils import timezone
from invoices import services
from accounts.tests.factories import make_user
from invoices.tests.factories import advance, item, make_invoice

owner = make_user(username="olivia", full_name="Olivia Owner")
approver = make_user(username="alice", approver=True)
today = timezone.localdate()
now = timezone.now()

def sent(customer, amount, issued_days_ago, due_in_days, currency="USD"):
    invoice = make_invoice(
        owner=owner,
        customer_name=customer,
        currency=currency,
        items=[item(unit_price=amount)],
        issue_date=today - timedelta(days=issued_days_ago),
        due_date=today + timedelta(days=due_in_days),
    )
    return advance(invoice, to="sent", approver=approver)

for n, (customer, amount, issued, paid) in enumerate([
    ("Globex", "820.00", 160, 140), ("Initech", "640.00", 130, 100), ("Globex", "910.00", 95, 70),
    ("Hooli", "450.00", 65, 35), ("Initech", "700.00", 40, 12),
]):
    invoice = sent(customer, amount, issued, 30 - issued)
    services.payment_record(invoice_id=invoice.pk, actor=owner, amount=amount, paid_at=now - timedelta(days=paid))
overdue = sent("Umbrella Corp", "1200.00", 75, -40)
sent("Globex", "300.00", 50, -20, currency="EUR")
services.invoices_mark_overdue(today=today)
open_invoice = sent("Acme Ltd", "450.00", 6, 24)
draft = make_invoice(owner=owner, customer_name="Acme Ltd", items=[item(unit_price="90.00")])
services.invoice_submit(invoice_id=draft.pk, actor=owner)
print(json.dumps({"open_invoice": open_invoice.pk, "overdue": overdue.pk}))
"""


@pytest.fixture
def server_env(tmp_path: Path) -> dict[str, str]:
    """The environment of the server and of the commands that prepare its database."""
    env = base_env(tmp_path)
    if connection.vendor == "postgresql":
        env["DATABASE_URL"] = postgres_url(connection.settings_dict)
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'browser.sqlite3'}"
        manage(env, "migrate", "--noinput")
    return env


@pytest.fixture
def book(server_env: dict[str, str]) -> dict[str, int]:
    return json.loads(manage(server_env, "shell", "-c", SEED_BOOK).strip().splitlines()[-1])


@pytest.fixture
def server_url(server_env: dict[str, str], book: dict[str, int], tmp_path: Path) -> Iterator[str]:
    """A real ASGI server on a free loopback port, started after the book is written."""
    server = LiveServer(server_env, tmp_path / "server.log")
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def open_dashboard(context: Any, base_url: str, errors: list[str]) -> Any:
    """Log Olivia in, land on the dashboard and wait for its socket; script errors go to `errors`."""
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, base_url, "olivia", "/dashboard/")
    page.locator('[data-dashboard][data-live-state="open"]').wait_for(timeout=LIVE_SECONDS * 1000)
    return page


def chart(page: Any, section: str, currency: str) -> Any:
    return page.locator(f'[data-chart-section="{section}"] figure[data-currency="{currency}"] svg[role="img"]')


def figure(page: Any, currency: str, metric: str) -> Any:
    return page.locator(f'.kpi-group[data-currency="{currency}"] [data-metric="{metric}"]')


def assert_drawn(svg: Any) -> None:
    box = svg.bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 100, box
    assert svg.locator("rect.bar").count() > 0


def test_the_dashboard_draws_its_charts_and_updates_live_when_a_payment_is_recorded(
    server_url: str, book: dict[str, int], browser: Any
) -> None:
    from playwright.sync_api import expect

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    requests = RequestLog()
    context = requests.watch(browser.new_context(viewport={"width": 1280, "height": 900}))
    errors: list[str] = []
    page = open_dashboard(context, server_url, errors)

    # Outstanding: Umbrella 1,200.00 overdue and Acme 450.00 still open.
    expect(figure(page, "USD", "outstanding.amount")).to_have_text("1,650.00")
    expect(figure(page, "USD", "outstanding.count")).to_have_text("2 invoices")
    expect(figure(page, "USD", "overdue.amount")).to_have_text("1,200.00")
    expect(figure(page, "EUR", "overdue.amount")).to_have_text("300.00")
    expect(page.locator('[data-metric="pending_approvals"]')).to_have_text("1")
    for section, currency in (("aging", "USD"), ("aging", "EUR"), ("revenue", "USD")):
        assert_drawn(chart(page, section, currency))
    expect(chart(page, "aging", "USD")).to_have_attribute("aria-label", re.compile("31-60 days 1,200.00 on 1 invoice"))
    # A paid bar for every month the embedded figures say something was paid.
    paid_months = page.evaluate(
        "JSON.parse(document.getElementById('dashboard-revenue').textContent).currencies"
        ".find(row => row.currency === 'USD').months.filter(month => Number(month.paid) > 0).length"
    )
    assert paid_months >= 3
    assert chart(page, "revenue", "USD").locator("rect.bar--paid:not([height='0'])").count() == paid_months
    page.screenshot(path=SCREENSHOTS / "dashboard-before.png", full_page=True)

    page.evaluate("window.beforeThePayment = true")
    paid_before = figure(page, "USD", "paid_last_30_days.amount").text_content()
    csrf = next(cookie["value"] for cookie in context.cookies() if cookie["name"] == "csrftoken")
    response = page.request.post(
        f"{server_url}/api/v1/invoices/{book['open_invoice']}/payments/",
        data=json.dumps({"amount": "450.00"}),
        headers={"Content-Type": "application/json", "X-CSRFToken": csrf, "Referer": f"{server_url}/dashboard/"},
    )
    assert response.status == 201, response.text()

    # The cards change in place, then the refetched charts, customers and activity follow.
    expect(figure(page, "USD", "outstanding.amount")).to_have_text("1,200.00", timeout=LIVE_SECONDS * 1000)
    expect(figure(page, "USD", "outstanding.count")).to_have_text("1 invoice")
    expect(figure(page, "USD", "paid_last_30_days.count")).to_have_text("2 payments")
    assert figure(page, "USD", "paid_last_30_days.amount").text_content() != paid_before
    expect(page.locator('[data-status-count="paid"]')).to_have_text("6")
    expect(page.locator('[data-chart-section="aging"] figure[data-currency="USD"] figcaption')).to_have_text(
        "USD: 1,200.00 unpaid on 1 invoice", timeout=LIVE_SECONDS * 1000
    )
    assert_drawn(chart(page, "aging", "USD"))
    # Paying the whole balance records the payment, then the transition to paid.
    expect(page.locator(".activity li").nth(0)).to_contain_text("Paid in full")
    expect(page.locator(".activity li").nth(1)).to_contain_text(re.compile(r"Payment of [\d,]+\.\d\d USD recorded"))
    expect(page.locator('[data-customers] table[data-currency="USD"] tbody th')).to_have_text(["Umbrella Corp"])
    assert page.evaluate("window.beforeThePayment") is True, "the page was reloaded"
    page.wait_for_timeout(1600)  # let the changed figures' highlight fade before the picture
    page.screenshot(path=SCREENSHOTS / "dashboard.png", full_page=True)

    phone = requests.watch(browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True))
    small = open_dashboard(phone, server_url, errors)
    for section, currency in (("aging", "USD"), ("revenue", "USD")):
        box = chart(small, section, currency).bounding_box()
        assert box is not None and 200 < box["width"] <= 390, box
    assert small.evaluate("document.documentElement.scrollWidth") <= 390
    assert errors == []
    small.screenshot(path=SCREENSHOTS / "dashboard-phone.png", full_page=True)

    assert requests.off_site() == []
    assert any(url.endswith("/ws/dashboard/") for url in requests.urls)
