"""Changelist filters that the built-in field filters cannot express."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from invoices.models import PAYABLE_STATES

if TYPE_CHECKING:
    from django.contrib.admin.filters import _ListFilterChoices  # the stubs' shape of one choice
    from django.contrib.admin.views.main import ChangeList

DUE_SOON_DAYS = 7


class DeletedFilter(admin.SimpleListFilter):
    """Soft-deleted rows stay for the audit trail but are hidden unless asked for."""

    title = "deleted"
    parameter_name = "deleted"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "Deleted only"), ("all", "All, including deleted")]

    def choices(self, changelist: ChangeList) -> Iterator[_ListFilterChoices]:
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": "Not deleted",
        }
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "yes":
            return queryset.filter(deleted_at__isnull=False)
        if self.value() == "all":
            return queryset
        return queryset.filter(deleted_at__isnull=True)


class PaymentDueFilter(admin.SimpleListFilter):
    """Invoices waiting for money (sent or overdue), by how urgent they are."""

    title = "payment due"
    parameter_name = "payment_due"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [
            ("past_due", "Past due, unpaid"),
            ("soon", f"Due within {DUE_SOON_DAYS} days"),
            ("open", "Awaiting payment"),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() not in {"past_due", "soon", "open"}:
            return queryset
        today = timezone.localdate()
        awaiting = queryset.filter(status__in=PAYABLE_STATES)
        if self.value() == "past_due":
            return awaiting.filter(due_date__lt=today)
        if self.value() == "soon":
            return awaiting.filter(due_date__gte=today, due_date__lte=today + timedelta(days=DUE_SOON_DAYS))
        return awaiting
