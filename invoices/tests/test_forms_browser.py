"""The forms and lists in Chromium, at 1366 px and on a 390 px phone: the sign-up errors
at once, the invoice form's defaults and its new-customer field, several states in the
list's filter with its CSV export, the customers' balances and a deleted customer's page.

Screenshots go to /tmp/shots-forms/ (looked at by hand, not compared)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from invoices.tests import test_browser
from invoices.tests.browser_support import RequestLog, log_in, manage

CHROMIUM = test_browser.CHROMIUM
# The browser tests' fixtures: a migrated database copy, the seeded server and Chromium.
migrated_sqlite_file = test_browser.migrated_sqlite_file
server_env = test_browser.server_env
app_server = test_browser.app_server
server_url = test_browser.server_url
browser = test_browser.browser

SHOTS = Path("/tmp/shots-forms")  # noqa: S108 (screenshots to look at, not secrets)
WIDTHS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.live,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"needs Chromium at {CHROMIUM}"),
]

LIST_DATA = """
from invoices import services
from invoices.models import Customer
from invoices.tests.factories import advance, item, make_invoice
from accounts.models import User

owner = User.objects.get(username="olivia")
alice = User.objects.get(username="alice")
make_invoice(owner=owner, invoice_number="D-1", customer_name="Initech")
sent = advance(make_invoice(owner=owner, invoice_number="S-1", customer_name="Initech",
                            items=[item(unit_price="1234.50")]), to="sent", approver=alice)
advance(make_invoice(owner=owner, invoice_number="S-2", customer_name="Umbrella Corp", currency="EUR",
                     items=[item(unit_price="99.90")]), to="sent", approver=alice)
advance(make_invoice(owner=owner, invoice_number="P-1", customer_name="Umbrella Corp"), to="pending_approval",
        approver=alice)
gone = make_invoice(owner=owner, invoice_number="G-1", customer_name="Gone Ltd")
services.customer_delete(customer=Customer.objects.get(name="Gone Ltd"))
print("gone", gone.customer_id)
"""


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png", full_page=True)


def test_sign_up_shows_every_error_at_the_first_submit(server_url: str, browser: Any) -> None:
    from playwright.sync_api import expect

    for label, viewport in WIDTHS.items():
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        page.goto(f"{server_url}/accounts/register/")
        expect(
            page.get_by_text("Up to 150 characters: letters, digits and . + - _ only (no spaces, no @).")
        ).to_be_visible()
        page.get_by_label("Username").fill("grace hopper")
        page.get_by_label("E-mail address").fill("grace-at-home")
        page.locator("#id_password").fill("12345")
        page.get_by_label("Password again").fill("54321")
        page.get_by_role("button", name="Create account").click()

        expect(page.get_by_text("Enter a valid username. Up to 150 characters")).to_be_visible()
        expect(page.get_by_text("Enter a valid email address.")).to_be_visible()
        expect(page.get_by_text("This password is too short. It must contain at least 8 characters.")).to_be_visible()
        expect(page.get_by_text("The two passwords do not match.")).to_be_visible()
        shot(page, f"sign-up-errors-{label}")
        context.close()


def test_the_invoice_form_starts_with_today_the_common_currencies_and_a_toggled_customer_name(
    server_url: str, browser: Any
) -> None:
    from playwright.sync_api import expect

    today = datetime.now(UTC).date().isoformat()  # the server's TIME_ZONE is UTC
    for label, viewport in WIDTHS.items():
        requests = RequestLog()
        context = requests.watch(browser.new_context(viewport=viewport))
        page = context.new_page()
        log_in(page, server_url, "olivia", "/invoices/new/")

        expect(page.get_by_label("Issue date")).to_have_value(today)
        currency = page.get_by_label("Currency")
        expect(currency).to_have_value("USD")
        assert currency.locator("option").evaluate_all("options => options.slice(0, 4).map(o => o.value)") == [
            "USD",
            "EUR",
            "GBP",
            "AED",
        ]
        name = page.get_by_label("New customer's name")
        expect(name).to_be_visible()  # "New customer…" is chosen at first
        page.locator("#id_customer").select_option(label="Initech")
        expect(name).to_be_hidden()
        shot(page, f"invoice-form-customer-chosen-{label}")
        page.locator("#id_customer").select_option(label="New customer…")
        expect(name).to_be_visible()
        shot(page, f"invoice-form-new-customer-{label}")
        assert requests.off_site() == []
        context.close()

    no_script = browser.new_context(viewport=WIDTHS["desktop"], java_script_enabled=False)
    page = no_script.new_page()
    log_in(page, server_url, "olivia", "/invoices/new/")
    page.locator("#id_customer").select_option(label="Initech")
    expect(page.get_by_label("New customer's name")).to_be_visible()  # progressive: nothing hidden without script
    no_script.close()


def test_several_states_export_balances_and_a_deleted_customers_page(
    server_url: str, browser: Any, server_env: dict[str, str], tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    printed = manage(server_env, "shell", "-c", LIST_DATA)
    gone_id = int(printed.split("gone", 1)[1].split()[0])

    for label, viewport in WIDTHS.items():
        context = browser.new_context(viewport=viewport, accept_downloads=True)
        page = context.new_page()
        log_in(page, server_url, "olivia", "/invoices/")
        page.get_by_text("Filters and sorting").click()
        page.get_by_label("Draft").check()
        page.get_by_label("Pending approval").check()
        page.get_by_role("button", name="Apply filters").click()
        page.wait_for_url("**/invoices/?*status=draft&status=pending_approval*")
        expect(page.locator("tr[data-invoice-id]")).to_have_count(3)  # D-1, P-1 and G-1
        expect(page.get_by_label("Draft")).to_be_checked()
        expect(page.get_by_label("Sent")).not_to_be_checked()
        shot(page, f"invoice-list-two-states-{label}")

        with page.expect_download() as download_info:
            page.get_by_role("link", name="Export CSV").click()
        download = download_info.value
        rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text())))
        assert sorted(row["invoice_number"] for row in rows) == ["D-1", "G-1", "P-1"]

        page.goto(f"{server_url}/customers/")
        initech = page.locator("tr", has=page.get_by_role("link", name="Initech"))
        expect(initech.locator("[data-balance]")).to_have_text("1,234.50 USD")
        umbrella = page.locator("tr", has=page.get_by_role("link", name="Umbrella Corp"))
        expect(umbrella.locator("[data-balance]")).to_have_text("99.90 EUR")
        shot(page, f"customers-balances-{label}")

        page.goto(f"{server_url}/invoices/?search=G-1")
        page.get_by_role("link", name="G-1").click()
        page.get_by_role("link", name="Customer details").click()
        page.wait_for_url(f"{server_url}/customers/{gone_id}/")
        expect(page.get_by_role("heading", name="Gone Ltd")).to_be_visible()
        expect(page.get_by_text("This customer was deleted on")).to_be_visible()
        expect(page.get_by_role("link", name="G-1")).to_be_visible()
        shot(page, f"customer-deleted-{label}")
        context.close()
