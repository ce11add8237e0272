"""Celery tasks: load by id, call a service, nothing more."""

from __future__ import annotations

from celery import shared_task


@shared_task(autoretry_for=(ConnectionError, TimeoutError), retry_backoff=True, max_retries=5)
def invoice_email_send_task(invoice_id: int) -> None:
    """E-mail the customer the invoice PDF (queued when the invoice is sent)."""
    from invoices.notifications import invoice_email_send

    invoice_email_send(invoice_id=invoice_id)


@shared_task
def invoices_mark_overdue_task() -> int:
    """Periodic (beat): move sent invoices past their due date to overdue."""
    from invoices.services import invoices_mark_overdue

    return invoices_mark_overdue()
