"""Credit notes in the back office: read-only (they are final documents, issued by the
invoice's owner through `credit_note_create`), with their lines, and inline on the invoice."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from invoices.admin.display import money
from invoices.models import CreditNote, CreditNoteItem


class _ReadOnly:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CreditNoteItemInline(_ReadOnly, admin.TabularInline):
    model = CreditNoteItem
    extra = 0
    fields = ("line_number", "description", "quantity", "unit_price", "discount_percent", "tax_rate", "line_total")
    readonly_fields = fields


@admin.register(CreditNote)
class CreditNoteAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ("number", "invoice", "owner", "issue_date", "total_display", "created_at")
    list_filter = ("currency", "issue_date")
    search_fields = ("number", "invoice__invoice_number", "reason", "owner__username")
    list_select_related = ("invoice", "owner")
    date_hierarchy = "created_at"
    fields = (
        "number",
        "invoice",
        "owner",
        "reason",
        "currency",
        "issue_date",
        "subtotal",
        "tax_amount",
        "total_amount",
        "created_by",
        "created_at",
    )
    readonly_fields = fields
    inlines = (CreditNoteItemInline,)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_active and request.user.is_staff

    @admin.display(description="total", ordering="total_amount")
    def total_display(self, credit_note: CreditNote) -> str:
        return money(credit_note.total_amount, credit_note.currency)


class CreditNoteInline(_ReadOnly, admin.TabularInline):
    model = CreditNote
    extra = 0
    show_change_link = True
    fields = ("number", "issue_date", "reason", "total_amount", "created_by")
    readonly_fields = fields
    ordering = ("created_at", "id")
