"""Customers (edited through the services), payments and the audit trail (read-only)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.safestring import SafeString

from invoices import services
from invoices.admin.common import ServiceErrorsAsMessagesMixin, ServiceModelForm
from invoices.admin.display import money, optional_status_badge
from invoices.admin.list_filters import DeletedFilter
from invoices.models import Customer, InvoiceEvent, Payment

CUSTOMER_FIELDS = ("name", "email", "address", "phone", "tax_id", "notes")


class CustomerAdminForm(ServiceModelForm):
    """Shapes only: `services.customer_create`/`customer_update` check names (unique per owner)."""

    class Meta:
        model = Customer
        fields = ("owner", *CUSTOMER_FIELDS)


@admin.register(Customer)
class CustomerAdmin(ServiceErrorsAsMessagesMixin, admin.ModelAdmin):
    form = CustomerAdminForm
    list_display = ("name", "owner", "email", "phone", "tax_id", "created_at")
    list_filter = (DeletedFilter, ("owner", admin.RelatedOnlyFieldListFilter))
    search_fields = ("name", "email", "tax_id", "phone")
    list_select_related = ("owner",)
    show_full_result_count = False
    raw_id_fields = ("owner",)
    fields = ("owner", *CUSTOMER_FIELDS, "created_at", "updated_at", "deleted_at")
    readonly_fields = ("created_at", "updated_at", "deleted_at")
    actions = ["soft_delete_selected"]

    def get_readonly_fields(self, request: HttpRequest, obj: Customer | None = None) -> tuple[str, ...]:
        # A customer belongs to one owner for life: their invoices copy its details.
        return (*self.readonly_fields, "owner") if obj is not None else self.readonly_fields

    def has_delete_permission(self, request: HttpRequest, obj: Customer | None = None) -> bool:
        return False  # rows stay (invoices point at them); use the soft-delete action

    def has_soft_delete_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("invoices.delete_customer")

    def save_model(self, request: HttpRequest, obj: Customer, form: Any, change: bool) -> None:
        values = {name: form.cleaned_data.get(name, "") for name in CUSTOMER_FIELDS}
        if change:
            changed = {name: values[name] for name in form.changed_data if name in CUSTOMER_FIELDS}
            services.customer_update(customer=obj, data=changed)
            return
        created = services.customer_create(owner=form.cleaned_data["owner"], **values)
        # The admin goes on with `obj` (log entry, redirect): make it the saved row.
        obj.pk = created.pk
        obj.created_at, obj.updated_at = created.created_at, created.updated_at
        obj._state.adding = False
        obj._state.db = created._state.db

    @admin.action(description="Delete selected customers (their invoices keep them)", permissions=["soft_delete"])
    def soft_delete_selected(self, request: HttpRequest, queryset: QuerySet[Customer]) -> None:
        count = 0
        for customer in queryset.filter(deleted_at__isnull=True):
            services.customer_delete(customer=customer)
            count += 1
        messages.success(request, f"Deleted {count} customer{'s' if count != 1 else ''}.")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written only by the services: browsable, never added, edited or removed here."""

    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    """Payments are recorded on the invoice (site, API, or its "Record full payment"
    button), where the balance rules are checked."""

    list_display = ("invoice", "amount_display", "method", "reference", "paid_at", "recorded_by")
    list_filter = ("method", "paid_at")
    search_fields = ("invoice__invoice_number", "reference")
    date_hierarchy = "paid_at"
    list_select_related = ("invoice", "recorded_by")

    @admin.display(description="amount", ordering="amount")
    def amount_display(self, payment: Payment) -> str:
        return money(payment.amount, payment.invoice.currency)


@admin.register(InvoiceEvent)
class InvoiceEventAdmin(ReadOnlyAdmin):
    """The append-only audit trail."""

    list_display = ("created_at", "invoice", "kind", "transition", "from_display", "to_display", "actor", "reason")
    list_filter = ("kind", "transition", "created_at")
    search_fields = ("invoice__invoice_number", "reason")
    date_hierarchy = "created_at"
    list_select_related = ("invoice", "actor")

    @admin.display(description="from", ordering="from_status")
    def from_display(self, event: InvoiceEvent) -> SafeString | str:
        return optional_status_badge(event.from_status)

    @admin.display(description="to", ordering="to_status")
    def to_display(self, event: InvoiceEvent) -> SafeString | str:
        return optional_status_badge(event.to_status)
