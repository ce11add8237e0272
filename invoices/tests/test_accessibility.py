"""Every page through axe-core, as each kind of visitor, in Chromium against a real server.

The server is seeded as `make run` seeds it (`seed_demo`: the demo, approver and admin
logins and the demo owner's invoices in every state), plus a cancelled invoice and a
document that waits for review, so each page is seen with the data people see there.
A page passes when axe (vendored, `invoices/tests/vendor/axe-core/`) finds no serious or
critical violation on it; the report lists every one found, page by page.

The 404 and 503 pages are rendered by this process with DEBUG off (the server runs with
DEBUG on, which shows Django's own 404 page) and handed to the browser on the server's
origin, so they are checked with the server's real styles.

Screenshots go to `artifacts/screenshots/accessibility/` (or `$A11Y_SCREENSHOTS`).
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import RequestFactory, override_settings

from accounts.tests.factories import PASSWORD
from invoices.tests.accessibility_support import axe_run, blocking_violations, describe, focused, tab_to
from invoices.tests.browser_support import LiveServer, RequestLog, base_env, log_in, manage, postgres_url

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"needs Chromium at {CHROMIUM}"),
]

SEED = """
import json
from django.core.management import call_command
from django.test.utils import override_settings
from accounts.models import User
from files import services as file_services
from files.tests import documents
from files.validation import validate_upload
from invoices import services
from invoices.models import Customer, Invoice
from invoices.tests.factories import item

call_command("seed_demo", stdout=open("/dev/null", "w"))
demo = User.objects.get(username="demo")
cancelled = services.invoice_create(owner=demo, customer_name="Initech", items=[item()], invoice_number="A11Y-CANCEL")
services.invoice_cancel(invoice_id=cancelled.pk, actor=demo)
with override_settings(DOCUMENT_EXTRACTOR="files.tests.extractors.UnsureExtractor"):
    upload = validate_upload(content=documents.invoice_pdf(), name="scan.pdf")
    batch = file_services.upload_batch_create(owner=demo, uploads=[upload])
task = batch.tasks.get()
assert task.status == "needs_review", task.status
invoices = {}
for invoice in Invoice.objects.filter(owner=demo).order_by("pk"):
    label = "partially_paid" if invoice.status == "sent" and invoice.amount_paid else invoice.status
    invoices[label] = invoice.pk
print(json.dumps({
    "invoices": invoices,
    "customer": Customer.objects.filter(owner=demo).order_by("pk").first().pk,
    "task": str(task.pk),
    "demo": demo.pk,
}))
"""


@pytest.fixture(scope="module")
def migrated_sqlite_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("a11y-db")
    path = folder / "migrated.sqlite3"
    manage({**base_env(folder), "DATABASE_URL": f"sqlite:///{path}"}, "migrate", "--noinput")
    return path


@pytest.fixture
def seeded(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[dict[str, str], dict[str, Any]]:
    """The server's environment, and the ids of what the seed made."""
    env = {**base_env(tmp_path), "DEMO_PASSWORD": PASSWORD}
    if connection.vendor == "postgresql":
        env["DATABASE_URL"] = postgres_url(connection.settings_dict)
    else:
        database = tmp_path / "a11y.sqlite3"
        shutil.copyfile(request.getfixturevalue("migrated_sqlite_file"), database)
        env["DATABASE_URL"] = f"sqlite:///{database}"
    printed = manage(env, "shell", "-c", SEED)
    return env, json.loads(printed.strip().splitlines()[-1])


@pytest.fixture
def server_url(seeded: tuple[dict[str, str], dict[str, Any]], tmp_path: Path) -> Iterator[str]:
    server = LiveServer(seeded[0], tmp_path / "server.log")
    try:
        server.start()
        yield server.url
    finally:
        server.stop()


