"""The invoice page in Chromium: blocks re-rendered in place on live changes, confirmation
dialogs (and their pages without JavaScript), deleting a draft, stacked cards on a 390 px
phone, and the print view laid out as the PDF.

The server, database and browser fixtures are the ones of `test_browser.py`. Screenshots go
to artifacts/screenshots/ (1366 px and 390 px wide).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from invoices.tests import test_browser
from invoices.tests.browser_support import log_in, manage
from invoices.tests.test_browser import CHROMIUM

# The server, its database and Chromium, exactly as the main browser tests set them up.
migrated_sqlite_file = test_browser.migrated_sqlite_file
server_env = test_browser.server_env
app_server = test_browser.app_server
server_url = test_browser.server_url
browser = test_browser.browser

SHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.live,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"needs Chromium at {CHROMIUM}"),
]

# An approver with a full name, and invoices in the states the tests start from. Prints their ids.
MAKE_INVOICES = """
import json
import re
from accounts.models import User
from invoices import services
from accounts.tests.factories import make_user
from invoices.tests.factories import item
owner = User.objects.get(username="olivia")
bob = make_user(username="bob", approver=True, full_name="Bob Approver")
lines = [item("Website redesign, phase one", quantity="12.5", unit_price="1234.56", tax_rate="20"),
         item("Hosting", quantity="12", unit_price="19.99")]
pending = services.invoice_create(owner=owner, customer_name="Initech", items=lines, invoice_number="LIVE-2")
services.invoice_submit(invoice_id=pending.pk, actor=owner)
draft = services.invoice_create(owner=owner, customer_name="Umbrella Corp", items=[item()], invoice_number="DRAFT-1")
sent = services.invoice_create(owner=owner, customer_name="Globex International Holdings", items=lines,
                               invoice_number="SENT-1")
