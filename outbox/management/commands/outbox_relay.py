"""`manage.py outbox_relay`: deliver every due outbox message now, without a broker."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from outbox.models import OutboxMessage, OutboxStatus
from outbox.services import outbox_deliver_due


class Command(BaseCommand):
    help = "Deliver every pending outbox message that is due (what beat's sweep does)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=None, help="At most this many messages.")

    def handle(self, *args: Any, limit: int | None, **options: Any) -> None:
        delivered = outbox_deliver_due(limit=limit)
        pending = OutboxMessage.objects.filter(status=OutboxStatus.PENDING).count()
        self.stdout.write(f"Delivered {delivered} outbox message(s); {pending} pending.")
