"""Attachments and the review form in a real browser: Chromium (Playwright) against a
uvicorn process. A file is attached on the invoice page, listed with its download link,
and removed while the invoice is a draft; a document that waits for review is shown
beside its prefilled form (framed same-origin under the CSP) and saved as a draft. The
pages load nothing from elsewhere and raise no script error."""

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

# A document read with low confidence (the test extractor), so its task waits for review.
REVIEW_SEED = (
    "from django.db import transaction; from files import services; "
    "from files.tests import documents as docs; from files.validation import validate_upload; "
    "from django.contrib.auth import get_user_model; "
    "upload = validate_upload(content=docs.invoice_pdf(), name='scan.pdf'); "
    "batch = services.upload_batch_create(owner=get_user_model().objects.get(username='olivia'), uploads=[upload]); "
    "task = batch.tasks.get(); print(task.status, task.pk)"
)
SEED = (
    "from accounts.tests.factories import make_user; from invoices.tests.factories import make_invoice; "
    "print(make_invoice(owner=make_user(username='olivia')).pk)"
)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, int, str]]:
    """The server's URL, the id of olivia's draft invoice and of her task that waits for review."""
    env = {**base_env(tmp_path), "DOCUMENT_EXTRACTOR": "files.tests.extractors.UnsureExtractor"}
    if connection.vendor == "postgresql":
        env["DATABASE_URL"] = postgres_url(connection.settings_dict)
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'browser.sqlite3'}"
        manage(env, "migrate", "--noinput")
    invoice_id = int(manage(env, "shell", "-c", SEED).strip().splitlines()[-1])
    status, task_id = manage(env, "shell", "-c", REVIEW_SEED).strip().splitlines()[-1].split()
    assert status == "needs_review"
    live = LiveServer(env, tmp_path / "server.log")
    live.start()
    try:
        yield live.url, invoice_id, task_id
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
    server: tuple[str, int, str], browser: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    server_url, invoice_id, _ = server
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


def test_the_review_form_shows_the_document_beside_it_and_saves_a_draft(
    server: tuple[str, int, str], browser: Any
) -> None:
    from playwright.sync_api import expect

    server_url, _, task_id = server
    requests = RequestLog()
    context = requests.watch(browser.new_context(viewport={"width": 1400, "height": 1000}))
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    refused: list[str] = []
    page.on(
        "response",
        lambda response: (
            refused.append(response.url) if response.status >= 400 and response.url.startswith(server_url) else None
        ),
    )
    log_in(page, server_url, "olivia", f"/invoices/review/{task_id}/")

    frame = page.locator("iframe.review-document__frame")
    expect(frame).to_be_visible()
    expect(page.get_by_label("New customer's name")).to_have_value("Globex Ltd")
    expect(page.locator("[data-total]")).to_have_text("120.00")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "review-form.png", full_page=True)

    page.get_by_role("button", name="Save draft").click()

    page.wait_for_url(f"{server_url}/invoices/*/")
    expect(page.locator(".messages")).to_contain_text("is saved as a draft.")
    expect(page.locator("section[data-attachments] tr[data-attachment-id]")).to_have_count(1)
    expect(page.locator("section[data-attachments]")).to_contain_text("scan.pdf")
    assert refused == []
    assert errors == []
    # Chromium's own PDF viewer loads its pages from chrome:// and chrome-extension://;
    # nothing else is off-site.
    assert [url for url in requests.off_site() if not url.startswith(("chrome-extension://", "chrome://"))] == []
