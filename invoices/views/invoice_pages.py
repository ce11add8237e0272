"""The invoice list, the create and edit forms, search by number, and the home redirect."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from accounts.authenticated import AuthenticatedHttpRequest
from core.errors import Conflict, DomainError, InvalidInput, NotFound, PreconditionFailed
from invoices import selectors, services
from invoices.forms import (
    ITEMS_PREFIX,
    InvoiceFilterForm,
    InvoiceForm,
    InvoiceSearchForm,
    LineItemFormSet,
    line_item_initial,
)
from invoices.models import Invoice
from invoices.views.common import customers_owned_by, invoice_or_404, page_of, sort_columns

FORM_TEMPLATE = "invoices/invoice_form.html"


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The dashboard for people signed in, the login page for everyone else."""
    return redirect("/dashboard/" if request.user.is_authenticated else reverse("accounts:login"))


@login_required
@require_GET
def invoice_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The API's filters, sorting and paging, in the query string; bad filters are shown
    next to their fields, with no rows, instead of failing the page."""
    filter_form = InvoiceFilterForm(request.GET)
    try:
        invoices = selectors.invoice_list(user=request.user, filters=request.GET, with_items=False)
    except InvalidInput as exc:
        filter_form.show_errors(exc)
        invoices = Invoice.objects.none()
    page = page_of(request, invoices)
    return render(
        request,
        "invoices/invoice_list.html",
        {
            "filter_form": filter_form,
            "page": page,
            "invoices": page.object_list,
            "totals": selectors.invoice_list_totals(invoices=invoices),
            "filtered": any(value for key, value in request.GET.items() if key not in ("page", "page_size")),
            "columns": sort_columns(request),
            "export_url": _export_url(request),
        },
        status=400 if filter_form.errors else 200,
    )


def _export_url(request: HttpRequest) -> str:
    """The CSV export of exactly the invoices listed: every filter and the sorting, not the page."""
    query = request.GET.copy()
    for name in ("page", "page_size"):
        query.pop(name, None)
    encoded = query.urlencode()
    return reverse("invoice-export-csv") + (f"?{encoded}" if encoded else "")


def _render_form(
    request: HttpRequest, *, form: InvoiceForm, formset: Any, invoice: Invoice | None, status: int = 200
) -> HttpResponse:
    return render(request, FORM_TEMPLATE, {"form": form, "formset": formset, "invoice": invoice}, status=status)


def _show_service_errors(form: InvoiceForm, formset: Any, error: DomainError) -> None:
    if isinstance(error, InvalidInput):
        formset.add_service_errors(error)
        form.add_service_errors(error, exclude=("items",))
    else:
        form.add_error(None, error.detail)


def _show_line_errors(formset: Any) -> None:
    """The invoice's own fields did not parse, so the service was not asked to save: it
    still checks the lines, so one submit shows every problem, not the first form's."""
    if formset.is_valid():
        error = services.invoice_items_check(items=formset.items())
        if error is not None:
            formset.add_service_errors(error)


@login_required
@require_http_methods(["GET", "POST"])
def invoice_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    customers = customers_owned_by(request, request.user)
    defaults = selectors.invoice_form_defaults(owner=request.user)
    if request.method != "POST":
        initial = {"customer": request.GET.get("customer"), "issue_date": defaults.issue_date}
        form = InvoiceForm(customers=customers, default_currency=defaults.currency, initial=initial)
        formset = LineItemFormSet(prefix=ITEMS_PREFIX, initial=[{}])
        return _render_form(request, form=form, formset=formset, invoice=None)

    form = InvoiceForm(request.POST, customers=customers, default_currency=defaults.currency)
    formset = LineItemFormSet(request.POST, prefix=ITEMS_PREFIX)
    if form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        try:
            invoice = services.invoice_create(
                owner=request.user,
                items=formset.items(),
                **form.customer_arguments(),
                invoice_number=data["invoice_number"] or None,
                currency=data["currency"],
                issue_date=data["issue_date"],
                due_date=data["due_date"],
                notes=data["notes"],
                expected_total=data["expected_total"],
            )
        except InvalidInput as exc:
            _show_service_errors(form, formset, exc)
        else:
            messages.success(request, f"Invoice {invoice.invoice_number} is saved as a draft.")
            return redirect("invoices:detail", invoice_id=invoice.pk)
    else:
        _show_line_errors(formset)
    return _render_form(request, form=form, formset=formset, invoice=None, status=400)


