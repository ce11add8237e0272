"""Forms of the invoice and customer pages.

They parse what the user typed into Python values and show errors next to the fields;
every rule (required lines, positive quantities, unique names and numbers, dates, the
state machine) is decided by `invoices.services`, whose `InvalidInput` errors are put
back on the field that caused them with `add_service_errors`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, cast

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.forms import formset_factory

from core.currencies import ISO_4217_CODES
from core.errors import InvalidInput
from invoices.models import Customer, Invoice, InvoiceStatus, PaymentMethod
from invoices.money import format_quantity, format_unit_price

ITEMS_PREFIX = "items"


def _flatten(messages: Any) -> list[str]:
    if isinstance(messages, Mapping):
        return [text for value in messages.values() for text in _flatten(value)]
    if isinstance(messages, list | tuple):
        return [text for value in messages for text in _flatten(value)]
    return [str(messages)]


class ServiceErrorsMixin:
    """Show a service's `InvalidInput` errors on the matching fields (or above the form)."""

    #: service field name -> form field name, where they differ
    service_fields: dict[str, str] = {}
    #: service keys that carry data for API clients rather than a message
    ignored_service_keys: frozenset[str] = frozenset({"expected_total_amount"})

    def add_service_errors(self, error: InvalidInput, *, exclude: Iterable[str] = ()) -> None:
        form: forms.Form = self  # type: ignore[assignment]
        if not error.errors:
            form.add_error(None, error.detail)
            return
        for key, messages in error.errors.items():
            if key in self.ignored_service_keys or any(key == name or key.startswith(f"{name}[") for name in exclude):
                continue
            name = self.service_fields.get(key, key)
            form.add_error(name if name in form.fields else None, _flatten(messages))


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _decimal_input(**attrs: Any) -> forms.TextInput:
    # Text with a decimal keypad rather than type=number: the browser must not round or
    # refuse what the user typed before the server can say what is wrong with it.
    return forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", **attrs})


COMMON_CURRENCIES = ("USD", "EUR", "GBP")


def currency_choices(default: str | None = None) -> list[tuple[str, Any]]:
    """The currency select: the owner's default first, then USD, EUR and GBP, then every
    other ISO 4217 code alphabetically, in two labelled groups and with no code twice."""
    first = (default or settings.DEFAULT_CURRENCY).upper()
    common = [first, *(code for code in COMMON_CURRENCIES if code != first)]
    common = [code for code in common if code in ISO_4217_CODES]
    others = sorted(ISO_4217_CODES.difference(common))
    return [
        ("Common", [(code, code) for code in common]),
        ("All currencies", [(code, code) for code in others]),
    ]


# --- customers -----------------------------------------------------------------------------


class CustomerForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(max_length=200, widget=forms.TextInput(attrs={"autocomplete": "organization"}))
    email = forms.EmailField(
        label="E-mail address", required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    address = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    phone = forms.CharField(
        max_length=50, required=False, widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"})
    )
    tax_id = forms.CharField(label="Tax ID", max_length=50, required=False)
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    @classmethod
    def initial_for(cls, customer: Customer) -> dict[str, Any]:
        return {name: getattr(customer, name) for name in cls.base_fields}


# --- invoices ------------------------------------------------------------------------------


class InvoiceForm(ServiceErrorsMixin, forms.Form):
    """The invoice's own fields. The customer is one of the user's, or typed inline."""

    service_fields = {"customer_id": "customer", "total_amount": "__all__"}

    customer = forms.ModelChoiceField(
        queryset=Customer.objects.none(),
        required=False,
        empty_label="New customer…",
        help_text="One of your customers, or “New customer…” and type the name.",
    )
    customer_name = forms.CharField(
        label="New customer's name",
        max_length=200,
        required=False,
        help_text="An existing customer with this name is reused.",
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    customer_email = forms.EmailField(
        label="Billing e-mail",
        required=False,
        help_text="Leave empty to use the customer's.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    customer_address = forms.CharField(
        label="Billing address",
        required=False,
        help_text="Leave empty to use the customer's.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    invoice_number = forms.CharField(
        label="Invoice number",
        max_length=40,
        required=False,
        help_text="Leave empty for a number like INV-202501-7KQ2ZD.",
    )
    # Chosen from the list, checked by the service: an unknown code gets its message.
    currency = forms.CharField(widget=forms.Select(choices=currency_choices()))
    issue_date = forms.DateField(label="Issue date", required=False, widget=_date_input())
    due_date = forms.DateField(
        label="Due date", required=False, widget=_date_input(), help_text="Leave empty for 30 days after issue."
    )
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    # The total the page showed the user; the service refuses the save if its own differs.
    expected_total = forms.DecimalField(required=False, widget=forms.HiddenInput())

    def __init__(
        self, *args: Any, customers: QuerySet[Customer], default_currency: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["customer"]).queryset = customers
        currency = (default_currency or settings.DEFAULT_CURRENCY).upper()
        self.fields["currency"].widget.choices = currency_choices(currency)
        self.fields["currency"].initial = currency

    @staticmethod
    def initial_for(invoice: Invoice) -> dict[str, Any]:
        return {
            "customer": invoice.customer_id,
            "customer_email": invoice.customer_email,
            "customer_address": invoice.customer_address,
            "invoice_number": invoice.invoice_number,
            "currency": invoice.currency,
            "issue_date": invoice.issue_date,
            "due_date": invoice.due_date,
            "notes": invoice.notes,
        }

    def customer_arguments(self) -> dict[str, Any]:
        """`customer_id` of a chosen customer, else the typed name: as the services take them."""
        data = self.cleaned_data
        customer = data.get("customer")
        arguments: dict[str, Any] = {
            "customer_email": data.get("customer_email") or "",
            "customer_address": data.get("customer_address") or "",
        }
        if customer is not None:
            arguments["customer_id"] = customer.pk
        else:
            arguments["customer_name"] = data.get("customer_name") or ""
        return arguments


class LineItemForm(forms.Form):
    """One line of the item table, as typed. Every field is text here: a line left blank
    is dropped, and whether a filled line's numbers are numbers, signs and places included,
    is said by the service on that line, in the words the API and the admin use too."""

    description = forms.CharField(required=False)
    quantity = forms.CharField(required=False, initial="1", widget=_decimal_input(size=6))
    unit_price = forms.CharField(label="Unit price", required=False, widget=_decimal_input(size=9))
    discount_percent = forms.CharField(label="Discount %", required=False, initial="0", widget=_decimal_input(size=5))
    tax_rate = forms.CharField(label="Tax %", required=False, initial="0", widget=_decimal_input(size=5))

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not (data.get("description") or "").strip() and not (data.get("unit_price") or "").strip()

    def as_item(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {name: data.get(name) or "" for name in LINE_FIELDS}


LINE_FIELDS = ("description", "quantity", "unit_price", "discount_percent", "tax_rate")
_LINE_KEY = re.compile(r"^items\[(?P<index>\d+)\](?:\.(?P<field>\w+))?$")


class BaseLineItemFormSet(forms.BaseFormSet):
    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        # Lines the user emptied are dropped by `is_blank`, not by the formset's
        # "unchanged extra form" rule, which would also drop untouched existing lines.
        return {**super().get_form_kwargs(index), "empty_permitted": False}

    def filled_forms(self) -> list[LineItemForm]:
        return [form for form in self.forms if not form.is_blank()]

    def items(self) -> list[dict[str, Any]]:
        return [form.as_item() for form in self.filled_forms()]

    def add_service_errors(self, error: InvalidInput) -> bool:
        """Put each `items[i].field` error on the i-th filled line's field, and `items`
        errors above the table; True if any were placed."""
        placed = False
        filled = self.filled_forms()
        for key, messages in (error.errors or {}).items():
            match = _LINE_KEY.match(key)
            if key == "items":
                self._non_form_errors = self.error_class(_flatten(messages))
                placed = True
            elif match and int(match["index"]) < len(filled):
                form = filled[int(match["index"])]
                field = match["field"]
                form.add_error(field if field in form.fields else None, _flatten(messages))
                placed = True
        return placed


# `formset_factory` returns a subclass of `formset`; the stubs only promise a BaseFormSet.
LineItemFormSet = cast(
    "type[BaseLineItemFormSet]",
    formset_factory(LineItemForm, formset=BaseLineItemFormSet, extra=0, max_num=500, absolute_max=500),
)


def line_item_initial(invoice: Invoice) -> list[dict[str, Any]]:
    return [
        {
            "description": line.description,
            "quantity": format_quantity(line.quantity),
            "unit_price": format_unit_price(line.unit_price),
            "discount_percent": format_quantity(line.discount_percent),
            "tax_rate": format_quantity(line.tax_rate),
        }
        for line in invoice.items.all()
    ]


# --- actions on the detail page -------------------------------------------------------------


class RejectForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(
        label="Reason for rejecting",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The owner sees this reason.",
    )


class PaymentForm(ServiceErrorsMixin, forms.Form):
    amount = forms.DecimalField(widget=_decimal_input())
    paid_at = forms.DateField(label="Paid on", required=False, widget=_date_input(), help_text="Empty for today.")
    method = forms.ChoiceField(choices=PaymentMethod.choices, initial=PaymentMethod.BANK_TRANSFER)
    reference = forms.CharField(max_length=200, required=False)


class CreditNoteForm(ServiceErrorsMixin, forms.Form):
    """One credited line from the invoice page; the API takes any number of lines."""

    # The service names the line's fields by path; this form's one line is line 0.
    service_fields = {f"items[0].{name}": name for name in ("description", "quantity", "unit_price", "tax_rate")}

    reason = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    description = forms.CharField(max_length=500)
    quantity = forms.DecimalField(initial=1, widget=_decimal_input())
    unit_price = forms.DecimalField(label="Unit price", widget=_decimal_input())
    tax_rate = forms.DecimalField(label="Tax rate (%)", initial=0, widget=_decimal_input())

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        line = {name: data[name] for name in ("description", "quantity", "unit_price", "tax_rate")}
        return {"reason": data["reason"], "items": [line]}


def _filter_date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"})


SORT_CHOICES = [
    ("-date_created", "Newest first"),
    ("date_created", "Oldest first"),
    ("due_date", "Due date, soonest first"),
    ("-due_date", "Due date, latest first"),
    ("-total_amount", "Total, largest first"),
    ("total_amount", "Total, smallest first"),
    ("customer_name", "Customer, A to Z"),
    ("-customer_name", "Customer, Z to A"),
    ("invoice_number", "Invoice number"),
    ("status", "Status"),
]


class StatusCheckboxes(forms.CheckboxSelectMultiple):
    """The list's status filter as checkboxes: several states at once without script.
    Reads `status=draft,sent` and repeated `status=` alike, as the API's filter does."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[str]:
        values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name) or ""]
        return [part.strip().lower() for value in values for part in str(value).split(",") if part.strip()]


class ShownStatusField(forms.MultipleChoiceField):
    """Only shows what was asked: the selector judges the values and names a bad one."""

    def validate(self, value: Any) -> None:
        return None


class InvoiceFilterForm(ServiceErrorsMixin, forms.Form):
    """The list page's filters, named as the API's query parameters.

    Only for showing the fields with what the user typed and the selector's errors
    beside them: the values go to `selectors.invoice_list` untouched, which decides.
    """

    search = forms.CharField(
        required=False, help_text="Number, customer or notes.", widget=forms.TextInput(attrs={"type": "search"})
    )
    status = ShownStatusField(required=False, widget=StatusCheckboxes(), help_text="None ticked: any status.")
    customer = forms.CharField(required=False, widget=forms.HiddenInput())
    customer_name = forms.CharField(label="Customer", required=False)
    currency = forms.CharField(required=False, widget=forms.TextInput(attrs={"size": 4, "autocomplete": "off"}))
    created_after = forms.CharField(label="Created from", required=False, widget=_filter_date_input())
    created_before = forms.CharField(label="Created until", required=False, widget=_filter_date_input())
    due_after = forms.CharField(label="Due from", required=False, widget=_filter_date_input())
    due_before = forms.CharField(label="Due until", required=False, widget=_filter_date_input())
    min_amount = forms.CharField(label="Total from", required=False, widget=_decimal_input())
    max_amount = forms.CharField(label="Total up to", required=False, widget=_decimal_input())
    ordering = forms.CharField(label="Sort by", required=False, widget=forms.Select())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        asked = self["status"].value() if self.is_bound else []
        choices = list(InvoiceStatus.choices)
        # A state typed into the address that is not one: kept visible (checked) beside its error.
        choices += [(value, value) for value in asked if value not in InvoiceStatus.values]
        cast(forms.MultipleChoiceField, self.fields["status"]).choices = choices
        ordering = self.data.get("ordering", "") if self.is_bound else ""
        sort_choices = list(SORT_CHOICES)
        if ordering and ordering not in dict(SORT_CHOICES):
            sort_choices.append((ordering, ordering))
        self.fields["ordering"].widget.choices = sort_choices

    def show_errors(self, error: InvalidInput) -> None:
        self.full_clean()
        self.add_service_errors(error)


class InvoiceSearchForm(forms.Form):
    number = forms.CharField(label="Invoice number", max_length=40, widget=forms.TextInput(attrs={"type": "search"}))
