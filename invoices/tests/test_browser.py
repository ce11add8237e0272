"""The pages in a real browser: Chromium driven by Playwright against a real ASGI server.

The server is a uvicorn subprocess on a free loopback port serving the pages, the admin
and the WebSockets. On PostgreSQL it uses the test database (the test is transactional,
so what it writes is committed and visible to the server); on SQLite, whose test
database lives in this process's memory, the server gets a migrated file database of
its own in the test's temporary folder. Test data is made by the server's own Django
(`manage.py shell`), through the services, so both paths are the same.

Screenshots of the main pages go to artifacts/screenshots/ (not committed).
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from accounts.tests.factories import PASSWORD
from invoices.money import line_amounts
from invoices.tests.browser_support import LiveServer, RequestLog, base_env, fill_line, log_in, manage, postgres_url

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENSHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"needs Chromium at {CHROMIUM}"),
]

SEED_DATA = f"""
from invoices import services
from accounts.tests.factories import make_user

owner = make_user(username="olivia", full_name="Olivia Owner")
make_user(username="alice", approver=True)
services.customer_create(owner=owner, name="Initech", email="ap@initech.example", phone="+1 555 0100")
services.customer_create(owner=owner, name="Umbrella Corp", email="billing@umbrella.example")
assert owner.check_password({PASSWORD!r})
"""


@pytest.fixture(scope="session")
def migrated_sqlite_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, made once per session and copied for each test."""
    folder = tmp_path_factory.mktemp("browser-db")
    path = folder / "migrated.sqlite3"
    manage({**base_env(folder), "DATABASE_URL": f"sqlite:///{path}"}, "migrate", "--noinput")
    return path