def _changes(invoice: Invoice, form: InvoiceForm) -> dict[str, Any]:
    """The form's fields in the shape `invoice_update` takes; the service works out which
    of them differ from the invoice (and writes nothing when none do)."""
    data = form.cleaned_data
    fields: dict[str, Any] = {
        "invoice_number": data["invoice_number"],
        "currency": data["currency"],
        "notes": data["notes"],
        "customer_address": data["customer_address"],
        "customer_email": data["customer_email"],
    }
    for name in ("issue_date", "due_date"):
        if data[name] is not None:  # left empty: keep the invoice's date
            fields[name] = data[name]
    customer = data.get("customer")
    # "New customer…" chosen: the typed name goes to the service, which says so if it is empty.
    if customer is None or customer.pk != invoice.customer_id:
        fields.update(form.customer_arguments())
    return fields


@login_required
@require_http_methods(["GET", "POST"])
def invoice_edit(request: AuthenticatedHttpRequest, invoice_id: int) -> HttpResponse:
    invoice = invoice_or_404(request, invoice_id)
    if not invoice.is_editable:
        messages.error(request, services.not_editable_detail(invoice))
        return redirect("invoices:detail", invoice_id=invoice.pk)
    customers = customers_owned_by(request, invoice.owner)
    default_currency = selectors.invoice_form_defaults(owner=invoice.owner).currency
    if request.method != "POST":
        initial = InvoiceForm.initial_for(invoice)
        form = InvoiceForm(customers=customers, default_currency=default_currency, initial=initial)
        formset = LineItemFormSet(prefix=ITEMS_PREFIX, initial=line_item_initial(invoice))
        return _render_form(request, form=form, formset=formset, invoice=invoice)

    form = InvoiceForm(request.POST, customers=customers, default_currency=default_currency)
    formset = LineItemFormSet(request.POST, prefix=ITEMS_PREFIX)
    if form.is_valid() and formset.is_valid():
        try:
            services.invoice_update(
                invoice_id=invoice.pk,
                actor=request.user,
                data=_changes(invoice, form),
                items=formset.items(),
                expected_total=form.cleaned_data["expected_total"],
                if_match=request.POST.get("etag") or None,
            )
        except NotFound as exc:
            raise Http404(exc.detail) from exc
        except (InvalidInput, PreconditionFailed, Conflict) as exc:
            _show_service_errors(form, formset, exc)
        else:
            messages.success(request, f"Invoice {invoice.invoice_number} is updated.")
            return redirect("invoices:detail", invoice_id=invoice.pk)
    else:
        _show_line_errors(formset)
    return _render_form(request, form=form, formset=formset, invoice=invoice, status=400)


@login_required
@require_GET
def invoice_search(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Straight to the invoice with this number, or a page that says there is none."""
    form = InvoiceSearchForm(request.GET or None)
    if form.is_valid():
        number = form.cleaned_data["number"]
        try:
            invoice = selectors.invoice_find(user=request.user, invoice_number=number)
        except NotFound as exc:
            form.add_error("number", exc.detail)
            return render(request, "invoices/invoice_search.html", {"form": form}, status=404)
        return redirect("invoices:detail", invoice_id=invoice.pk)
    return render(request, "invoices/invoice_search.html", {"form": form}, status=400 if form.is_bound else 200)
