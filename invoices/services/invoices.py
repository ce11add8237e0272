"""Invoices: creation, editing of drafts and soft deletion."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, NoReturn

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from companies.models import DEFAULT_PAYMENT_TERMS_DAYS as COMPANY_DEFAULT_PAYMENT_TERMS_DAYS
from companies.selectors import company_profile_get
from core.currencies import ISO_4217_CODES
from core.errors import Conflict, InvalidInput, PreconditionFailed
from core.integrity import is_violation_of, log_unexpected
from invoices import events
from invoices.models import (
    DELETABLE_STATES,
    EventKind,
    Invoice,
    InvoiceSource,
)
from invoices.money import format_amount
from invoices.services._shared import _bump, _lock_visible_invoice, _record_event, invoice_user_transitions
from invoices.services.customers import _check_customer, _copy_customer, _resolve_customer
from invoices.services.items import _check_expected_total, _collect_items, _write_items, items_unchanged
from invoices.services.numbering import invoice_number_at_creation

if TYPE_CHECKING:
    from accounts.models import User

DEFAULT_PAYMENT_TERMS_DAYS = COMPANY_DEFAULT_PAYMENT_TERMS_DAYS  # when the owner has no profile
INVOICE_FIELDS = ("customer_address", "currency", "issue_date", "due_date", "notes", "invoice_number")
NUMBER_UNIQUE = "invoices_invoice_number_unique_per_owner"
DUPLICATE_NUMBER = "You already have an invoice with this number."
DUE_BEFORE_ISSUE = "The due date cannot be before the issue date."


def _raise_for_integrity(exc: IntegrityError) -> NoReturn:
    """A duplicate number (two writers racing past the check) is the user's to fix;
    anything else is a bug, logged with the constraint's message and re-raised."""
    if is_violation_of(exc, NUMBER_UNIQUE):
        raise InvalidInput(errors={"invoice_number": [DUPLICATE_NUMBER]}) from exc
    log_unexpected(exc)
    raise exc


def _check_dates_and_currency(
    errors: dict[str, Any], *, currency: str, issue_date: date | None, due_date: date | None
) -> None:
    if currency not in ISO_4217_CODES:
        errors["currency"] = [f"Unknown currency {currency!r}; use an ISO 4217 code such as USD or EUR."]
    if issue_date is not None and due_date is not None and due_date < issue_date:
        errors["due_date"] = [DUE_BEFORE_ISSUE]


def _check_number_free(errors: dict[str, Any], *, owner_id: int, number: str, exclude_id: int | None = None) -> None:
    taken = Invoice.objects.filter(owner_id=owner_id, invoice_number=number)
    if exclude_id is not None:
        taken = taken.exclude(pk=exclude_id)
    if taken.exists():
        errors["invoice_number"] = [DUPLICATE_NUMBER]


def not_editable_detail(invoice: Invoice) -> str:
    """Why this invoice's fields and lines cannot change: every door says it this way."""
    return f"Only draft invoices can be edited; this one is {invoice.get_status_display().lower()}."


def invoice_create(
    *,
    owner: User,
    items: Iterable[Mapping[str, Any]],
    customer_id: int | None = None,
    customer_name: str = "",
    customer_email: str = "",
    customer_address: str = "",
    invoice_number: str | None = None,
    currency: str | None = None,
    issue_date: date | None = None,
    due_date: date | None = None,
    notes: str = "",
    expected_total: Any = None,
    source: str = InvoiceSource.MANUAL,
) -> Invoice:
    """Create a draft invoice with its lines; the server computes every amount.

    Left out, the currency and the due date come from the owner's company profile
    (default currency, payment terms), then from the site's defaults. Every problem
    with the input is reported at once, in one `InvalidInput`, before anything is written."""
    errors: dict[str, Any] = {}
    parsed_items = _collect_items(items, errors)
    profile = company_profile_get(owner=owner)
    currency = (currency or profile.default_currency or settings.DEFAULT_CURRENCY).strip().upper()
    issue_date = issue_date or timezone.localdate()
    due_date = due_date or issue_date + timedelta(days=profile.payment_terms_days)
    _check_dates_and_currency(errors, currency=currency, issue_date=issue_date, due_date=due_date)
    invoice_number = (invoice_number or "").strip()
    if invoice_number:
        _check_number_free(errors, owner_id=owner.pk, number=invoice_number)
    _check_customer(errors, owner=owner, customer_id=customer_id, name=customer_name)
    if errors:
        raise InvalidInput(errors=errors)

    try:
        with transaction.atomic():
            customer = _resolve_customer(
                owner=owner,
                customer_id=customer_id,
                name=customer_name,
                email=customer_email,
                address=customer_address,
            )
            provisional = False
            if not invoice_number:
                invoice_number, provisional = invoice_number_at_creation(
                    owner_id=owner.pk, on=issue_date, profile=profile
                )
            invoice = Invoice(
                owner=owner,
                invoice_number=invoice_number,
                number_is_provisional=provisional,
                currency=currency,
                issue_date=issue_date,
                due_date=due_date,
                notes=notes or "",
                source=source,
            )
            _copy_customer(invoice, customer, email=customer_email, address=customer_address)
            invoice.save()
            _write_items(invoice, parsed_items)
            _check_expected_total(invoice, expected_total)
            invoice.save(update_fields=["subtotal", "tax_amount", "total_amount"])
            event = _record_event(
                invoice,
                actor=owner,
                kind=EventKind.CREATED,
                to_status=invoice.status,
                data={"total_amount": format_amount(invoice.total_amount), "items": len(parsed_items)},
            )
            events.emit_on_commit(events.build_message(events.INVOICE_CREATED, invoice=invoice, event=event))
    except IntegrityError as exc:
        _raise_for_integrity(exc)
    return invoice


