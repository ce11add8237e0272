"""Every read of invoices, customers, payments and events.

Access is decided here once: owners see their own rows, staff see everyone's, and an
invisible row is reported as missing (404), never as forbidden, so ids leak nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.roles import visible_to
from companies.selectors import company_profile_get
from core.errors import InvalidInput, NotFound
from invoices.actions import available_transitions
from invoices.filters import CustomerFilterSet, InvoiceFilterSet
from invoices.models import OWED, CreditNote, CreditNoteItem, Customer, Invoice, InvoiceEvent, LineItem, Payment
from invoices.money import ZERO
from invoices.money_db import MoneySum

if TYPE_CHECKING:
    from accounts.models import User

__all__ = [
    "credit_note_get",
    "credit_note_list",
    "customer_balances",
    "customer_get",
    "customer_list",
    "invoice_available_transitions",
    "invoice_event_list",
    "invoice_find",
    "invoice_form_defaults",
    "invoice_get",
    "invoice_is_visible",
    "invoice_list",
    "invoice_visible_queryset",
    "payment_list",
]


def invoice_visible_queryset(*, user: User) -> QuerySet[Invoice]:
    """Live invoices this user may see, with what a list row needs joined in."""
    return Invoice.objects.visible_to(user).select_related("owner", "customer", "approved_by")


def _with_details(queryset: QuerySet[Invoice]) -> QuerySet[Invoice]:
    return queryset.prefetch_related(Prefetch("items", queryset=LineItem.objects.order_by("line_number", "id")))


def invoice_list(*, user: User, filters: Mapping[str, Any] | None = None, with_items: bool = True) -> QuerySet[Invoice]:
    """Filtered and ordered invoices. Invalid filters raise `InvalidInput` naming them."""
    filterset = InvoiceFilterSet(data=filters or {}, queryset=invoice_visible_queryset(user=user), user=user)
    if not filterset.is_valid():
        raise InvalidInput(errors=dict(filterset.errors))
    queryset = filterset.qs
    return _with_details(queryset) if with_items else queryset


def invoice_list_totals(*, invoices: QuerySet[Invoice]) -> list[Mapping[str, Any]]:
    """Per currency, for the invoices a list shows: how many, their total, and the
    balance due on them, which counts only what is owed (sent and overdue), as the
    dashboard's Outstanding does. Sums are exact on every database (MoneySum)."""
    return list(
        invoices.order_by()
        .values("currency")
        .annotate(
            count=Count("id"),
            total=Coalesce(MoneySum("total_amount"), ZERO),
            balance=Coalesce(MoneySum("balance_due", filter=OWED), ZERO),
        )
        .order_by("currency")
    )


def invoice_get(*, user: User, invoice_id: Any) -> Invoice:
    try:
        return _with_details(invoice_visible_queryset(user=user)).get(pk=int(invoice_id))
    except (Invoice.DoesNotExist, ValueError, TypeError):
        raise NotFound("No invoice matches the given id.") from None


def invoice_find(*, user: User, invoice_number: str) -> Invoice:
    """Look an invoice up by number, in any case, among those the user may see.

    `inv-202609-mrzrka` finds `INV-202609-MRZRKA`. Own invoices come first (staff see
    everyone's), then the one spelled exactly as asked, then the oldest.
    """
    number = (invoice_number or "").strip()
    if not number:
        raise InvalidInput(errors={"invoice_number": ["This query parameter is required."]})
    matches = _with_details(invoice_visible_queryset(user=user)).filter(invoice_number__iexact=number)
    invoice = matches.order_by(
        Case(When(Q(owner=user), then=Value(0)), default=Value(1), output_field=IntegerField()),
        Case(When(Q(invoice_number=number), then=Value(0)), default=Value(1), output_field=IntegerField()),
        "id",
    ).first()
    if invoice is None:
        raise NotFound(f"No invoice numbered {number}.")
    return invoice


def invoice_available_transitions(*, invoice: Invoice, user: Any) -> list[str]:
    """What this user may do to the invoice now: the actions whose `check()` passes."""
    return available_transitions(invoice=invoice, user=user)


def invoice_is_visible(*, user: Any, invoice_id: Any) -> bool:
    """Whether the invoice exists for this user (the sockets' 4404), by `visible_to`."""
    try:
        return invoice_visible_queryset(user=user).filter(pk=int(invoice_id)).exists()
    except (ValueError, TypeError):
        return False


