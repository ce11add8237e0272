"""The customer pages: list, detail with the customer's invoices, create, edit, delete."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.authenticated import AuthenticatedHttpRequest
from core.errors import InvalidInput
from invoices import selectors, services
from invoices.forms import CustomerForm
from invoices.models import Customer
from invoices.views.common import customer_or_404, page_of

RECENT_INVOICES = 20


@login_required
@require_GET
def customer_list(request: HttpRequest) -> HttpResponse:
    """The API's customer list: the same `CustomerFilterSet` (search, ordering) through
    the same selector, so a search the API refuses is refused here in the same words."""
    search = request.GET.get("search", "").strip()
    try:
        customers = selectors.customer_list(user=request.user, filters=request.GET).select_related("owner")
    except InvalidInput as exc:
        for errors in (exc.errors or {}).values():
            for error in errors:
                messages.error(request, str(error))
        page = page_of(request, Customer.objects.none())
        context = {"page": page, "customers": [], "rows": [], "search": "" if "\x00" in search else search}
        return render(request, "customers/customer_list.html", context, status=400)
    page = page_of(request, customers)
    shown = list(page.object_list)
    balances = selectors.customer_balances(customers=shown)
    rows = [{"customer": customer, "balances": balances.get(customer.pk, [])} for customer in shown]
    return render(
        request,
        "customers/customer_list.html",
        {"page": page, "customers": shown, "rows": rows, "search": search},
    )


@login_required
@require_http_methods(["GET", "POST"])
def customer_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = CustomerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            customer = services.customer_create(owner=request.user, **form.cleaned_data)
        except InvalidInput as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, f"Customer {customer.name} is added.")
            return redirect("customers:detail", customer_id=customer.pk)
    status = 400 if form.is_bound else 200
    return render(request, "customers/customer_form.html", {"form": form, "customer": None}, status=status)


@login_required
@require_GET
def customer_detail(request: AuthenticatedHttpRequest, customer_id: int) -> HttpResponse:
    # A deleted customer keeps a read-only page: its invoices still name and link it.
    customer = customer_or_404(request, customer_id, include_deleted=True)
    invoices = selectors.invoice_list(user=request.user, filters={"customer": str(customer.pk)}, with_items=False)
    invoices = invoices[:RECENT_INVOICES]
    return render(request, "customers/customer_detail.html", {"customer": customer, "invoices": invoices})


@login_required
@require_http_methods(["GET", "POST"])
def customer_edit(request: AuthenticatedHttpRequest, customer_id: int) -> HttpResponse:
    customer = customer_or_404(request, customer_id)
    form = CustomerForm(request.POST or None, initial=CustomerForm.initial_for(customer))
    if request.method == "POST" and form.is_valid():
        try:
            services.customer_update(customer=customer, data=form.cleaned_data)
        except InvalidInput as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, f"Customer {customer.name} is updated.")
            return redirect("customers:detail", customer_id=customer.pk)
    status = 400 if form.is_bound else 200
    return render(request, "customers/customer_form.html", {"form": form, "customer": customer}, status=status)


@login_required
@require_POST
def customer_delete(request: AuthenticatedHttpRequest, customer_id: int) -> HttpResponse:
    """Soft delete: the customer leaves the lists, invoices that name it keep their copy."""
    customer = customer_or_404(request, customer_id)
    services.customer_delete(customer=customer)
    messages.success(request, f"Customer {customer.name} is deleted. Invoices already written keep their details.")
    return redirect("customers:list")
