"""The Billing project package. The Celery app is imported so `shared_task` binds to it."""

from billing.celery import app as celery_app

__all__ = ("celery_app",)
