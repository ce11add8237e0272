"""The upload page in a real browser: Chromium (Playwright) against a uvicorn process.

Two documents go up at once: a sample invoice the local extractor reads into a draft, and
one scan-like image too blank to read. Each row follows its own task over the batch
socket to its outcome: a link to the draft, and the reason the other failed. Celery runs
eagerly in the server, so the socket's first snapshot already holds the outcome when the
worker is faster than the page.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from files.samples import render_sample
from files.tests import documents as docs
from invoices.tests.browser_support import LiveServer, RequestLog, base_env, log_in, manage, postgres_url

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENSHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots"
OUTCOME_SECONDS = 60

pytestmark = [
    pytest.mark.browser,
    pytest.mark.live,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"needs Chromium at {CHROMIUM}"),
]


@pytest.fixture
def server_url(tmp_path: Path) -> Iterator[str]:
    env = base_env(tmp_path)
    if connection.vendor == "postgresql":
        env["DATABASE_URL"] = postgres_url(connection.settings_dict)
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'browser.sqlite3'}"
        manage(env, "migrate", "--noinput")
    manage(env, "shell", "-c", "from accounts.tests.factories import make_user; make_user(username='olivia')")
    server = LiveServer(env, tmp_path / "server.log")
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


def test_two_documents_upload_and_each_row_shows_its_own_outcome(server_url: str, browser: Any, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    sample = render_sample(business_type="retail", complexity="detailed", seed=11)
    invoice_file = tmp_path / "march-invoice.pdf"
    invoice_file.write_bytes(sample.pdf)
    blank_file = tmp_path / "blank-scan.png"
    blank_file.write_bytes(docs.image_bytes("PNG"))
    requests = RequestLog()
    context = requests.watch(browser.new_context(viewport={"width": 1280, "height": 900}))
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, server_url, "olivia", "/invoices/upload/")

    page.get_by_label("Choose files or drop them here").set_input_files([str(invoice_file), str(blank_file)])
    page.get_by_role("button", name="Upload").click()

    saved = page.locator('#upload-tasks tr[data-outcome="saved"]')
    failed = page.locator('#upload-tasks tr[data-outcome]:not([data-outcome="saved"])')
    expect(saved).to_have_count(1, timeout=OUTCOME_SECONDS * 1000)
    expect(failed).to_have_count(1, timeout=OUTCOME_SECONDS * 1000)
    expect(saved.locator("td").first).to_have_text("march-invoice.pdf")
    expect(saved.locator("progress")).to_have_attribute("value", "100")
    link = saved.get_by_role("link")
    expect(link).to_have_text(f"Draft invoice {sample.expected['invoice_number']}")
    expect(failed.locator("td").first).to_have_text("blank-scan.png")
    assert failed.locator("td").nth(3).text_content()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "upload.png", full_page=True)

    link.click()
    page.wait_for_url(f"{server_url}/invoices/*/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(sample.expected["invoice_number"])
    assert errors == []
    assert requests.off_site() == []
