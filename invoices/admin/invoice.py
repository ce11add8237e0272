"""The invoice back office: the changelist staff work from, the change page, inlines.

Status and every amount are read-only. A draft's fields and lines can be edited here,
and the save goes through `services.invoice_update` (one call, one audit event, the
server computing every total). Once an invoice leaves draft its page is read-only and
changes happen only through the transition buttons. Invoices are not added here: their
owners create them on the site or through the API, where each starts as a draft.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import construct_change_message
from django.db.models import QuerySet
from django.forms.formsets import BaseFormSet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.urls import URLPattern
from django.utils.safestring import SafeString

from accounts.authenticated import acting_user
from accounts.roles import is_approver
from core.currencies import ISO_4217_CODES
from core.errors import InvalidInput
from invoices import services
from invoices.admin.common import (
    ServiceErrorsAsMessagesMixin,
    ServiceModelForm,
    add_line_errors,
    service_error_of,
)
from invoices.admin.credit_notes import CreditNoteInline
from invoices.admin.display import money, optional_status_badge, status_badge
from invoices.admin.list_filters import DeletedFilter, PaymentDueFilter
from invoices.admin.transitions import InvoiceTransitionsMixin
from invoices.models import Invoice, InvoiceEvent, LineItem, Payment
from invoices.money import format_quantity, format_unit_price

# What `services.invoice_update` accepts from this form.
EDITABLE_FIELDS = (
    "invoice_number",
    "currency",
    "issue_date",
    "due_date",
    "customer_name",
    "customer_email",
    "customer_address",
    "notes",
)
ITEM_FIELDS = ("description", "quantity", "unit_price", "discount_percent", "tax_rate")


class InvoiceAdminForm(ServiceModelForm):
    """The draft's own fields; `services.invoice_update` checks them with the lines."""

    foreign_service_keys = ("items",)  # shown on the lines inline
    currency = forms.CharField(widget=forms.Select(choices=[(code, code) for code in sorted(ISO_4217_CODES)]))

    class Meta:
        model = Invoice
        fields = EDITABLE_FIELDS


class _InvoicePartInline(admin.TabularInline):
    """Inlines follow the invoice: visible to whoever may view it, editable only
    while the invoice itself is (a live draft, for a user who may change invoices)."""

    extra = 0
    show_change_link = False

    def _invoice_admin(self) -> Any:
        return self.admin_site.get_model_admin(Invoice)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._invoice_admin().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _number_input() -> forms.TextInput:
    return forms.TextInput(attrs={"inputmode": "decimal", "size": 10})


class LineItemForm(ServiceModelForm):
    """One line as typed: text the service parses and checks (signs, ranges, places), as
    on the invoice page and in the API. Numbers show as they were given (`1.459`)."""

    description = forms.CharField(required=False, widget=forms.TextInput(attrs={"size": 40}))
    quantity = forms.CharField(required=False, widget=_number_input())
    unit_price = forms.CharField(required=False, widget=_number_input())
    discount_percent = forms.CharField(required=False, widget=_number_input())
    tax_rate = forms.CharField(required=False, widget=_number_input())

    class Meta:
        model = LineItem
        fields = ITEM_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            # As text, the way the page renders them, so an untouched line compares as unchanged.
            self.initial["quantity"] = format_quantity(self.instance.quantity)
            self.initial["unit_price"] = format_unit_price(self.instance.unit_price)
            self.initial["discount_percent"] = format_quantity(self.instance.discount_percent)
            self.initial["tax_rate"] = format_quantity(self.instance.tax_rate)

    def _post_clean(self) -> None:
        """Nothing to put on the row: the service rewrites the lines from `cleaned_data`."""


class LineItemFormSet(BaseInlineFormSet):
    """The lines inline. After a refused save it shows each `items[i].field` message on
    the i-th line the admin sent to the service, and messages about all lines above them."""

    service_error: InvalidInput | None = None

    def sent_forms(self) -> list[forms.BaseForm]:
        """The lines the save sends, in order: kept existing lines and filled new ones."""
        deleted = set(self.deleted_forms)
        return [
            line_form
            for line_form in self.forms
            if line_form not in deleted and (line_form.instance.pk is not None or line_form.has_changed())
        ]

    def clean(self) -> None:
        super().clean()
        if self.service_error is not None:
            unplaced = add_line_errors(self.sent_forms(), self.service_error, prefix="items")
            if unplaced:
                raise forms.ValidationError(unplaced)


