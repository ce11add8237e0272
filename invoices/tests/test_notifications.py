"""Sending an invoice e-mails the customer its PDF, after commit and only then."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from invoices import services
from invoices.actions import transaction_for_one_write
from invoices.models import Invoice, InvoiceStatus
from invoices.notifications import invoice_attachment_filename, invoice_email_send
from invoices.tests.factories import advance, item, make_invoice

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved_invoice(owner: Any, approver: Any) -> Invoice:
    invoice = make_invoice(owner=owner, items=[item(quantity="3", unit_price="410.00")])
    return advance(invoice, to="approved", approver=approver)


def test_sending_an_invoice_emails_the_customer_its_pdf(
    approved_invoice: Invoice, owner: Any, mailoutbox: list, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.invoice_send(invoice_id=approved_invoice.pk, actor=owner)

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    number = approved_invoice.invoice_number
    assert message.to == ["billing@acme.example"]
    assert message.reply_to == [owner.email]
    assert message.subject == f"Invoice {number} from olivia"
    assert "1,230.00 USD" in message.body
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html" and number in html
    [(filename, content, content_type)] = message.attachments
    assert filename == f"{number}.pdf"
    assert content_type == "application/pdf"
    assert content.startswith(b"%PDF")


def test_nothing_is_sent_before_the_transaction_commits(
    approved_invoice: Invoice, owner: Any, mailoutbox: list, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.invoice_send(invoice_id=approved_invoice.pk, actor=owner)

    assert mailoutbox == []
    assert callbacks  # the e-mail task waits for the commit


def test_a_rolled_back_send_emails_nobody(
    approved_invoice: Invoice, owner: Any, mailoutbox: list, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction_for_one_write():
        services.invoice_send(invoice_id=approved_invoice.pk, actor=owner)
        raise RuntimeError("the request failed after the send")

    assert mailoutbox == []
    approved_invoice.refresh_from_db()
    assert approved_invoice.status == InvoiceStatus.APPROVED


def test_invoice_without_customer_email_is_sent_but_no_mail_goes_out(
    owner: Any,
    approver: Any,
    mailoutbox: list,
    caplog: pytest.LogCaptureFixture,
    django_capture_on_commit_callbacks: Any,
) -> None:
    invoice = services.invoice_create(owner=owner, customer_name="No Mail GmbH", items=[item()])
    invoice = advance(invoice, to="approved", approver=approver)

    with (
        caplog.at_level(logging.INFO, logger="invoices.notifications"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.invoice_send(invoice_id=invoice.pk, actor=owner)

    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.SENT
    assert mailoutbox == []
    assert f"invoice {invoice.pk} ({invoice.invoice_number}) has no customer e-mail" in caplog.text


def test_missing_invoice_is_logged_and_skipped(mailoutbox: list, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="invoices.notifications"):
        invoice_email_send(invoice_id=987654)

    assert mailoutbox == []
    assert "invoice 987654 does not exist" in caplog.text


def test_attachment_name_is_safe_for_any_invoice_number(owner: Any) -> None:
    invoice = make_invoice(owner=owner, invoice_number='2026/07 "A"')

    assert invoice_attachment_filename(invoice) == "2026-07-A.pdf"


def test_subject_stays_on_one_line_whatever_the_owner_typed(
    owner: Any, approver: Any, mailoutbox: list, django_capture_on_commit_callbacks: Any
) -> None:
    owner.full_name = "Olivia\nOwner"
    owner.save(update_fields=["full_name"])
    invoice = advance(make_invoice(owner=owner), to="approved", approver=approver)

    with django_capture_on_commit_callbacks(execute=True):
        services.invoice_send(invoice_id=invoice.pk, actor=owner)

    [message] = mailoutbox
    assert message.subject == f"Invoice {invoice.invoice_number} from Olivia Owner"
    assert message.message()["Subject"] == message.subject
