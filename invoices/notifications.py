"""The e-mail a customer receives when an invoice is sent: a short note with the PDF.

The send's status-changed event reaches `invoice_sent_email_enqueue`, a transaction
subscriber (`settings.INVOICE_EVENT_TRANSACTION_SUBSCRIBERS`), which writes an outbox
message (kind `invoice.sent_email`) in the transaction that sends the invoice; the
outbox relays it on commit and delivers it through `invoice_sent_email_deliver`,
retrying until the mail server takes it. The services never import this module. A rolled-back
send therefore never e-mails anyone, an outage of Redis or the mail server only delays
the e-mail, and a slow PDF render never holds the request. Every attempt carries the
same `Message-ID`, derived from the outbox key, so a repeat is recognisable as one.
"""

from __future__ import annotations

import hashlib
import logging
import re
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from invoices.events import INVOICE_STATUS_CHANGED, InvoiceMessage
from invoices.models import Invoice
from invoices.money import format_money
from invoices.pdf import invoice_issuer_name, render_invoice_pdf, seller_context
from outbox.services import outbox_enqueue

logger = logging.getLogger(__name__)

TEMPLATE = "emails/invoices/invoice_sent"
INVOICE_SENT_EMAIL = "invoice.sent_email"
_UNSAFE_FILENAME_CHARACTERS = re.compile(r"[^A-Za-z0-9._-]+")


def invoice_attachment_filename(invoice: Invoice) -> str:
    """`<invoice_number>.pdf`, with anything a mail client or file system could
    misread (slashes, quotes, spaces) replaced, since owners may choose the number."""
    stem = _UNSAFE_FILENAME_CHARACTERS.sub("-", invoice.invoice_number).strip(".-") or f"invoice-{invoice.pk}"
    return f"{stem}.pdf"


def invoice_sent_email_key(*, invoice_id: int) -> str:
    """An invoice is sent once (sent never goes back to approved), so one key per invoice."""
    return f"{INVOICE_SENT_EMAIL}:{invoice_id}"


def invoice_sent_email_enqueue(message: InvoiceMessage) -> None:
    """Transaction subscriber: a send writes the customer's e-mail to the outbox.

    Runs inside the send's transaction, so the outbox row exists exactly when the sent
    state does (a rolled-back or refused send writes none); the outbox relays it to a
    worker after the commit, and its sweep delivers it if Redis was down meanwhile."""
    if message.type != INVOICE_STATUS_CHANGED or message.event.get("transition") != "send":
        return
    outbox_enqueue(
        kind=INVOICE_SENT_EMAIL,
        idempotency_key=invoice_sent_email_key(invoice_id=message.invoice_id),
        payload={"invoice_id": message.invoice_id},
    )


def message_id_for(idempotency_key: str) -> str:
    """A stable RFC 5322 Message-ID for one outbox effect."""
    digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:40]
    domain = urlsplit(settings.SITE_URL).hostname or "billing.invalid"
    return f"<{digest}@{domain}>"


def invoice_sent_email_deliver(payload: dict[str, Any], *, idempotency_key: str) -> None:
    """Outbox handler for `invoice.sent_email`."""
    invoice_email_send(invoice_id=int(payload["invoice_id"]), message_id=message_id_for(idempotency_key))


def invoice_email_send(*, invoice_id: int, message_id: str | None = None) -> None:
    """E-mail the invoice PDF to the invoice's customer address.

    Invoices without a customer e-mail (or that vanished before the task ran) are
    logged and skipped: there is nobody to send to, and retrying would not change that.
    """
    invoice = Invoice.objects.select_related("owner").filter(pk=invoice_id, deleted_at__isnull=True).first()
    if invoice is None:
        logger.warning("invoice e-mail skipped: invoice %s does not exist or was deleted", invoice_id)
        return
    if not invoice.customer_email:
        logger.info(
            "invoice e-mail skipped: invoice %s (%s) has no customer e-mail", invoice.pk, invoice.invoice_number
        )
        return

    issuer = invoice_issuer_name(invoice)
    context = {
        **seller_context(invoice),
        "invoice": invoice,
        "issuer_name": issuer,
        "total_amount": format_money(invoice.total_amount),
        "balance_due": format_money(invoice.outstanding),
        "attachment_name": invoice_attachment_filename(invoice),
    }
    message = EmailMultiAlternatives(
        # One line, whatever the owner typed: a line break in a header is refused by the mailer.
        subject=" ".join(f"Invoice {invoice.invoice_number} from {issuer}".split()),
        body=render_to_string(f"{TEMPLATE}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[invoice.customer_email],
        reply_to=[invoice.owner.email] if invoice.owner.email else None,
        headers={"Message-ID": message_id} if message_id else None,
    )
    message.attach_alternative(render_to_string(f"{TEMPLATE}.html", context), "text/html")
    message.attach(context["attachment_name"], render_invoice_pdf(invoice), "application/pdf")
    message.send()
    logger.info("invoice %s (%s) e-mailed to its customer", invoice.pk, invoice.invoice_number)
