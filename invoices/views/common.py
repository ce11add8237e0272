"""What the invoice and customer pages share: lookups that 404, names of actions, paging."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.urls import reverse

from accounts.authenticated import AuthenticatedHttpRequest
from core.errors import NotFound
from invoices import selectors
from invoices.models import Customer, Invoice

if TYPE_CHECKING:
    from accounts.models import User

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100

# transition -> (button label, what the message says happened)
TRANSITION_LABELS: dict[str, tuple[str, str]] = {
    "submit": ("Submit for approval", "submitted for approval"),
    "approve": ("Approve", "approved"),
    "reject": ("Reject", "rejected"),
    "revise": ("Revise as draft", "moved back to draft"),
    "send": ("Send to customer", "sent to the customer"),
    "cancel": ("Cancel invoice", "cancelled"),
}

DELETE_LABEL = "Delete invoice"
# How a refused confirmation says what could not happen: "cannot be cancelled now".
CONFIRMED_WORDS = {"cancel": "cancelled", "reject": "rejected", "delete": "deleted"}

# What a destructive action asks before it runs, in its dialog and on its confirmation page
# (the page is what a browser without JavaScript gets). `{number}` is the invoice number.
CONFIRMATIONS: dict[str, dict[str, str]] = {
    "cancel": {
        "title": "Cancel invoice {number}?",
        "body": "A cancelled invoice can no longer be sent or paid. This cannot be undone.",
        "confirm_label": "Cancel invoice",
        "keep_label": "Keep the invoice",
    },
    "reject": {
        "title": "Reject invoice {number}?",
        "body": "The owner sees your reason, and can revise the invoice and submit it again.",
        "confirm_label": "Reject invoice",
        "keep_label": "Keep it pending",
    },
    "delete": {
        "title": "Delete invoice {number}?",
        "body": "It disappears from the lists and cannot be restored; its history is kept for the record.",
        "confirm_label": "Delete invoice",
        "keep_label": "Keep the invoice",
    },
}


def confirmation(invoice: Invoice, name: str) -> dict[str, str]:
    """The wording and target of one destructive action's confirmation."""
    texts = CONFIRMATIONS[name]
    url = (
        reverse("invoices:delete", args=[invoice.pk])
        if name == "delete"
        else reverse("invoices:transition", args=[invoice.pk, name])
    )
    return {
        **texts,
        "name": name,
        "title": texts["title"].format(number=invoice.invoice_number),
        "url": url,
        "page_url": reverse("invoices:confirm", args=[invoice.pk, name]),
    }


def invoice_or_404(request: AuthenticatedHttpRequest, invoice_id: Any) -> Invoice:
    """The invoice if this user may see it; anyone else gets the 404 page."""
    try:
        return selectors.invoice_get(user=request.user, invoice_id=invoice_id)
    except NotFound as exc:
        raise Http404(exc.detail) from exc


def customer_or_404(request: AuthenticatedHttpRequest, customer_id: Any, *, include_deleted: bool = False) -> Customer:
    try:
        return selectors.customer_get(user=request.user, customer_id=customer_id, include_deleted=include_deleted)
    except NotFound as exc:
        raise Http404(exc.detail) from exc


def customers_owned_by(request: AuthenticatedHttpRequest, owner: User) -> QuerySet[Customer]:
    """The customers an invoice of `owner` may name: the owner's own, never someone else's."""
    return selectors.customer_list(user=request.user).filter(owner=owner)


def page_of(request: HttpRequest, queryset: QuerySet) -> Page:
    """`page` and `page_size` from the query string, as the API reads them (20, at most 100).
    A page past the end shows the last one rather than an error."""
    try:
        size = int(request.GET.get("page_size", DEFAULT_PAGE_SIZE))
    except ValueError:
        size = DEFAULT_PAGE_SIZE
    size = min(max(size, 1), MAX_PAGE_SIZE)
    return Paginator(queryset, size).get_page(request.GET.get("page"))


# (ordering field or None, heading, right-aligned)
INVOICE_COLUMNS: tuple[tuple[str | None, str, bool], ...] = (
    ("invoice_number", "Number", False),
    ("customer_name", "Customer", False),
    ("status", "Status", False),
    ("issue_date", "Issued", False),
    ("due_date", "Due", False),
    ("total_amount", "Total", True),
    (None, "Balance due", True),
)


def sort_columns(request: HttpRequest) -> list[dict[str, Any]]:
    """Table headings that sort by their column, keeping the other filters; a second
    click reverses the order. `aria-sort` tells screen readers the current one."""
    current = request.GET.get("ordering") or ""
    columns = []
    for field, heading, numeric in INVOICE_COLUMNS:
        column: dict[str, Any] = {"heading": heading, "numeric": numeric, "href": None, "aria_sort": None}
        if field is not None:
            if current == field:
                column["aria_sort"] = "ascending"
            elif current == f"-{field}":
                column["aria_sort"] = "descending"
            query = request.GET.copy()
            query["ordering"] = f"-{field}" if current == field else field
            query.pop("page", None)
            column["href"] = f"?{query.urlencode()}"
        columns.append(column)
    return columns