class LineItemInline(_InvoicePartInline):
    model = LineItem
    form = LineItemForm
    formset = LineItemFormSet
    fields = (
        "line_number",
        "description",
        "quantity",
        "unit_price",
        "discount_percent",
        "tax_rate",
        "line_total_display",
    )
    readonly_fields = ("line_number", "line_total_display")
    ordering = ("line_number", "id")

    def get_queryset(self, request: HttpRequest) -> QuerySet[LineItem]:
        return super().get_queryset(request).select_related("invoice")

    @admin.display(description="line total")
    def line_total_display(self, line: LineItem) -> str:
        return money(line.line_total, line.invoice.currency) if line.pk else "-"

    def _editable(self, request: HttpRequest, obj: Any) -> bool:
        return obj is not None and self._invoice_admin().has_change_permission(request, obj)

    def get_extra(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> int:
        return 1 if self._editable(request, obj) else 0

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        error = service_error_of(request)
        return formset if error is None else type(formset.__name__, (formset,), {"service_error": error})

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(request, obj)


class PaymentInline(_InvoicePartInline):
    model = Payment
    fields = ("paid_at", "amount_display", "method", "reference", "recorded_by", "created_at")
    readonly_fields = fields
    ordering = ("paid_at", "id")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Payment]:
        return super().get_queryset(request).select_related("recorded_by", "invoice")

    @admin.display(description="amount")
    def amount_display(self, payment: Payment) -> str:
        return money(payment.amount, payment.invoice.currency)


class InvoiceEventInline(_InvoicePartInline):
    model = InvoiceEvent
    verbose_name = "event"
    verbose_name_plural = "audit trail"
    fields = ("created_at", "kind", "transition", "from_display", "to_display", "actor", "reason", "data")
    readonly_fields = fields
    ordering = ("created_at", "id")

    def get_queryset(self, request: HttpRequest) -> QuerySet[InvoiceEvent]:
        return super().get_queryset(request).select_related("actor")

    @admin.display(description="from")
    def from_display(self, event: InvoiceEvent) -> SafeString | str:
        return optional_status_badge(event.from_status)

    @admin.display(description="to")
    def to_display(self, event: InvoiceEvent) -> SafeString | str:
        return optional_status_badge(event.to_status)