@pytest.fixture
def ids(seeded: tuple[dict[str, str], dict[str, Any]]) -> dict[str, Any]:
    return seeded[1]


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
    folder = Path(os.environ.get("A11Y_SCREENSHOTS") or Path(settings.BASE_DIR) / "artifacts" / "screenshots")
    folder = folder / "accessibility" if "A11Y_SCREENSHOTS" not in os.environ else folder
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def off_site(requests: RequestLog) -> list[str]:
    """What the pages fetched from elsewhere; Chromium's own PDF viewer (the review form shows
    the document in a frame) and its chrome:// resources are part of the browser, not requests."""
    return [url for url in requests.off_site() if not url.startswith(("chrome-extension://", "chrome://"))]


def public_pages() -> list[str]:
    return [
        "/accounts/login/",
        "/accounts/register/",
        "/accounts/password-reset/",
        "/accounts/password-reset/not-a-real-token/",
        "/accounts/verify/not-a-real-token/",
        "/admin/login/?next=/admin/",
        "/api/docs/",
        "/api/redoc/",
    ]


def user_pages(ids: dict[str, Any]) -> list[str]:
    """What a signed-in user opens: their own records, every invoice state, the settings."""
    invoices = ids["invoices"]
    return [
        "/dashboard/",
        "/invoices/",
        "/invoices/?status=lots",
        "/invoices/new/",
        f"/invoices/{invoices['draft']}/edit/",
        "/invoices/search/",
        *(f"/invoices/{pk}/" for pk in invoices.values()),
        f"/invoices/{invoices['sent']}/print/",
        "/customers/",
        "/customers/new/",
        f"/customers/{ids['customer']}/",
        f"/customers/{ids['customer']}/edit/",
        "/invoices/upload/",
        "/settings/company/",
        "/settings/password/",
    ]


def admin_pages(ids: dict[str, Any]) -> list[str]:
    invoices = ids["invoices"]
    return [
        "/admin/",
        "/admin/invoices/invoice/",
        f"/admin/invoices/invoice/{invoices['pending_approval']}/change/",
        f"/admin/invoices/invoice/{invoices['paid']}/change/",
        "/admin/invoices/customer/",
        f"/admin/invoices/customer/{ids['customer']}/change/",
        "/admin/accounts/user/",
        f"/admin/accounts/user/{ids['demo']}/change/",
        "/admin/files/processingtask/",
    ]


def slug(path: str) -> str:
    return path.strip("/").replace("/", "-").replace("?", "-").replace("=", "-") or "home"


def check_pages(
    page: Any, base_url: str, paths: list[str], *, who: str, shots: Path | None, status: int | None = None
) -> dict[str, list]:
    """Open each path, let its scripts settle, and run axe; returns the violations by page.
    Each page must answer `status`, or any status below 500 when none is given."""
    found: dict[str, list] = {}
    for path in paths:
        response = page.goto(f"{base_url}{path}")
        assert response is not None, f"{who} {path}: no response"
        if status is None:
            assert response.status < 500, f"{who} {path}: {response.status}"
        else:
            assert response.status == status, f"{who} {path}: {response.status}"
        page.wait_for_load_state("load")
        if path.startswith("/api/redoc/"):
            page.locator(".api-content").first.wait_for()
        elif path.startswith("/api/docs/"):
            page.locator(".opblock-tag").first.wait_for()
        violations = blocking_violations(page)
        if violations:
            found[f"{who} {path}"] = violations
        if shots is not None:
            # The docs pages are tens of thousands of pixels long: their first screen will do.
            full_page = not path.startswith("/api/")
            page.screenshot(path=shots / f"{who}-{slug(path)}.png", full_page=full_page)
    return found


def test_the_public_pages_have_no_serious_accessibility_violations(
    server_url: str, browser: Any, screenshots: Path
) -> None:
    requests = RequestLog()
    found: dict[str, Any] = {}
    for name, viewport in (("wide", DESKTOP), ("phone", PHONE)):
        page = requests.watch(browser.new_context(viewport=viewport)).new_page()
        found |= check_pages(page, server_url, public_pages(), who=f"anonymous-{name}", shots=screenshots)
        page.context.close()
    assert found == {}, describe(found)
    assert off_site(requests) == []