@pytest.fixture
def server_env(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    """The environment of the server and of the commands that prepare its database."""
    env = base_env(tmp_path)
    if connection.vendor == "postgresql":
        request.getfixturevalue("transactional_db")
        env["DATABASE_URL"] = postgres_url(connection.settings_dict)
    else:
        database = tmp_path / "browser.sqlite3"
        shutil.copyfile(request.getfixturevalue("migrated_sqlite_file"), database)
        env["DATABASE_URL"] = f"sqlite:///{database}"
    manage(env, "shell", "-c", SEED_DATA)
    return env


@pytest.fixture
def app_server(server_env: dict[str, str], tmp_path: Path) -> Iterator[LiveServer]:
    server = LiveServer(server_env, tmp_path / "server.log")
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture
def server_url(app_server: LiveServer) -> str:
    return app_server.url


@pytest.fixture
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.mark.live
@pytest.mark.django_db(transaction=True)
def test_an_invoice_made_in_the_browser_turns_approved_live_when_staff_approve_it_in_the_admin(
    server_url: str, browser: Any, screenshots: Path
) -> None:
    from playwright.sync_api import expect

    requests = RequestLog()
    owner_context = requests.watch(browser.new_context(viewport={"width": 1280, "height": 900}))
    page = owner_context.new_page()
    log_in(page, server_url, "olivia", "/invoices/new/")

    # Two lines whose cents only come out right with decimal rounding: 2.5 x 99.99 =
    # 249.975 -> 249.98 (floats say 249.97), and 10.05 less 50% = 5.025 -> 5.03.
    page.get_by_label("New customer's name").fill("Globex")
    fill_line(page, 1, description="Design work", quantity="2.5", unit_price="99.99", tax_rate="20")
    page.get_by_role("button", name="Add line").click()
    fill_line(page, 2, description="A line to remove", unit_price="1")
    page.get_by_role("button", name="Add line").click()
    fill_line(page, 3, description="Hosting", quantity="1", unit_price="10.05", discount_percent="50")
    page.get_by_role("button", name="Remove line 2").click()
    expect(page.get_by_label("Line 2 description", exact=True)).to_have_value("Hosting")
    expect(page.locator("[data-item-row]")).to_have_count(2)
    expect(page.get_by_label("Line 1 total", exact=True)).to_have_text("249.98")
    expect(page.get_by_label("Line 2 total", exact=True)).to_have_text("5.03")
    expect(page.locator("[data-subtotal]")).to_have_text("255.01")
    expect(page.locator("[data-tax]")).to_have_text("50.00")
    expect(page.locator("[data-total]")).to_have_text("305.01")
    page.screenshot(path=screenshots / "invoice-form.png", full_page=True)

    page.get_by_role("button", name="Save draft").click()
    page.wait_for_url(f"{server_url}/invoices/*/")
    invoice_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    expect(page.locator("h1 .badge")).to_have_text("Draft")
    expect(page.locator(".totals-table tr.total td")).to_have_text("305.01")
    number = page.locator("h1 > span").first.inner_text().removeprefix("Invoice ")

    page.get_by_role("button", name="Submit for approval").click()
    expect(page.locator("h1 .badge")).to_have_text("Pending approval")
    expect(page.locator("[data-live-status]")).to_have_text("Live", timeout=15000)
    page.evaluate("window.__sameDocument = true")

    approver_context = requests.watch(browser.new_context(viewport={"width": 1280, "height": 900}))
    admin = approver_context.new_page()
    log_in(admin, server_url, "alice", "/admin/invoices/invoice/")
    admin.locator(f'input[name="_selected_action"][value="{invoice_id}"]').check()
    admin.locator('select[name="action"]').select_option("approve_selected")
    admin.locator('button[name="index"]').click()
    expect(admin.locator(".messagelist")).to_contain_text(f"{number}: approved.")

    expect(page.locator("h1 .badge")).to_have_text("Approved", timeout=15000)
    expect(page.locator("[data-live-toasts]")).to_contain_text(f"{number}: approved by alice")
    expect(page.locator("[data-live-timeline] li").last).to_contain_text("Approved")
    expect(page.locator('[data-live-notice="changed"]')).to_be_visible()
    assert page.evaluate("window.__sameDocument") is True, "the page reloaded instead of updating in place"
    page.screenshot(path=screenshots / "invoice-detail.png", full_page=True)

    page.get_by_role("link", name="Reload to see what you can do now").click()
    page.get_by_role("button", name="Send to customer").click()
    expect(page.locator("h1 .badge")).to_have_text("Sent")
    page.get_by_label("Amount").fill("100")
    page.get_by_label("Reference").fill("wire 42")
    page.get_by_role("button", name="Record payment").click()
    expect(page.locator(".messages")).to_contain_text(f"Payment of 100.00 USD recorded on {number}.")
    expect(page.locator(".totals-table [data-live-field='balance_due']")).to_have_text("205.01")
    page.screenshot(path=screenshots / "invoice-detail-payment.png", full_page=True)

    admin.goto(f"{server_url}/invoices/{invoice_id}/")
    admin.get_by_label("Amount").fill("5.01")
    admin.get_by_role("button", name="Record payment").click()
    expect(admin.locator(".messages")).to_contain_text(f"Payment of 5.01 USD recorded on {number}.")
    expect(page.locator(".totals-table [data-live-field='amount_paid']")).to_have_text("105.01", timeout=15000)
    expect(page.locator(".totals-table [data-live-field='balance_due']")).to_have_text("200.00")
    expect(page.locator("[data-live-toasts]")).to_contain_text(f"{number}: payment recorded by alice")
    # The row appended live reads as the server renders it (invoices/events.py event_text).
    expect(page.locator("[data-live-timeline] li").last).to_contain_text("Payment of 5.01 USD recorded")

    page.goto(f"{server_url}/invoices/")
    expect(page.locator(f'tr[data-invoice-id="{invoice_id}"] .badge')).to_have_text("Sent")
    page.screenshot(path=screenshots / "invoice-list.png", full_page=True)
    page.goto(f"{server_url}/invoices/{invoice_id}/print/")
    expect(page.locator(".invoice-doc")).to_contain_text("200.00")
    page.screenshot(path=screenshots / "invoice-print.png", full_page=True)
    page.goto(f"{server_url}/customers/")
    expect(page.get_by_role("link", name="Globex")).to_be_visible()
    page.screenshot(path=screenshots / "customers.png", full_page=True)
    page.get_by_role("link", name="Globex").click()
    expect(page.get_by_role("link", name=number)).to_be_visible()
    page.screenshot(path=screenshots / "customer-detail.png", full_page=True)
    page.goto(f"{server_url}/invoices/?status=approved&min_amount=lots")
    expect(page.get_by_text("Enter a number, such as 100 or 99.50.")).to_be_visible()
    page.screenshot(path=screenshots / "invoice-list-filter-error.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{server_url}/invoices/{invoice_id}/")
    page.screenshot(path=screenshots / "invoice-detail-phone.png", full_page=True)
    page.goto(f"{server_url}/invoices/new/")
    fill_line(page, 1, description="Phone-sized line", quantity="3", unit_price="0.35", tax_rate="7.5")
    expect(page.locator("[data-total]")).to_have_text("1.13")
    page.screenshot(path=screenshots / "invoice-form-phone.png", full_page=True)

    assert requests.urls, "no requests were recorded"
    assert requests.off_site() == []


@pytest.mark.live
@pytest.mark.django_db(transaction=True)
def test_the_list_page_updates_a_row_in_place_when_an_approver_rejects_the_invoice_on_its_page(
    server_url: str, browser: Any, server_env: dict[str, str], screenshots: Path
) -> None:
    from playwright.sync_api import expect

    manage(server_env, "shell", "-c", MAKE_PENDING_INVOICE)
    page = browser.new_page()
    log_in(page, server_url, "olivia", "/invoices/")
    row = page.locator("tr[data-invoice-id]").first
    expect(row.locator(".badge")).to_have_text("Pending approval")
    expect(page.locator("[data-live-status]")).to_have_text("Live", timeout=15000)

    approver = browser.new_context().new_page()
    log_in(approver, server_url, "alice", "/invoices/")
    approver.get_by_role("link", name="LIVE-1").click()
    approver.get_by_role("button", name="Reject invoice").click()
    expect(approver.get_by_text("A reason is required to reject an invoice.")).to_be_visible()
    approver.screenshot(path=screenshots / "invoice-detail-reject-error.png", full_page=True)
    approver.get_by_label("Reason for rejecting").fill("Wrong tax rate")
    approver.get_by_role("button", name="Reject invoice").click()
    expect(approver.locator("h1 .badge")).to_have_text("Rejected")

    expect(row.locator(".badge")).to_have_text("Rejected", timeout=15000)
    expect(page.locator("[data-live-toasts]")).to_contain_text("LIVE-1: rejected by alice")


@pytest.mark.live
@pytest.mark.django_db(transaction=True)
def test_the_page_reconnects_after_the_server_restarts_and_still_updates_live(
    app_server: LiveServer, browser: Any, server_env: dict[str, str]
) -> None:
    from playwright.sync_api import expect

    manage(server_env, "shell", "-c", MAKE_PENDING_INVOICE)
    page = browser.new_page()
    log_in(page, app_server.url, "olivia", "/invoices/")
    status = page.locator("[data-live-status]")
    expect(status).to_have_text("Live", timeout=15000)
    page.evaluate("window.__sameDocument = true")

    app_server.stop()
    expect(status).to_have_text("Reconnecting for live updates…", timeout=15000)
    app_server.start()
    expect(status).to_have_text("Live", timeout=40000)

    approver = browser.new_context().new_page()
    log_in(approver, app_server.url, "alice", "/invoices/")
    approver.get_by_role("link", name="LIVE-1").click()
    approver.get_by_role("button", name="Approve").click()
    expect(page.locator("tr[data-invoice-id] .badge").first).to_have_text("Approved", timeout=15000)
    assert page.evaluate("window.__sameDocument") is True


MAKE_PENDING_INVOICE = """
from accounts.models import User
from invoices import services
from invoices.tests.factories import item
owner = User.objects.get(username="olivia")
invoice = services.invoice_create(owner=owner, customer_name="Initech", items=[item()], invoice_number="LIVE-1")
services.invoice_submit(invoice_id=invoice.pk, actor=owner)
"""


def _random_line(rng: random.Random) -> dict[str, str]:
    return {
        # Up to four places on both, as people bill fuel (1.459 a litre) or cloud usage (0.0125).
        "quantity": f"{Decimal(rng.randint(1, 20_000_000)).scaleb(-rng.choice([0, 1, 2, 3, 4])):f}",
        "unit_price": f"{Decimal(rng.randint(0, 500_000_000)).scaleb(-rng.choice([0, 2, 2, 3, 4])):f}",
        "discount_percent": str(Decimal(rng.choice([0, 0, rng.randint(0, 10_000)])) / 100),
        "tax_rate": str(Decimal(rng.choice([0, 500, 700, 1950, 2000, rng.randint(0, 10_000)])) / 100),
    }


def test_the_form_script_rounds_every_line_exactly_like_the_server(browser: Any) -> None:
    rng = random.Random(20250301)
    edge_cases = [
        {"quantity": "2.5", "unit_price": "99.99", "discount_percent": "0", "tax_rate": "20"},
        {"quantity": "1", "unit_price": "10.05", "discount_percent": "50", "tax_rate": "0"},
        {"quantity": "1.005", "unit_price": "1", "discount_percent": "0", "tax_rate": "0"},
        {"quantity": "3", "unit_price": "0.35", "discount_percent": "0", "tax_rate": "7.5"},
        {"quantity": "99999999999.999", "unit_price": "999999.99", "discount_percent": "0.01", "tax_rate": "99.99"},
        {"quantity": "4", "unit_price": "19.99", "discount_percent": "0", "tax_rate": "19"},
        {"quantity": "37.5", "unit_price": "1.459", "discount_percent": "0", "tax_rate": "19"},
        {"quantity": "1234", "unit_price": "0.0125", "discount_percent": "0", "tax_rate": "21"},
        {"quantity": "0.3333", "unit_price": "3.3333", "discount_percent": "12.5", "tax_rate": "5.5"},
        {"quantity": "99999999999.9999", "unit_price": "999999.9999", "discount_percent": "0.01", "tax_rate": "25"},
    ]
    lines = edge_cases + [_random_line(rng) for _ in range(3000)]
    page = browser.new_page()
    page.set_content("<!doctype html><title>money</title>")
    page.add_script_tag(path=str(Path(settings.BASE_DIR) / "static" / "js" / "money.js"))

    computed = page.evaluate(
        """lines => lines.map(line => {
            const m = window.InvoiceMoney, p = text => m.parseDecimal(text, true);
            const total = m.lineCents(p(line.quantity), p(line.unit_price), p(line.discount_percent));
            return [m.formatCents(total, false), m.formatCents(m.taxCents(total, p(line.tax_rate)), false)];
        })""",
        lines,
    )

    expected = []
    for line in lines:
        amounts = line_amounts(**{name: Decimal(value) for name, value in line.items()})
        expected.append([f"{amounts.line_total:.2f}", f"{amounts.tax_amount:.2f}"])
    mismatches = [(line, got, want) for line, got, want in zip(lines, computed, expected, strict=True) if got != want]
    assert mismatches == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1366, 390])