def invoice_event_list(*, invoice: Invoice) -> QuerySet[InvoiceEvent]:
    """The audit trail, oldest first."""
    return InvoiceEvent.objects.filter(invoice=invoice).select_related("actor").order_by("created_at", "id")


def payment_list(*, invoice: Invoice) -> QuerySet[Payment]:
    return Payment.objects.filter(invoice=invoice).select_related("recorded_by").order_by("paid_at", "id")


def customer_list(*, user: Any, filters: Mapping[str, Any] | None = None) -> QuerySet[Customer]:
    """Live customers this user may see. With `filters` (the API's query or the page's),
    searched and ordered by `CustomerFilterSet`; invalid filters raise `InvalidInput`."""
    customers = visible_to(Customer.objects.alive(), user)
    if filters is None:
        return customers
    filterset = CustomerFilterSet(data=filters, queryset=customers)
    if not filterset.is_valid():
        raise InvalidInput(errors=dict(filterset.errors))
    return filterset.qs


def customer_get(*, user: User, customer_id: Any, include_deleted: bool = False) -> Customer:
    """One customer the user may see. `include_deleted` also finds a deleted (archived)
    one, for its read-only page: the invoices that name it still link there."""
    queryset = visible_to(Customer.objects.all(), user) if include_deleted else customer_list(user=user)
    try:
        return queryset.get(pk=int(customer_id))
    except (Customer.DoesNotExist, ValueError, TypeError):
        raise NotFound("No customer matches the given id.") from None


def credit_note_list(*, user: User, invoice: Invoice | None = None) -> QuerySet[CreditNote]:
    """Credit notes the user may see (owners their own, staff everyone's), newest first,
    with their lines and invoice number joined in; of one invoice when given."""
    queryset = (
        CreditNote.objects.visible_to(user)
        .filter(invoice__deleted_at__isnull=True)
        .select_related("invoice")
        .prefetch_related(Prefetch("items", queryset=CreditNoteItem.objects.order_by("line_number", "id")))
        .order_by("-created_at", "-id")
    )
    return queryset.filter(invoice=invoice) if invoice is not None else queryset


def credit_note_get(*, user: User, credit_note_id: Any) -> CreditNote:
    try:
        return credit_note_list(user=user).get(pk=int(credit_note_id))
    except (CreditNote.DoesNotExist, ValueError, TypeError):
        raise NotFound("No credit note matches the given id.") from None


@dataclass(frozen=True)
class InvoiceFormDefaults:
    """What a new invoice starts with on the form: the same values the service would
    choose for a field left empty, shown so the user sees them before saving."""

    currency: str
    issue_date: date


def invoice_form_defaults(*, owner: Any) -> InvoiceFormDefaults:
    """The owner's default currency (company profile, else the site's) and today's date.

    Today is the date in the active time zone (`TIME_ZONE`, as the service dates an
    invoice with no issue date): accounts carry no time zone of their own.
    """
    profile = company_profile_get(owner=owner)
    return InvoiceFormDefaults(
        currency=(profile.default_currency or settings.DEFAULT_CURRENCY).upper(),
        issue_date=timezone.localdate(),
    )


def customer_balances(*, customers: Iterable[Customer]) -> dict[int, list[tuple[str, Decimal]]]:
    """What each customer owes: the balance due of their sent and overdue invoices, per
    currency (an amount in EUR and one in USD do not add up), largest first.

    One aggregate query for the whole page of customers, however many there are; a
    customer who owes nothing is absent from the answer.
    """
    ids = [customer.pk for customer in customers]
    if not ids:
        return {}
    rows = (
        Invoice.objects.alive()
        .filter(OWED, customer_id__in=ids)
        .order_by()
        .values("customer_id", "currency")
        .annotate(balance=MoneySum("balance_due"))
    )
    balances: dict[int, list[tuple[str, Decimal]]] = {}
    for row in rows:
        if row["balance"]:
            balances.setdefault(row["customer_id"], []).append((row["currency"], row["balance"]))
    for amounts in balances.values():
        amounts.sort(key=lambda amount: (-amount[1], amount[0]))
    return balances