def test_the_pages_of_a_regular_user_have_no_serious_accessibility_violations(
    server_url: str, browser: Any, ids: dict[str, Any], screenshots: Path
) -> None:
    requests = RequestLog()
    found: dict[str, Any] = {}
    for name, viewport in (("wide", DESKTOP), ("phone", PHONE)):
        page = requests.watch(browser.new_context(viewport=viewport)).new_page()
        log_in(page, server_url, "demo", "/dashboard/")
        paths = [*user_pages(ids), f"/invoices/review/{ids['task']}/"]
        found |= check_pages(page, server_url, paths, who=f"demo-{name}", shots=screenshots)
        # Not staff: the admin asks them to log in as staff.
        found |= check_pages(page, server_url, ["/admin/"], who=f"demo-{name}", shots=None)
        page.context.close()
    assert found == {}, describe(found)
    assert off_site(requests) == []


@pytest.mark.parametrize("username", ["approver", "admin"])
def test_the_pages_and_the_back_office_of_staff_have_no_serious_accessibility_violations(
    username: str, server_url: str, browser: Any, ids: dict[str, Any], screenshots: Path
) -> None:
    requests = RequestLog()
    page = requests.watch(browser.new_context(viewport=DESKTOP)).new_page()
    log_in(page, server_url, username, "/dashboard/")
    found = check_pages(page, server_url, user_pages(ids), who=username, shots=None)
    found |= check_pages(page, server_url, admin_pages(ids), who=username, shots=screenshots)
    assert found == {}, describe(found)
    assert off_site(requests) == []


@override_settings(DEBUG=False)
def test_the_error_pages_have_no_serious_accessibility_violations(
    server_url: str, browser: Any, screenshots: Path
) -> None:
    from core.error_views import page_not_found, permission_denied
    from core.unavailable import unavailable_response

    factory = RequestFactory()
    rendered = {
        "/errors/403/": permission_denied(factory.get("/errors/403/")),
        "/errors/404/": page_not_found(factory.get("/errors/404/")),
        "/errors/503/": unavailable_response(factory.get("/errors/503/"), ConnectionRefusedError("refused")),
    }
    assert [response.status_code for response in rendered.values()] == [403, 404, 503]
    page = browser.new_context(viewport=DESKTOP).new_page()
    for path, response in rendered.items():
        page.route(f"{server_url}{path}", fulfil_with(response))
    found: dict[str, Any] = {}
    for path, response in rendered.items():
        found |= check_pages(page, server_url, [path], who="error", shots=screenshots, status=response.status_code)
    assert found == {}, describe(found)


def fulfil_with(response: Any) -> Any:
    """A Playwright route handler answering with a response Django rendered here."""

    def handle(route: Any) -> None:
        body = response.content
        route.fulfill(status=response.status_code, body=body, content_type="text/html; charset=utf-8")

    return handle


def test_every_status_badge_has_enough_contrast(server_url: str, browser: Any, ids: dict[str, Any]) -> None:
    page = browser.new_context(viewport=DESKTOP).new_page()
    log_in(page, server_url, "demo", "/invoices/")
    badges = page.locator("tr[data-invoice-id] .badge")
    shown = {text.strip() for text in badges.all_inner_texts()}
    assert shown >= {"Draft", "Pending approval", "Approved", "Sent", "Overdue", "Paid", "Rejected", "Cancelled"}
    result = axe_run(
        page,
        context={"include": [[".badge"]]},
        options={"runOnly": ["color-contrast"], "resultTypes": ["violations", "passes"]},
    )
    assert result["violations"] == []
    checked = sum(len(rule["nodes"]) for rule in result["passes"])
    assert checked == badges.count()


def test_the_invoice_changelist_shows_every_column_at_1366_px(server_url: str, browser: Any, screenshots: Path) -> None:
    page = browser.new_context(viewport=DESKTOP).new_page()
    log_in(page, server_url, "admin", "/admin/invoices/invoice/")

    fit = page.evaluate(
        """() => {
            const results = document.querySelector('#changelist .results');
            const table = document.querySelector('#result_list');
            return {
                tableWidth: table.scrollWidth,
                room: results.clientWidth,
                right: Math.max(...[...table.querySelectorAll('th, td')].map(c => c.getBoundingClientRect().right)),
                viewport: window.innerWidth,
                headers: [...table.querySelectorAll('thead th')].map(th => th.innerText.trim()).filter(Boolean),
            };
        }"""
    )
    page.screenshot(path=screenshots / "admin-invoice-changelist-1366.png")

    assert fit["headers"] == ["INVOICE NUMBER", "STATUS", "CUSTOMER NAME", "OWNER", "TOTAL", "BALANCE DUE", "DUE"]
    assert fit["tableWidth"] <= fit["room"], fit
    assert fit["right"] <= fit["viewport"], fit
    assert page.locator("#result_list tbody tr").count() == 9