services.invoice_submit(invoice_id=sent.pk, actor=owner)
services.invoice_approve(invoice_id=sent.pk, actor=bob)
services.invoice_send(invoice_id=sent.pk, actor=owner)
services.payment_record(invoice_id=sent.pk, actor=owner, amount="1000.00", reference="wire 2026-0042")
print(json.dumps({"pending": pending.pk, "draft": draft.pk, "sent": sent.pk}))
"""

# Every element of the document with the styles that decide its layout, relative to the document.
DOCUMENT_LAYOUT = """() => {
  const doc = document.querySelector(".invoice-doc");
  const origin = doc.getBoundingClientRect();
  return [doc, ...doc.querySelectorAll("*")].map(element => {
    const box = element.getBoundingClientRect(), style = getComputedStyle(element);
    return [element.tagName, element.className, Math.round(box.x - origin.x), Math.round(box.y - origin.y),
            Math.round(box.width), Math.round(box.height), style.display, style.fontSize, style.fontWeight,
            style.padding, style.borderBottom, style.backgroundColor, style.color, style.textAlign];
  });
}"""

# Cells whose amount is cut off (by the viewport, or by a scrolling or clipping box around
# it, such as a table wrapper), or wrapped onto more than one line.
HIDDEN_OR_WRAPPED_AMOUNTS = """() => {
  function clipped(cell, box) {
    if (box.right > window.innerWidth + 0.5 || box.left < -0.5) { return true; }
    for (let parent = cell.parentElement; parent; parent = parent.parentElement) {
      if (getComputedStyle(parent).overflowX === "visible") { continue; }
      const frame = parent.getBoundingClientRect();
      if (box.right > frame.right + 0.5 || box.left < frame.left - 0.5) { return true; }
    }
    return false;
  }
  return [...document.querySelectorAll("main td.num, main dd.num")]
    .filter(cell => cell.offsetParent !== null)
    .filter(cell => {
      const box = cell.getBoundingClientRect(), style = getComputedStyle(cell);
      const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.5;
      const range = document.createRange(); range.selectNodeContents(cell);
      return clipped(cell, box) || range.getBoundingClientRect().height > line * 1.5;
    })
    .map(cell => cell.textContent.trim());
}"""


def _same_layout(one: list[list[Any]], other: list[list[Any]]) -> list[tuple[list[Any], list[Any]]]:
    """The elements laid out differently: any style differs, or a box by more than a pixel
    (subpixel rounding depends on where the document starts on the page)."""
    differences = [(first, second) for first, second in zip(one, other, strict=False) if not _close(first, second)]
    if len(one) != len(other):
        differences.append((one[len(other) :], other[len(one) :]))
    return differences


def _close(first: list[Any], second: list[Any]) -> bool:
    return len(first) == len(second) and all(
        abs(a - b) <= 1 if isinstance(a, int | float) and isinstance(b, int | float) else a == b
        for a, b in zip(first, second, strict=True)
    )


@pytest.fixture
def invoices(server_env: dict[str, str]) -> dict[str, int]:
    return json.loads(manage(server_env, "shell", "-c", MAKE_INVOICES).strip().splitlines()[-1])


@pytest.fixture
def shots() -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS


def _csp_errors(page: Any) -> list[str]:
    """Collects what the browser's console says about anything the page's CSP blocked."""
    errors: list[str] = []

    def note(message: Any) -> None:
        if "Content Security Policy" in message.text:
            errors.append(message.text)

    page.on("console", note)
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.error("
        "'Content Security Policy blocked ' + e.violatedDirective + ' at ' + e.sourceFile + ':' + e.lineNumber"
        " + ' on ' + (e.target && e.target.outerHTML ? e.target.outerHTML.slice(0, 120) : e.target)))"
    )
    return errors


def test_an_approval_shows_send_on_the_owners_page_without_a_reload(
    server_url: str, browser: Any, invoices: dict[str, int], shots: Path
) -> None:
    from playwright.sync_api import expect

    owner = browser.new_context(viewport=DESKTOP).new_page()
    csp_errors = _csp_errors(owner)
    log_in(owner, server_url, "olivia", f"/invoices/{invoices['pending']}/")
    expect(owner.locator("[data-live-status]")).to_have_text("Live", timeout=15000)
    expect(owner.get_by_role("button", name="Send to customer")).to_have_count(0)
    owner.evaluate("window.__sameDocument = true")

    approver = browser.new_context(viewport=DESKTOP).new_page()
    log_in(approver, server_url, "bob", f"/invoices/{invoices['pending']}/")
    approver.get_by_role("button", name="Approve").click()
    expect(approver.locator("h1 .badge")).to_have_text("Approved")

    send = owner.get_by_role("button", name="Send to customer")
    expect(send).to_be_visible(timeout=15000)
    expect(owner.locator("h1 .badge")).to_have_text("Approved")
    expect(owner.locator("#invoice-summary")).to_contain_text("Approved by")
    expect(owner.locator("#invoice-summary")).to_contain_text("Bob Approver")
    expect(owner.locator("[data-live-timeline] li").last).to_contain_text("Approved")
    expect(owner.locator("[data-live-timeline] li").last).to_contain_text("by Bob Approver")
    expect(owner.locator("[data-live-timeline] li[data-event-id]")).to_have_count(3)
    expect(owner.locator("[data-live-toasts]")).to_contain_text("LIVE-2: approved by Bob Approver")
    expect(owner.get_by_text("Reload to see what you can do now")).to_have_count(0)
    owner.screenshot(path=shots / "detail-live-approved-1366.png", full_page=True)

    send.click()
    expect(owner.locator("h1 .badge")).to_have_text("Sent")
    expect(owner.locator("[data-live-status]")).to_have_text("Live", timeout=15000)
    owner.evaluate("window.__sameDocument = true")
    # Someone typing a payment keeps what they typed while the totals and payments move on.
    owner.get_by_label("Reference").fill("cheque 12")

    approver.reload()
    approver.get_by_label("Amount").fill("500")
    approver.get_by_label("Reference").fill("wire 77")
    approver.get_by_role("button", name="Record payment").click()
    expect(approver.locator(".messages")).to_contain_text("Payment of 500.00 USD recorded on LIVE-2.")

    expect(owner.locator("#invoice-items [data-live-field='amount_paid']")).to_have_text("500.00", timeout=15000)
    expect(owner.locator("#invoice-payments")).to_contain_text("wire 77")
    expect(owner.locator("[data-live-timeline] li").last).to_contain_text("Payment of 500.00 USD recorded")
    expect(owner.get_by_label("Reference")).to_have_value("cheque 12")
    assert owner.evaluate("window.__sameDocument") is True, "the page reloaded instead of updating in place"
    owner.screenshot(path=shots / "detail-live-payment-1366.png", full_page=True)
    assert csp_errors == [], "\n".join(csp_errors)


def test_cancel_asks_in_a_dialog_that_escape_closes_and_delete_goes_to_the_list(
    server_url: str, browser: Any, invoices: dict[str, int], shots: Path
) -> None:
    from playwright.sync_api import expect

    page = browser.new_context(viewport=DESKTOP).new_page()
    csp_errors = _csp_errors(page)
    log_in(page, server_url, "olivia", f"/invoices/{invoices['draft']}/")

    trigger = page.get_by_role("button", name="Cancel invoice…")
    trigger.click()
    dialog = page.get_by_role("dialog", name="Cancel invoice DRAFT-1?")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("button", name="Keep the invoice")).to_be_focused()
    page.screenshot(path=shots / "dialog-cancel-1366.png")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(trigger).to_be_focused()

    trigger.click()
    dialog.get_by_role("button", name="Keep the invoice").click()
    expect(dialog).to_be_hidden()
    expect(trigger).to_be_focused()
    expect(page.locator("h1 .badge")).to_have_text("Draft")

    page.set_viewport_size(PHONE)
    delete = page.get_by_role("button", name="Delete invoice…")
    delete.click()
    dialog = page.get_by_role("dialog", name="Delete invoice DRAFT-1?")
    expect(dialog).to_be_visible()
    page.screenshot(path=shots / "dialog-delete-390.png")
    dialog.get_by_role("button", name="Delete invoice", exact=True).click()
    page.wait_for_url(f"{server_url}/invoices/")
    expect(page.locator(".messages")).to_contain_text("Invoice DRAFT-1 deleted.")
    expect(page.get_by_role("link", name="DRAFT-1")).to_have_count(0)
    assert csp_errors == [], "\n".join(csp_errors)


def test_reject_asks_for_the_reason_in_its_dialog(
    server_url: str, browser: Any, invoices: dict[str, int], shots: Path
) -> None:
    from playwright.sync_api import expect

    page = browser.new_context(viewport=DESKTOP).new_page()
    log_in(page, server_url, "bob", f"/invoices/{invoices['pending']}/")
    page.get_by_role("button", name="Reject…").click()
    dialog = page.get_by_role("dialog", name="Reject invoice LIVE-2?")
    expect(dialog.get_by_label("Reason for rejecting")).to_be_focused()
    page.screenshot(path=shots / "dialog-reject-1366.png")

    dialog.get_by_role("button", name="Reject invoice").click()
    expect(page.get_by_role("heading", level=1, name="Reject invoice LIVE-2?")).to_be_visible()
    expect(page.get_by_text("A reason is required to reject an invoice.")).to_be_visible()
    page.screenshot(path=shots / "confirm-reject-error-1366.png", full_page=True)
    page.get_by_label("Reason for rejecting").fill("Wrong tax rate")
    page.get_by_role("button", name="Reject invoice").click()
    expect(page.locator("h1 .badge")).to_have_text("Rejected")
    expect(page.locator("#invoice-actions")).to_contain_text("Wrong tax rate")


def test_without_javascript_cancel_opens_the_confirmation_page(
    server_url: str, browser: Any, invoices: dict[str, int], shots: Path
) -> None:
    from playwright.sync_api import expect

    page = browser.new_context(viewport=DESKTOP, java_script_enabled=False).new_page()
    log_in(page, server_url, "olivia", f"/invoices/{invoices['draft']}/")
    page.get_by_role("button", name="Cancel invoice…").click()
    page.wait_for_url(re.compile(rf"{re.escape(server_url)}/invoices/{invoices['draft']}/confirm/cancel/\??$"))
    expect(page.get_by_role("heading", level=1, name="Cancel invoice DRAFT-1?")).to_be_visible()
    page.screenshot(path=shots / "confirm-cancel-nojs-1366.png", full_page=True)
    page.get_by_role("button", name="Cancel invoice").click()
    page.wait_for_url(f"{server_url}/invoices/{invoices['draft']}/")
    expect(page.locator("h1 .badge")).to_have_text("Cancelled")
    expect(page.locator(".messages")).to_contain_text("Invoice DRAFT-1 is cancelled.")


@pytest.mark.parametrize("path", ["/invoices/", "/invoices/{sent}/", "/customers/", "/dashboard/"])
def test_on_a_phone_every_amount_is_in_view_on_one_line_and_nothing_scrolls_sideways(
    server_url: str, browser: Any, invoices: dict[str, int], shots: Path, path: str
) -> None:
    from playwright.sync_api import expect

    page = browser.new_context(viewport=PHONE).new_page()
    url = path.format(**invoices)
    log_in(page, server_url, "olivia", url)
    expect(page.locator("main")).to_be_visible()
    page.wait_for_load_state("networkidle")

    assert page.evaluate(HIDDEN_OR_WRAPPED_AMOUNTS) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    name = url.strip("/").replace("/", "-") or "home"
    page.screenshot(path=shots / f"{name}-390.png", full_page=True)
    page.set_viewport_size(DESKTOP)
    assert page.evaluate(HIDDEN_OR_WRAPPED_AMOUNTS) == []
    page.screenshot(path=shots / f"{name}-1366.png", full_page=True)


def test_the_print_view_lays_the_invoice_out_exactly_as_the_pdfs_document(
    server_url: str, browser: Any, server_env: dict[str, str], invoices: dict[str, int], shots: Path
) -> None:
    from playwright.sync_api import expect

    pdf_html = manage(
        server_env,
        "shell",
        "-c",
        f"from invoices.models import Invoice; from invoices.pdf import render_invoice_html; "
        f"print(render_invoice_html(Invoice.objects.get(pk={invoices['sent']})))",
    )
    page = browser.new_context(viewport=DESKTOP).new_page()
    csp_errors = _csp_errors(page)
    log_in(page, server_url, "olivia", f"/invoices/{invoices['sent']}/print/")
    expect(page.locator(".invoice-doc")).to_contain_text("Balance due")
    print_layout = page.evaluate(DOCUMENT_LAYOUT)
    page.screenshot(path=shots / "print-view-1366.png", full_page=True)

    reference = browser.new_context(viewport=DESKTOP).new_page()
    # What the command printed before the page (start-up log lines) would put it in quirks mode.
    reference.set_content(pdf_html[pdf_html.index("<!doctype html>") :])
    assert len(print_layout) > 60
    differences = _same_layout(print_layout, reference.evaluate(DOCUMENT_LAYOUT))
    assert differences == []

    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Print this invoice")).to_be_hidden()
    reference.emulate_media(media="print")
    differences = _same_layout(page.evaluate(DOCUMENT_LAYOUT), reference.evaluate(DOCUMENT_LAYOUT))
    assert differences == [], json.dumps(differences[:6])
    page.screenshot(path=shots / "print-view-paper-1366.png", full_page=True)
    page.emulate_media(media="screen")
    page.set_viewport_size(PHONE)
    page.screenshot(path=shots / "print-view-390.png", full_page=True)
    assert csp_errors == [], "\n".join(csp_errors)


def _change_notes(other: Any, server_url: str, invoice_id: int, notes: str) -> None:
    """The same invoice edited and saved in another browser, through the server (whose
    channel layer, without Redis, lives in its own process)."""
    other.goto(f"{server_url}/invoices/{invoice_id}/edit/")
    other.get_by_label("Notes").fill(notes)
    other.get_by_role("button", name="Save changes").click()
    other.wait_for_url(f"{server_url}/invoices/{invoice_id}/")


def test_the_edit_page_warns_of_a_change_made_elsewhere_only_while_it_has_unsaved_changes(
    server_url: str, browser: Any, invoices: dict[str, int], shots: Path
) -> None:
    from playwright.sync_api import expect

    page = browser.new_context(viewport=DESKTOP).new_page()
    log_in(page, server_url, "olivia", f"/invoices/{invoices['draft']}/edit/")
    notice = page.locator("[data-edit-conflict]")
    page.wait_for_function("document.querySelector('[data-edit-conflict]') && window.BillingLiveSocket")
    page.wait_for_timeout(1500)  # the socket connects
    page.evaluate("window.__sameDocument = true")

    other = browser.new_context(viewport=DESKTOP).new_page()
    log_in(other, server_url, "olivia", "/invoices/")

    # Nothing typed: the page loads the invoice as it now is, and says nothing.
    _change_notes(other, server_url, invoices["draft"], "Changed in another tab")
    expect(page.get_by_label("Notes")).to_have_value("Changed in another tab", timeout=15000)
    assert page.evaluate("window.__sameDocument") is None
    expect(notice).to_be_hidden()

    # Something typed: it stays, and the notice offers the reload.
    page.wait_for_timeout(1500)
    page.get_by_label("Notes").fill("Mine, not saved yet")
    page.evaluate("window.__sameDocument = true")
    _change_notes(other, server_url, invoices["draft"], "Changed again elsewhere")
    expect(notice).to_be_visible(timeout=15000)
    expect(notice.get_by_role("link", name="Reload to see what you can do now")).to_be_visible()
    expect(page.get_by_label("Notes")).to_have_value("Mine, not saved yet")
    assert page.evaluate("window.__sameDocument") is True
    page.screenshot(path=shots / "edit-conflict-1366.png")
