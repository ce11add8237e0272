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

import os
import random
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlparse
from urllib.request import urlopen

import pytest
from django.conf import settings
from django.db import connection

from invoices.money import line_amounts
from invoices.tests.factories import PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENSHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
STARTUP_SECONDS = 60

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"needs Chromium at {CHROMIUM}"),
]

SEED_DATA = f"""
from invoices import services
from invoices.tests.factories import make_user

owner = make_user(username="olivia", full_name="Olivia Owner")
make_user(username="alice", approver=True)
services.customer_create(owner=owner, name="Initech", email="ap@initech.example", phone="+1 555 0100")
services.customer_create(owner=owner, name="Umbrella Corp", email="billing@umbrella.example")
assert owner.check_password({PASSWORD!r})
"""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _postgres_url(database: dict[str, Any]) -> str:
    user = quote(database.get("USER") or "", safe="")
    password = quote(database.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = database.get("HOST") or "127.0.0.1"
    port = f":{database['PORT']}" if database.get("PORT") else ""
    return f"postgres://{credentials}{host}{port}/{database['NAME']}"


def _manage(env: dict[str, str], *arguments: str) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, f"manage.py {arguments[0]} failed:\n{result.stdout}\n{result.stderr}"


def _base_env(tmp_path: Path) -> dict[str, str]:
    run_id = uuid.uuid4().hex[:8]
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "billing.settings",
        "DEBUG": "true",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        # Tasks in-process; private Redis key spaces, so parallel runs never share groups or throttles.
        "CELERY_TASK_ALWAYS_EAGER": "true",
        "CHANNEL_LAYER_PREFIX": f"browser-{run_id}",
        "CACHE_KEY_PREFIX": f"browser-{run_id}",
        "PYTHONUNBUFFERED": "1",
    }


@pytest.fixture(scope="session")
def migrated_sqlite_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, made once per session and copied for each test."""
    folder = tmp_path_factory.mktemp("browser-db")
    path = folder / "migrated.sqlite3"
    _manage({**_base_env(folder), "DATABASE_URL": f"sqlite:///{path}"}, "migrate", "--noinput")
    return path


@pytest.fixture
def server_env(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    """The environment of the server and of the commands that prepare its database."""
    env = _base_env(tmp_path)
    if connection.vendor == "postgresql":
        request.getfixturevalue("transactional_db")
        env["DATABASE_URL"] = _postgres_url(connection.settings_dict)
    else:
        database = tmp_path / "browser.sqlite3"
        shutil.copyfile(request.getfixturevalue("migrated_sqlite_file"), database)
        env["DATABASE_URL"] = f"sqlite:///{database}"
    _manage(env, "shell", "-c", SEED_DATA)
    return env


class LiveServer:
    """One uvicorn process serving the whole app (pages, admin, WebSockets) on a loopback
    port. It can be stopped and started again on the same port, as a deploy would."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.env = env
        self.log_path = log_path
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [sys.executable, "-m", "uvicorn", "billing.asgi:application", "--host", "127.0.0.1"]
        command += ["--port", str(self.port), "--lifespan", "off", "--log-level", "warning"]
        with self.log_path.open("a") as log:
            self.process = subprocess.Popen(
                command, cwd=settings.BASE_DIR, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + STARTUP_SECONDS
        while not self._healthy():
            if self.process.poll() is not None:
                pytest.fail(f"the server exited early:\n{self.log_path.read_text()}")
            if time.monotonic() > deadline:
                pytest.fail(f"the server did not start in {STARTUP_SECONDS}s:\n{self.log_path.read_text()}")
            time.sleep(0.2)

    def _healthy(self) -> bool:
        try:
            with urlopen(f"{self.url}/health", timeout=2) as response:  # noqa: S310 (our own loopback server)
                return response.status == 200
        except OSError:
            return False

    def stop(self) -> None:
        """End our own process only: terminate, then kill if it does not go."""
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None


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


class RequestLog:
    """Every URL a browser context asked for, pages, scripts, styles and sockets alike."""

    def __init__(self) -> None:
        self.urls: list[str] = []

    def watch(self, context: Any) -> Any:
        context.on("request", lambda request: self.urls.append(request.url))
        context.on("page", lambda page: page.on("websocket", lambda socket: self.urls.append(socket.url)))
        return context

    def off_site(self) -> list[str]:
        return [
            url
            for url in self.urls
            if urlparse(url).scheme not in ("data", "blob", "about") and urlparse(url).hostname not in LOCAL_HOSTS
        ]


def log_in(page: Any, base_url: str, username: str, next_path: str) -> None:
    page.goto(f"{base_url}/accounts/login/?next={quote(next_path)}")
    page.get_by_label("Username or e-mail").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base_url}{next_path}")


def fill_line(page: Any, number: int, **values: str) -> None:
    labels = {
        "description": "description",
        "quantity": "quantity",
        "unit_price": "unit price",
        "discount_percent": "discount %",
        "tax_rate": "tax %",
    }
    for name, value in values.items():
        page.get_by_label(f"Line {number} {labels[name]}", exact=True).fill(value)


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
    expect(page.locator("[data-live-timeline] li").last).to_contain_text("Payment recorded")

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

    _manage(server_env, "shell", "-c", MAKE_PENDING_INVOICE)
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

    _manage(server_env, "shell", "-c", MAKE_PENDING_INVOICE)
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
        "quantity": str(Decimal(rng.randint(1, 2_000_000)) / 1000),
        "unit_price": str(Decimal(rng.randint(0, 50_000_000)) / 100),
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
    ]
    lines = edge_cases + [_random_line(rng) for _ in range(3000)]
    page = browser.new_page()
    page.set_content("<!doctype html><title>money</title>")
    page.add_script_tag(path=str(Path(settings.BASE_DIR) / "static" / "js" / "invoice-form.js"))

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
