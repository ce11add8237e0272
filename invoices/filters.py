"""FilterSets for invoice and customer lists, shared by the API, the pages and the CSV export
(through `invoices.selectors.invoice_list` and `customer_list`).

Every filter is strict: an unknown status, a malformed date or amount, or an unknown
ordering field is an error naming the valid values, never silently ignored. Statuses and
ordering fields are read regardless of case (seed 001 writes `PAID`), and text columns
sort regardless of case on every database, ties broken by id.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import django_filters
from django import forms
from django.db.models import F, Q, QuerySet
from django.db.models.expressions import OrderBy
from django.db.models.functions import Lower

from accounts.roles import visible_to
from invoices.models import Customer, Invoice, InvoiceStatus

if TYPE_CHECKING:
    from accounts.models import User

ORDERING_FIELDS = (
    "date_created",
    "issue_date",
    "due_date",
    "total_amount",
    "customer_name",
    "invoice_number",
    "status",
)
DEFAULT_ORDERING = "-date_created"
# Sorted by their lower-case form: SQLite (and PostgreSQL under the C collation) would
# put "smithers" after "Umbrella".
TEXT_ORDERING_FIELDS = frozenset({"customer_name", "invoice_number"})
CUSTOMER_ORDERING_FIELDS = ("name", "created_at", "updated_at")
CUSTOMER_TEXT_ORDERING_FIELDS = frozenset({"name"})  # "smithers" before "Umbrella" on every database


class RepeatedOrCommaSeparatedInput(forms.TextInput):
    """Reads `status=draft,sent` and `status=draft&status=sent` alike: every value given
    for the parameter, joined by commas, so a repeated parameter never loses all but its
    last value (what `QueryDict.get` would keep)."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        if hasattr(data, "getlist"):
            values = [value for value in data.getlist(name) if isinstance(value, str)]
            return ",".join(values) if values else None
        value = data.get(name)
        if isinstance(value, list | tuple):
            return ",".join(str(part) for part in value)
        return value


class CommaSeparatedStatusField(forms.CharField):
    widget = RepeatedOrCommaSeparatedInput

    def clean(self, value: Any) -> list[str]:
        value = super().clean(value)
        if not value:
            return []
        statuses = [part.strip().lower() for part in value.split(",") if part.strip()]
        unknown = [status for status in statuses if status not in InvoiceStatus.values]
        if unknown:
            raise forms.ValidationError(
                f"Unknown status {', '.join(unknown)}; valid values: {', '.join(InvoiceStatus.values)}."
            )
        return statuses


class StatusFilter(django_filters.Filter):
    field_class = CommaSeparatedStatusField

    def filter(self, qs: QuerySet, value: list[str]) -> QuerySet:
        return qs.filter(status__in=value) if value else qs


class OrderingField(forms.CharField):
    def clean(self, value: Any) -> list[str]:
        value = super().clean(value)
        if not value:
            return []
        terms = [part.strip().lower() for part in value.split(",") if part.strip()]
        unknown = [term for term in terms if term.lstrip("-") not in ORDERING_FIELDS]
        if unknown:
            valid = ", ".join(ORDERING_FIELDS)
            raise forms.ValidationError(
                f"Cannot order by {', '.join(unknown)}; valid fields: {valid} (prefix - for descending)."
            )
        return terms


class StrictDateField(forms.DateField):
    input_formats = ["%Y-%m-%d"]
    default_error_messages = {"invalid": "Enter a date as YYYY-MM-DD."}


class StrictDecimalField(forms.DecimalField):
    default_error_messages = {"invalid": "Enter a number, such as 100 or 99.50."}


# django-filter takes the form field from the Filter class (`field_class`), not from a
# keyword argument: a `field_class=` kwarg would be passed on to the form field and fail.
class StrictDateFilter(django_filters.DateFilter):
    field_class = StrictDateField


class StrictNumberFilter(django_filters.NumberFilter):
    field_class = StrictDecimalField


class OrderingFilter(django_filters.Filter):
    field_class = OrderingField


