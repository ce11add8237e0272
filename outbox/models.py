"""The transactional outbox: side effects written down in the transaction that causes them.

A service that must have an effect outside the database (an e-mail, a webhook) writes an
`OutboxMessage` in its own transaction. The row commits with the state change or not at
all, so an outage of Redis or the mail server after the commit can delay the effect but
never lose it; the relay (`outbox.services`) delivers each row until it succeeds.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class OutboxStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed (gave up)"


class OutboxMessage(models.Model):
    kind = models.CharField(max_length=64, help_text="Which handler delivers it (settings.OUTBOX_HANDLERS).")
    idempotency_key = models.CharField(
        max_length=200,
        unique=True,
        help_text="One effect, one key: the receiver sees it with every attempt and can drop repeats.",
    )
    payload = models.JSONField(default=dict)
    status = models.CharField(max_length=16, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True, default="")
    available_at = models.DateTimeField(default=timezone.now, help_text="Not tried again before this time.")
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("id",)
        indexes = [
            models.Index(
                fields=("available_at", "id"),
                name="outbox_pending_due_idx",
                condition=models.Q(status="pending"),
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "delivered", "failed"]),
                name="outbox_status_valid",
                violation_error_message="An outbox message is pending, delivered or failed.",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="delivered") | models.Q(delivered_at__isnull=False),
                name="outbox_delivered_has_time",
                violation_error_message="A delivered message records when it was delivered.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.idempotency_key} ({self.status})"
