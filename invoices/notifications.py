"""The e-mail a customer receives when an invoice is sent: a short note with the PDF.

`services.invoice_transition` queues `tasks.invoice_email_send_task` on commit when an
invoice is sent, and the task calls `invoice_email_send`. A rolled-back send therefore
never e-mails anyone, and a slow PDF render never holds the request.
"""

from __future__ import annotations

import logging
import re

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from invoices.models import Invoice
from invoices.money import format_money
from invoices.pdf import invoice_issuer_name, render_invoice_pdf, seller_context

logger = logging.getLogger(__name__)

TEMPLATE = "emails/invoices/invoice_sent"
_UNSAFE_FILENAME_CHARACTERS = re.compile(r"[^A-Za-z0-9._-]+")


def invoice_attachment_filename(invoice: Invoice) -> str:
    """`<invoice_number>.pdf`, with anything a mail client or file system could
    misread (slashes, quotes, spaces) replaced, since owners may choose the number."""
    stem = _UNSAFE_FILENAME_CHARACTERS.sub("-", invoice.invoice_number).strip(".-") or f"invoice-{invoice.pk}"
    return f"{stem}.pdf"


def invoice_email_send(*, invoice_id: int) -> None:
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
    )
    message.attach_alternative(render_to_string(f"{TEMPLATE}.html", context), "text/html")
    message.attach(context["attachment_name"], render_invoice_pdf(invoice), "application/pdf")
    message.send()
    logger.info("invoice %s (%s) e-mailed to its customer", invoice.pk, invoice.invoice_number)
