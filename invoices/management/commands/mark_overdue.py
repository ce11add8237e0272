"""`manage.py mark_overdue`: the same sweep the beat schedule runs, on demand."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from invoices.services import invoices_mark_overdue


class Command(BaseCommand):
    help = "Mark sent invoices whose due date has passed as overdue."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=date.fromisoformat, help="Treat this date (YYYY-MM-DD) as today.")

    def handle(self, *args: Any, **options: Any) -> None:
        moved = invoices_mark_overdue(today=options.get("today"))
        self.stdout.write(self.style.SUCCESS(f"{moved} invoice(s) marked overdue."))