@admin.register(Invoice)
# The mixin's `actions` are names only; django-stubs wants the admin's own Sequence type.
class InvoiceAdmin(InvoiceTransitionsMixin, ServiceErrorsAsMessagesMixin, admin.ModelAdmin):  # type: ignore[misc]
    form = InvoiceAdminForm
    # Seven columns that fit 1366 px beside the navigation and the filters; the creation date
    # is in the date drill-down above the list (date_hierarchy) and in each invoice.
    list_display = (
        "invoice_number",
        "status_display",
        "customer_name",
        "owner",
        "total_display",
        "balance_display",
        "due_display",
    )
    list_display_links = ("invoice_number",)
    list_filter = (
        DeletedFilter,
        "status",
        PaymentDueFilter,
        "currency",
        ("owner", admin.RelatedOnlyFieldListFilter),
        "due_date",
        "source",
    )
    search_fields = ("invoice_number", "customer_name", "customer_email", "notes")
    search_help_text = "Search by invoice number, customer name or e-mail, or notes."
    date_hierarchy = "date_created"
    list_select_related = ("owner",)
    list_per_page = 50
    show_full_result_count = False
    inlines = (LineItemInline, PaymentInline, CreditNoteInline, InvoiceEventInline)
    readonly_fields = (
        "status_display",
        "source",
        "owner",
        "customer",
        "subtotal_display",
        "tax_display",
        "total_display",
        "paid_display",
        "balance_display",
        "submitted_at",
        "approved_at",
        "approved_by",
        "sent_at",
        "paid_at",
        "cancelled_at",
        "rejection_reason",
        "date_created",
        "updated_at",
        "version",
        "deleted_at",
    )
    fieldsets = (
        (
            None,
            {"fields": ("invoice_number", "status_display", "owner", "source", "currency", ("issue_date", "due_date"))},
        ),
        ("Customer", {"fields": ("customer", "customer_name", "customer_email", "customer_address")}),
        (
            "Amounts",
            {"fields": ("subtotal_display", "tax_display", "total_display", "paid_display", "balance_display")},
        ),
        ("Notes", {"fields": ("notes",)}),
        (
            "Workflow",
            {
                "fields": (
                    "submitted_at",
                    "approved_at",
                    "approved_by",
                    "sent_at",
                    "paid_at",
                    "cancelled_at",
                    "rejection_reason",
                )
            },
        ),
        ("Record", {"classes": ("collapse",), "fields": ("date_created", "updated_at", "version", "deleted_at")}),
    )

    # --- columns ---------------------------------------------------------------------------

    @admin.display(description="status", ordering="status")
    def status_display(self, invoice: Invoice) -> SafeString:
        return status_badge(invoice.status)

    @admin.display(description="subtotal")
    def subtotal_display(self, invoice: Invoice) -> str:
        return money(invoice.subtotal, invoice.currency)

    @admin.display(description="tax")
    def tax_display(self, invoice: Invoice) -> str:
        return money(invoice.tax_amount, invoice.currency)

    @admin.display(description="paid")
    def paid_display(self, invoice: Invoice) -> str:
        return money(invoice.amount_paid, invoice.currency)

    @admin.display(description="total", ordering="total_amount")
    def total_display(self, invoice: Invoice) -> str:
        return money(invoice.total_amount, invoice.currency)

    @admin.display(description="due", ordering="due_date")
    def due_display(self, invoice: Invoice) -> str:
        """ISO dates are a third as wide as "Dec. 31, 2026" and sort as they read."""
        return invoice.due_date.isoformat() if invoice.due_date else "-"

    @admin.display(description="balance due", ordering="balance_due")
    def balance_display(self, invoice: Invoice) -> str:
        return money(invoice.outstanding, invoice.currency)

    # --- who may do what ---------------------------------------------------------------------

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Approvers work from this page, so holding `approve_invoice` is enough to see it."""
        return super().has_view_permission(request, obj) or is_approver(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Invoice | None = None) -> bool:
        """Only live drafts are editable; every other change is a transition."""
        allowed = super().has_change_permission(request, obj)
        if obj is not None:
            return allowed and obj.is_editable and obj.deleted_at is None
        return allowed

    def has_delete_permission(self, request: HttpRequest, obj: Invoice | None = None) -> bool:
        return False

    # --- the change page ---------------------------------------------------------------------

    def get_urls(self) -> list[URLPattern]:
        return self.transition_urls() + super().get_urls()

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Invoice | None = None,
    ) -> Any:
        if obj is not None:
            context["transition_buttons"] = self.transition_buttons(request, obj)
            context["status_badge"] = status_badge(obj.status)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request: HttpRequest, obj: Invoice, form: forms.ModelForm, change: bool) -> None:
        """Nothing is written here: `save_related` sends fields and lines to the
        service together, so one edit is one update and one audit event."""

    def save_related(self, request: HttpRequest, form: forms.ModelForm, formsets: list[Any], change: bool) -> None:
        data = {name: form.cleaned_data[name] for name in form.changed_data if name in EDITABLE_FIELDS}
        items = self._items_from(formsets)
        if data or items is not None:
            services.invoice_update(invoice_id=form.instance.pk, actor=acting_user(request), data=data, items=items)

    @staticmethod
    def _items_from(formsets: Iterable[Any]) -> list[dict[str, Any]] | None:
        """The complete new list of lines if any line was added, changed or removed."""
        formset = next((each for each in formsets if each.model is LineItem), None)
        if formset is None or not formset.has_changed():
            return None
        return [{name: line_form.cleaned_data[name] for name in ITEM_FIELDS} for line_form in formset.sent_forms()]

    def construct_change_message(
        self, request: HttpRequest, form: forms.Form, formsets: Iterable[BaseFormSet[Any]], add: bool = False
    ) -> list[dict[str, Any]]:
        # The lines were rewritten by the service, not saved by the formsets.
        message = construct_change_message(form, [], add)
        if self._items_from(formsets) is not None:
            message.append({"changed": {"fields": ["line items"]}})
        return message