# The invoice's own fields an edit may change, as they are compared to decide whether it changed anything.
TRACKED_FIELDS = ("customer_id", "customer_name", "customer_email", *INVOICE_FIELDS)


def _normalised(name: str, value: Any) -> Any:
    if name == "currency":
        return (value or "").strip().upper()
    if name == "invoice_number":
        return (value or "").strip()
    return value if value is not None else ""


def invoice_update(
    *,
    invoice_id: int,
    actor: User | None,
    data: Mapping[str, Any],
    items: Iterable[Mapping[str, Any]] | None = None,
    expected_total: Any = None,
    if_match: str | None = None,
) -> Invoice:
    """Edit a draft. Fields and items are frozen once the invoice leaves draft (409).

    Every door may send the whole invoice as it stands: an edit that changes nothing
    (the same fields, the same lines in the same order) writes nothing, so no event, no
    new version or ETag and no live message. Every problem is reported at once."""
    errors: dict[str, Any] = {}
    if "status" in data:
        errors["status"] = ["Status cannot be edited; use the transition endpoints."]
    parsed_items = _collect_items(items, errors) if items is not None else None
    with transaction.atomic():
        invoice = _lock_visible_invoice(invoice_id=invoice_id, actor=actor)
        if if_match is not None and if_match.strip() not in (invoice.etag, "*", f"W/{invoice.etag}"):
            raise PreconditionFailed("The invoice has changed since you read it (ETag mismatch).")
        if not invoice.is_editable:
            raise Conflict(
                not_editable_detail(invoice),
                status=invoice.status,
                available_transitions=invoice_user_transitions(invoice=invoice, user=actor),
            )
        before = {name: getattr(invoice, name) for name in TRACKED_FIELDS}
        new_customer = "customer_id" in data or "customer_name" in data
        if new_customer:
            _check_customer(
                errors, owner=invoice.owner, customer_id=data.get("customer_id"), name=data.get("customer_name", "")
            )
        values = {
            name: _normalised(name, data[name])
            for name in INVOICE_FIELDS
            if name in data and not (name in ("issue_date", "due_date") and data[name] is None)  # None: keep it
        }
        if "invoice_number" in values:
            if not values["invoice_number"]:
                errors["invoice_number"] = ["This field may not be blank."]
            elif values["invoice_number"] != invoice.invoice_number:
                _check_number_free(
                    errors, owner_id=invoice.owner_id, number=values["invoice_number"], exclude_id=invoice.pk
                )
        _check_dates_and_currency(
            errors,
            currency=values.get("currency", invoice.currency),
            issue_date=values.get("issue_date", invoice.issue_date),
            due_date=values.get("due_date", invoice.due_date),
        )
        if errors:
            raise InvalidInput(errors=errors)

        if new_customer:
            customer = _resolve_customer(
                owner=invoice.owner,
                customer_id=data.get("customer_id"),
                name=data.get("customer_name", ""),
                email=data.get("customer_email", ""),
                address=data.get("customer_address", ""),
            )
            _copy_customer(
                invoice, customer, email=data.get("customer_email", ""), address=data.get("customer_address", "")
            )
        elif "customer_email" in data:
            invoice.customer_email = data["customer_email"] or ""
        for name, value in values.items():
            setattr(invoice, name, value)
        changed: dict[str, Any] = {}
        for name in TRACKED_FIELDS:
            if getattr(invoice, name) != before[name]:
                # Another customer reads as its name in the trail, as the page shows it.
                key = "customer_name" if name == "customer_id" else name
                changed[key] = str(getattr(invoice, key))
        if "invoice_number" in changed:
            invoice.number_is_provisional = False  # the user's own number is kept
        if parsed_items is not None and not items_unchanged(invoice, parsed_items):
            _write_items(invoice, parsed_items)
            changed["items"] = len(parsed_items)
            changed["total_amount"] = format_amount(invoice.total_amount)
        _check_expected_total(invoice, expected_total)
        if not changed:
            return invoice  # nothing to write: no new version, no event, no message
        _bump(invoice)
        try:
            with transaction.atomic():
                invoice.save()
        except IntegrityError as exc:
            _raise_for_integrity(exc)
        event = _record_event(invoice, actor=actor, kind=EventKind.UPDATED, data={"changed": changed})
        events.emit_on_commit(events.build_message(events.INVOICE_UPDATED, invoice=invoice, event=event))
    return invoice


def invoice_delete(*, invoice_id: int, actor: User | None) -> None:
    """Soft delete a draft or cancelled invoice; the row and its trail stay for audit."""
    with transaction.atomic():
        invoice = _lock_visible_invoice(invoice_id=invoice_id, actor=actor)
        if invoice.status not in DELETABLE_STATES:
            raise Conflict(
                f"Only draft or cancelled invoices can be deleted; this one is {invoice.status}.",
                status=invoice.status,
                available_transitions=invoice_user_transitions(invoice=invoice, user=actor),
            )
        invoice.deleted_at = timezone.now()
        _bump(invoice)
        invoice.save(update_fields=["deleted_at", "version", "updated_at"])
        event = _record_event(invoice, actor=actor, kind=EventKind.DELETED, from_status=invoice.status)
        events.emit_on_commit(events.build_message(events.INVOICE_DELETED, invoice=invoice, event=event))
