"""Attachments in a real browser: Chromium (Playwright) against a uvicorn process. A file is
attached on the invoice page, listed with its download link, and removed while the
invoice is a draft; the page loads nothing from elsewhere and raises no script error."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from files.tests import documents as docs
from invoices.tests.browser_support import LiveServer, RequestLog, base_env, log_in, manage, postgres_url

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENSHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.live,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"needs Chromium at {CHROMIUM}"),
]

SEED = (
    "from invoices.tests.factories import make_invoice, make_user; "
    "print(make_invoice(owner=make_user(username='olivia')).pk)"
)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, int]]:
    """The server's URL and the id of olivia's draft invoice."""
    env = base_env(tmp_path)
    if connection.vendor == "postgresql":
        env["DATABASE_URL"] = postgres_url(connection.settings_dict)
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'browser.sqlite3'}"
        manage(env, "migrate", "--noinput")
    invoice_id = int(manage(env, "shell", "-c", SEED).strip().splitlines()[-1])
    live = LiveServer(env, tmp_path / "server.log")
    live.start()
    try:
        yield live.url, invoice_id
    finally:
        live.stop()


@pytest.fixture
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def test_a_file_is_attached_on_the_invoice_page_and_removed_again(
    server: tuple[str, int], browser: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    server_url, invoice_id = server
    receipt = tmp_path / "delivery-receipt.pdf"
    receipt.write_bytes(docs.invoice_pdf())
    requests = RequestLog()
    context = requests.watch(browser.new_context(viewport={"width": 1280, "height": 900}))
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, server_url, "olivia", f"/invoices/{invoice_id}/")
    attachments = page.locator("section[data-attachments]")
    expect(attachments).to_contain_text("No files attached.")

    attachments.get_by_label("Attach a document").set_input_files(str(receipt))
    attachments.get_by_role("button", name="Upload", exact=True).click()

    page.wait_for_url(f"{server_url}/invoices/{invoice_id}/")
    expect(page.locator(".messages")).to_contain_text("delivery-receipt.pdf is attached.")
    row = attachments.locator("tr[data-attachment-id]")
    expect(row).to_have_count(1)
    link = row.get_by_role("link", name="delivery-receipt.pdf")
    expect(link).to_have_attribute("href", f"/api/v1/files/{row.get_attribute('data-attachment-id')}/download/")
    expect(row).to_contain_text("application/pdf")
    with page.expect_download() as download:
        link.click()
    assert Path(download.value.path()).read_bytes() == docs.invoice_pdf()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    attachments.scroll_into_view_if_needed()
    page.screenshot(path=SCREENSHOTS / "invoice-attachments.png", full_page=True)

    row.get_by_role("button", name="Remove delivery-receipt.pdf").click()

    page.wait_for_url(f"{server_url}/invoices/{invoice_id}/")
    expect(attachments.locator("tr[data-attachment-id]")).to_have_count(0)
    expect(attachments).to_contain_text("No files attached.")
    assert errors == []
    assert requests.off_site() == []
