"""Celery tasks: load by id, call a service, nothing more."""

from __future__ import annotations

from celery import shared_task


@shared_task
def invoices_mark_overdue_task() -> int:
    """Periodic (beat): move sent invoices past their due date to overdue."""
    from invoices.services import invoices_mark_overdue

    return invoices_mark_overdue()