def test_live_totals_warn_about_lines_below_zero_and_the_save_names_every_bad_field(
    browser: Any, server_url: str, screenshots: Path, width: int
) -> None:
    """One save shows the service's message at every bad field of every line."""
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": width, "height": 900})
    log_in(page, server_url, "olivia", "/invoices/new/")
    page.get_by_label("New customer's name").fill("Globex")
    fill_line(page, 1, description="Design", quantity="2", unit_price="10")
    page.get_by_role("button", name="Add line").click()
    fill_line(page, 2, description="Refund", quantity="1", unit_price="-5")
    page.get_by_role("button", name="Add line").click()
    fill_line(page, 3, description="Support", quantity="1", unit_price="10", discount_percent="150")

    warning = page.locator("[data-totals-warning]")
    expect(warning).to_have_text("Not in the totals: lines 2, 3 (below zero). Saving will say what to fix.")
    expect(page.locator("[data-total]")).to_have_text("20.00")
    page.screenshot(path=screenshots / f"invoice-form-warning-{width}.png", full_page=True)

    page.get_by_role("button", name="Save draft").click()

    expect(page.get_by_text("Unit price cannot be negative.")).to_be_visible()
    expect(page.get_by_text("Must be between 0 and 100.")).to_be_visible()
    expect(warning).to_have_text("Not in the totals: lines 2, 3 (below zero). Saving will say what to fix.")
    page.screenshot(path=screenshots / f"invoice-form-errors-{width}.png", full_page=True)

    fill_line(page, 2, unit_price="5")
    fill_line(page, 3, discount_percent="15")
    expect(warning).to_be_hidden()
    expect(page.locator("[data-total]")).to_have_text("33.50")