class InvoiceFilterSet(django_filters.FilterSet):
    status = StatusFilter(
        help_text="Statuses in any case, comma-separated or repeated: sent,overdue or status=sent&status=overdue."
    )
    customer = django_filters.ModelChoiceFilter(
        queryset=Customer.objects.all(),
        help_text="A customer id.",
    )
    customer_id = django_filters.ModelChoiceFilter(
        field_name="customer",
        queryset=Customer.objects.all(),
        help_text="Alias of customer: a customer id.",
    )
    customer_name = django_filters.CharFilter(lookup_expr="icontains")
    customer_email = django_filters.CharFilter(lookup_expr="icontains")
    created_after = StrictDateFilter(field_name="date_created", lookup_expr="date__gte")
    created_before = StrictDateFilter(field_name="date_created", lookup_expr="date__lte")
    due_after = StrictDateFilter(field_name="due_date", lookup_expr="gte")
    due_before = StrictDateFilter(field_name="due_date", lookup_expr="lte")
    date_from = StrictDateFilter(field_name="issue_date", lookup_expr="gte")
    date_to = StrictDateFilter(field_name="issue_date", lookup_expr="lte")
    min_amount = StrictNumberFilter(field_name="total_amount", lookup_expr="gte")
    max_amount = StrictNumberFilter(field_name="total_amount", lookup_expr="lte")
    currency = django_filters.CharFilter(method="filter_currency")
    search = django_filters.CharFilter(method="filter_search", help_text="Invoice number, customer or notes.")
    sort_by = django_filters.CharFilter(method="filter_ordering", help_text="Alias of ordering, with sort_order.")
    sort_order = django_filters.ChoiceFilter(
        choices=[("asc", "asc"), ("desc", "desc")], method="filter_ordering", help_text="asc or desc, with sort_by."
    )
    ordering = OrderingFilter(
        method="filter_ordering", help_text=f"One of {', '.join(ORDERING_FIELDS)}; '-' for descending."
    )

    class Meta:
        model = Invoice
        fields: list[str] = []

    def __init__(self, data: Any = None, *args: Any, user: User | None = None, **kwargs: Any) -> None:
        super().__init__(_with_sort_aliases(data), *args, **kwargs)
        if user is None and self.request is not None:
            user = getattr(self.request, "user", None)
        if user is not None:
            # Only customers the user may see are valid choices; another owner's id is "not a choice".
            for name in ("customer", "customer_id"):
                self.filters[name].queryset = visible_to(Customer.objects.all(), user)

    def filter_currency(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(currency=value.upper()) if value else qs

    def filter_search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(
            Q(invoice_number__icontains=value)
            | Q(customer_name__icontains=value)
            | Q(customer_email__icontains=value)
            | Q(notes__icontains=value)
        )

    def filter_ordering(self, qs: QuerySet, name: str, value: Any) -> QuerySet:
        return qs  # applied last, in `filter_queryset`, so ties are always broken by id

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        terms = self.form.cleaned_data.get("ordering") or [DEFAULT_ORDERING]
        tie_breaker = "-id" if terms[0].startswith("-") else "id"
        return queryset.order_by(*(order_by_term(term, TEXT_ORDERING_FIELDS) for term in terms), tie_breaker)


def order_by_term(term: str, text_fields: frozenset[str]) -> OrderBy:
    """`name` or `-name` as an ORDER BY expression; text fields by their lower-case form."""
    name = term.lstrip("-")
    expression = Lower(name) if name in text_fields else F(name)
    return expression.desc() if term.startswith("-") else expression.asc()


def _with_sort_aliases(data: Any) -> Any:
    """Accept `sort_by` + `sort_order=asc|desc` as aliases of `ordering`."""
    if data is None or ("sort_by" not in data and "sort_order" not in data):
        return data
    merged = data.copy()
    order = str(merged.get("sort_order", "asc")).strip().lower()
    if "sort_order" in merged:
        merged["sort_order"] = order  # ASC and Desc mean the same as asc and desc
    if "sort_by" in merged and "ordering" not in merged:
        sort_by = str(merged.get("sort_by", "")).strip()
        merged["ordering"] = f"-{sort_by}" if order == "desc" and sort_by else sort_by
    return merged


class CustomerOrderingField(forms.CharField):
    def clean(self, value: Any) -> list[str]:
        value = super().clean(value)
        terms = [part.strip() for part in (value or "").split(",") if part.strip()]
        unknown = [term for term in terms if term.lstrip("-") not in CUSTOMER_ORDERING_FIELDS]
        if unknown:
            raise forms.ValidationError(
                f"Cannot order by {', '.join(unknown)}; valid fields: {', '.join(CUSTOMER_ORDERING_FIELDS)} "
                "(prefix - for descending)."
            )
        return terms


class CustomerOrderingFilter(django_filters.Filter):
    field_class = CustomerOrderingField


class CustomerFilterSet(django_filters.FilterSet):
    search = django_filters.CharFilter(method="filter_search", help_text="Part of the name or e-mail.")
    ordering = CustomerOrderingFilter(
        method="filter_ordering",
        help_text=f"One of {', '.join(CUSTOMER_ORDERING_FIELDS)}; '-' for descending. Default name.",
    )

    class Meta:
        model = Customer
        fields: list[str] = []

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(email__icontains=value)) if value else queryset

    def filter_ordering(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        return queryset  # applied in `filter_queryset`, after every filter, with id breaking ties

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        terms = self.form.cleaned_data.get("ordering") or ["name"]
        tie_breaker = "-id" if terms[0].startswith("-") else "id"
        ordering = [order_by_term(term, CUSTOMER_TEXT_ORDERING_FIELDS) for term in terms]
        return super().filter_queryset(queryset).order_by(*ordering, tie_breaker)
