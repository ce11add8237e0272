"""The outbox in the back office: read-only, to see what is waiting and why."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from outbox.models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ("id", "kind", "status", "attempts", "available_at", "created_at", "delivered_at")
    list_filter = ("status", "kind")
    search_fields = ("idempotency_key",)
    readonly_fields = [field.name for field in OutboxMessage._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: OutboxMessage | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: OutboxMessage | None = None) -> bool:
        return False