def log_in_with_the_keyboard(page: Any, base_url: str, username: str, next_path: str) -> None:
    page.goto(f"{base_url}/accounts/login/?next={next_path}")
    assert focused(page)["name"] == "Username or e-mail", "the login form should start in its first field"
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    assert focused(page)["name"] == "Password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base_url}{next_path}")


def press(page: Any, name: str, key: str = "Enter") -> None:
    """From the top of a freshly loaded page, Tab to the control named `name` and press `key`."""
    tab_to(page, name)
    page.keyboard.press(key)


def test_an_invoice_is_written_submitted_approved_and_sent_with_the_keyboard_alone(
    server_url: str, browser: Any, screenshots: Path
) -> None:
    from playwright.sync_api import expect

    owner = browser.new_context(viewport=DESKTOP).new_page()
    log_in_with_the_keyboard(owner, server_url, "demo", "/invoices/new/")

    owner.keyboard.press("Tab")
    assert focused(owner)["name"] == "Skip to main content"
    owner.keyboard.press("Enter")
    assert focused(owner)["tag"] == "main", "the skip link should move the focus to the main content"
    tab_to(owner, "Customer")
    owner.keyboard.type("Initech")
    expect(owner.locator("#id_customer option:checked")).to_have_text("Initech")
    tab_to(owner, "Line 1 description")
    owner.keyboard.type("Design work")
    for name, value in (("Line 1 quantity", "3"), ("Line 1 unit price", "120")):
        owner.keyboard.press("Tab")
        assert focused(owner)["name"] == name
        owner.keyboard.press("Control+A")
        owner.keyboard.type(value)
    tab_to(owner, "Add line")
    owner.screenshot(path=screenshots / "keyboard-add-line-focused.png")
    owner.keyboard.press("Enter")
    assert focused(owner)["name"] == "Line 2 description", "a new line should take the focus"
    owner.keyboard.type("Hosting")
    for name, value in (("Line 2 quantity", "1"), ("Line 2 unit price", "30")):
        owner.keyboard.press("Tab")
        assert focused(owner)["name"] == name
        owner.keyboard.press("Control+A")
        owner.keyboard.type(value)
    expect(owner.locator("[data-total]")).to_have_text("390.00")
    tab_to(owner, "Save draft")
    owner.keyboard.press("Enter")
    # The skip link's #main stays on the address through the redirect, as browsers do.
    owner.wait_for_url(re.compile(r"/invoices/\d+/(#main)?$"))
    detail = owner.url.removeprefix(server_url).removesuffix("#main")
    expect(owner.locator("h1 .badge")).to_have_text("Draft")
    expect(owner.get_by_text("Initech").first).to_be_visible()
    expect(owner.locator(".totals-table tr.total td")).to_have_text("390.00")

    press(owner, "Submit for approval")
    expect(owner.locator("h1 .badge")).to_have_text("Pending approval")

    approver = browser.new_context(viewport=PHONE).new_page()
    log_in_with_the_keyboard(approver, server_url, "approver", detail)
    tab_to(approver, "Approve")
    approver.screenshot(path=screenshots / "keyboard-approve-focused-phone.png")
    approver.keyboard.press("Enter")
    expect(approver.locator("h1 .badge")).to_have_text("Approved")

    owner.goto(f"{server_url}{detail}")
    press(owner, "Send to customer")
    expect(owner.locator("h1 .badge")).to_have_text("Sent")
    owner.screenshot(path=screenshots / "keyboard-sent.png", full_page=True)
