"""Every write to invoices, customers and payments.

The API, the admin, the pages and Celery tasks all call these functions, so each
rule lives here once. Each service takes keyword-only arguments, validates, runs in
one transaction (locking the invoice row for anything that depends on its state),
writes the audit trail and emits its domain event on commit.
"""

from __future__ import annotations

import logging
import secrets
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from billing.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound, PreconditionFailed
from invoices import events
from invoices.currencies import ISO_4217_CODES
from invoices.models import (
    DELETABLE_STATES,
    PAYABLE_STATES,
    Customer,
    EventKind,
    Invoice,
    InvoiceEvent,
    InvoiceSource,
    InvoiceStatus,
    LineItem,
    Payment,
    PaymentMethod,
)
from invoices.money import MAX_AMOUNT, ZERO, format_amount, invoice_totals, line_amounts, quantize

logger = logging.getLogger(__name__)

MAX_ITEMS = 500
DEFAULT_PAYMENT_TERMS_DAYS = 30
# Transitions a person may ask for by name; `pay` happens through payments and
# `mark_overdue` only through the periodic sweep.
USER_TRANSITIONS = ("submit", "approve", "reject", "revise", "send", "cancel")
INVOICE_FIELDS = ("customer_address", "currency", "issue_date", "due_date", "notes", "invoice_number")
NUMBER_ALPHABET = string.ascii_uppercase + string.digits


# --- helpers ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemInput:
    description: str
    quantity: Decimal
    unit_price: Decimal
    discount_percent: Decimal = ZERO
    tax_rate: Decimal = ZERO


def _decimal(value: Any, field: str, errors: dict[str, Any]) -> Decimal | None:
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        errors[field] = ["A valid number is required."]
        return None
    if not number.is_finite():
        errors[field] = ["A valid number is required."]
        return None
    return number


def _parse_items(raw_items: Iterable[Mapping[str, Any]]) -> list[ItemInput]:
    """Validate line items; errors are reported per line as `items[i].field`."""
    raw = list(raw_items)
    if len(raw) > MAX_ITEMS:
        raise InvalidInput(errors={"items": [f"An invoice may have at most {MAX_ITEMS} items; got {len(raw)}."]})
    items: list[ItemInput] = []
    errors: dict[str, Any] = {}
    for index, row in enumerate(raw):
        line_errors: dict[str, Any] = {}
        description = str(row.get("description") or "").strip()
        if not description:
            line_errors["description"] = ["This field is required."]
        elif len(description) > 500:
            line_errors["description"] = ["Ensure this field has no more than 500 characters."]
        quantity = _decimal(row.get("quantity"), "quantity", line_errors)
        unit_price = _decimal(row.get("unit_price"), "unit_price", line_errors)
        discount = _decimal(row.get("discount_percent", ZERO) or ZERO, "discount_percent", line_errors)
        tax_rate = _decimal(row.get("tax_rate", ZERO) or ZERO, "tax_rate", line_errors)
        if quantity is not None and quantity <= 0:
            line_errors["quantity"] = ["Quantity must be greater than zero."]
        elif quantity is not None and (quantity != quantity.quantize(Decimal("0.001")) or quantity >= 10**11):
            line_errors["quantity"] = ["Quantity may have at most 11 digits before and 3 after the decimal point."]
        if unit_price is not None and unit_price < 0:
            line_errors["unit_price"] = ["Unit price cannot be negative."]
        elif unit_price is not None and (unit_price != quantize(unit_price) or unit_price > MAX_AMOUNT):
            line_errors["unit_price"] = ["Unit price may have at most 12 digits before and 2 after the decimal point."]
        for name, value in (("discount_percent", discount), ("tax_rate", tax_rate)):
            if value is not None and not (0 <= value <= 100):
                line_errors[name] = ["Must be between 0 and 100."]
            elif value is not None and value != quantize(value):
                line_errors[name] = ["At most 2 decimal places."]
        if line_errors:
            errors[f"items[{index}]"] = line_errors
            continue
        items.append(ItemInput(description, quantity, unit_price, discount, tax_rate))  # type: ignore[arg-type]
    if errors:
        raise InvalidInput(errors={"items": errors})
    return items


def _validate_dates_and_currency(*, currency: str, issue_date: date, due_date: date) -> None:
    errors: dict[str, list[str]] = {}
    if currency not in ISO_4217_CODES:
        errors["currency"] = [f"Unknown currency {currency!r}; use an ISO 4217 code such as USD or EUR."]
    if due_date < issue_date:
        errors["due_date"] = ["The due date cannot be before the issue date."]
    if errors:
        raise InvalidInput(errors=errors)


def _generate_invoice_number(*, owner_id: int, on: date) -> str:
    prefix = f"INV-{on:%Y%m}-"
    for _ in range(10):
        candidate = prefix + "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(6))
        if not Invoice.objects.filter(owner_id=owner_id, invoice_number=candidate).exists():
            return candidate
    raise Conflict("Could not allocate a unique invoice number; please retry.")


def _write_items(invoice: Invoice, items: list[ItemInput]) -> None:
    """Replace the invoice's lines and store the totals computed from them."""
    invoice.items.all().delete()
    rows = []
    amounts = []
    for number, item in enumerate(items, start=1):
        line = line_amounts(
            quantity=item.quantity,
            unit_price=item.unit_price,
            discount_percent=item.discount_percent,
            tax_rate=item.tax_rate,
        )
        amounts.append(line)
        rows.append(
            LineItem(
                invoice=invoice,
                line_number=number,
                description=item.description,
                quantity=item.quantity,
                unit_price=item.unit_price,
                discount_percent=item.discount_percent,
                tax_rate=item.tax_rate,
                line_total=line.line_total,
                tax_amount=line.tax_amount,
            )
        )
    totals = invoice_totals(amounts)
    if totals.total_amount > MAX_AMOUNT or any(line.line_total > MAX_AMOUNT for line in amounts):
        raise InvalidInput(errors={"items": ["The invoice total exceeds the largest amount we can store."]})
    LineItem.objects.bulk_create(rows)
    invoice.subtotal = totals.subtotal
    invoice.tax_amount = totals.tax_amount
    invoice.total_amount = totals.total_amount


def _check_expected_total(invoice: Invoice, expected_total: Any) -> None:
    if expected_total is None:
        return
    errors: dict[str, Any] = {}
    claimed = _decimal(expected_total, "total_amount", errors)
    if errors:
        raise InvalidInput(errors=errors)
    if claimed != invoice.total_amount:
        expected = format_amount(invoice.total_amount)
        raise InvalidInput(
            errors={
                "total_amount": [
                    f"The total does not match the items: expected {expected}, got {format_amount(claimed)}."
                ],
                "expected_total_amount": expected,
            }
        )


def _record_event(
    invoice: Invoice,
    *,
    actor: Any,
    kind: str,
    transition: str = "",
    from_status: str = "",
    to_status: str = "",
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> InvoiceEvent:
    return InvoiceEvent.objects.create(
        invoice=invoice,
        owner_id=invoice.owner_id,
        actor=actor if actor is not None and getattr(actor, "pk", None) else None,
        kind=kind,
        transition=transition,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        data=data or {},
    )


def _lock_visible_invoice(*, invoice_id: int, actor: Any) -> Invoice:
    """Lock the invoice row for this transaction. Invisible invoices are 404, not 403."""
    try:
        invoice = Invoice.objects.select_for_update().alive().get(pk=invoice_id)
    except (Invoice.DoesNotExist, ValueError, TypeError):
        raise NotFound("No invoice matches the given id.") from None
    if actor is not None and not (actor.is_staff or invoice.owner_id == actor.pk):
        raise NotFound("No invoice matches the given id.")
    return invoice


def _resolve_customer(*, owner: Any, customer_id: int | None, name: str, email: str, address: str) -> Customer:
    if customer_id is not None:
        customer = Customer.objects.alive().filter(pk=customer_id, owner=owner).first()
        if customer is None:
            raise InvalidInput(errors={"customer_id": ["No customer of yours has this id."]})
        return customer
    name = (name or "").strip()
    if not name:
        raise InvalidInput(errors={"customer_name": ["Give customer_id or customer_name."]})
    existing = Customer.objects.alive().filter(owner=owner, name__iexact=name).first()
    if existing is not None:
        changed = []
        if email and not existing.email:
            existing.email, changed = email, [*changed, "email"]
        if address and not existing.address:
            existing.address, changed = address, [*changed, "address"]
        if changed:
            existing.save(update_fields=[*changed, "updated_at"])
        return existing
    try:
        return customer_create(owner=owner, name=name, email=email, address=address)
    except InvalidInput:
        # Another request made this customer between our look-up and our insert (the
        # unique index made us wait for it to commit): reuse theirs.
        existing = Customer.objects.alive().filter(owner=owner, name__iexact=name).first()
        if existing is None:
            raise
        return existing


def _copy_customer(invoice: Invoice, customer: Customer, *, email: str = "", address: str = "") -> None:
    invoice.customer = customer
    invoice.customer_name = customer.name
    invoice.customer_email = email or customer.email
    invoice.customer_address = address or customer.address


def _bump(invoice: Invoice) -> None:
    invoice.version = (invoice.version or 0) + 1


# --- customers ----------------------------------------------------------------------------

CUSTOMER_FIELDS = ("name", "email", "address", "phone", "tax_id", "notes")


def _customer_name_taken(*, owner_id: int, name: str, exclude_id: int | None = None) -> bool:
    query = Customer.objects.alive().filter(owner_id=owner_id, name__iexact=name.strip())
    if exclude_id is not None:
        query = query.exclude(pk=exclude_id)
    return query.exists()


def customer_create(
    *, owner: Any, name: str, email: str = "", address: str = "", phone: str = "", tax_id: str = "", notes: str = ""
) -> Customer:
    """Create one of the owner's customers. Names are unique per owner, ignoring case."""
    name = (name or "").strip()
    if not name:
        raise InvalidInput(errors={"name": ["This field is required."]})
    if _customer_name_taken(owner_id=owner.pk, name=name):
        raise InvalidInput(errors={"name": ["You already have a customer with this name."]})
    try:
        with transaction.atomic():
            return Customer.objects.create(
                owner=owner,
                name=name,
                email=email or "",
                address=address or "",
                phone=phone or "",
                tax_id=tax_id or "",
                notes=notes or "",
            )
    except IntegrityError:
        raise InvalidInput(errors={"name": ["You already have a customer with this name."]}) from None


def customer_update(*, customer: Customer, data: Mapping[str, Any]) -> Customer:
    """Change a customer's details. Invoices keep the copy made when they were written."""
    changed = [name for name in CUSTOMER_FIELDS if name in data]
    if "name" in data:
        name = (data["name"] or "").strip()
        if not name:
            raise InvalidInput(errors={"name": ["This field is required."]})
        if _customer_name_taken(owner_id=customer.owner_id, name=name, exclude_id=customer.pk):
            raise InvalidInput(errors={"name": ["You already have a customer with this name."]})
    for name in changed:
        value = data[name]
        setattr(customer, name, value.strip() if name == "name" else (value or ""))
    if changed:
        try:
            with transaction.atomic():
                customer.save(update_fields=[*changed, "updated_at"])
        except IntegrityError:
            raise InvalidInput(errors={"name": ["You already have a customer with this name."]}) from None
    return customer


def customer_delete(*, customer: Customer) -> None:
    """Soft delete: invoices that name the customer keep pointing at it."""
    customer.deleted_at = timezone.now()
    customer.save(update_fields=["deleted_at", "updated_at"])


# --- invoices ----------------------------------------------------------------------------


def invoice_create(
    *,
    owner: Any,
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
    """Create a draft invoice with its lines; the server computes every amount."""
    parsed_items = _parse_items(items)
    currency = (currency or settings.DEFAULT_CURRENCY).upper()
    issue_date = issue_date or timezone.localdate()
    due_date = due_date or issue_date + timedelta(days=DEFAULT_PAYMENT_TERMS_DAYS)
    _validate_dates_and_currency(currency=currency, issue_date=issue_date, due_date=due_date)
    invoice_number = (invoice_number or "").strip()
    if invoice_number and Invoice.objects.filter(owner=owner, invoice_number=invoice_number).exists():
        raise InvalidInput(errors={"invoice_number": ["You already have an invoice with this number."]})

    try:
        with transaction.atomic():
            customer = _resolve_customer(
                owner=owner,
                customer_id=customer_id,
                name=customer_name,
                email=customer_email,
                address=customer_address,
            )
            invoice = Invoice(
                owner=owner,
                invoice_number=invoice_number or _generate_invoice_number(owner_id=owner.pk, on=issue_date),
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
    except IntegrityError:
        raise InvalidInput(errors={"invoice_number": ["You already have an invoice with this number."]}) from None
    return invoice


def invoice_update(
    *,
    invoice_id: int,
    actor: Any,
    data: Mapping[str, Any],
    items: Iterable[Mapping[str, Any]] | None = None,
    expected_total: Any = None,
    if_match: str | None = None,
) -> Invoice:
    """Edit a draft. Fields and items are frozen once the invoice leaves draft (409)."""
    if "status" in data:
        raise InvalidInput(errors={"status": ["Status cannot be edited; use the transition endpoints."]})
    parsed_items = _parse_items(items) if items is not None else None
    with transaction.atomic():
        invoice = _lock_visible_invoice(invoice_id=invoice_id, actor=actor)
        if if_match is not None and if_match.strip() not in (invoice.etag, "*", f"W/{invoice.etag}"):
            raise PreconditionFailed("The invoice has changed since you read it (ETag mismatch).")
        if not invoice.is_editable:
            raise Conflict(
                f"Only draft invoices can be edited; this one is {invoice.status}.",
                status=invoice.status,
                available_transitions=invoice_user_transitions(invoice=invoice, user=actor),
            )
        changed: dict[str, Any] = {}
        if "customer_id" in data or "customer_name" in data:
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
            changed["customer_name"] = invoice.customer_name
        elif "customer_email" in data:
            invoice.customer_email = data["customer_email"] or ""
            changed["customer_email"] = invoice.customer_email
        for name in INVOICE_FIELDS:
            if name in data and getattr(invoice, name) != data[name]:
                value = data[name]
                if name == "currency":
                    value = (value or "").upper()
                if name == "invoice_number":
                    value = (value or "").strip()
                    if not value:
                        raise InvalidInput(errors={"invoice_number": ["This field may not be blank."]})
                    if (
                        Invoice.objects.filter(owner_id=invoice.owner_id, invoice_number=value)
                        .exclude(pk=invoice.pk)
                        .exists()
                    ):
                        raise InvalidInput(errors={"invoice_number": ["You already have an invoice with this number."]})
                setattr(invoice, name, value if value is not None else "")
                changed[name] = str(value)
        _validate_dates_and_currency(
            currency=invoice.currency, issue_date=invoice.issue_date, due_date=invoice.due_date
        )
        if parsed_items is not None:
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
        except IntegrityError:
            raise InvalidInput(errors={"invoice_number": ["You already have an invoice with this number."]}) from None
        event = _record_event(invoice, actor=actor, kind=EventKind.UPDATED, data={"changed": changed})
        events.emit_on_commit(events.build_message(events.INVOICE_UPDATED, invoice=invoice, event=event))
    return invoice


def invoice_delete(*, invoice_id: int, actor: Any) -> None:
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


# --- the state machine ----------------------------------------------------------------------


def _transition_meta(invoice: Invoice, name: str) -> Any:
    return getattr(type(invoice), name)._django_fsm


def invoice_user_transitions(*, invoice: Invoice, user: Any) -> list[str]:
    """Transitions this user may run now: the state allows it, its conditions hold and
    the user has the right. `pay` is offered while a balance can be paid."""
    if user is None or invoice.deleted_at is not None:
        return []
    names = []
    for name in (*USER_TRANSITIONS, "pay"):
        meta = _transition_meta(invoice, name)
        state = invoice.status
        if not meta.has_transition(state) or not meta.has_transition_perm(invoice, state, user):
            continue
        if name != "pay" and not meta.conditions_met(invoice, state):
            continue
        names.append(name)
    return names


def _conflict(invoice: Invoice, actor: Any, detail: str) -> Conflict:
    return Conflict(
        detail, status=invoice.status, available_transitions=invoice_user_transitions(invoice=invoice, user=actor)
    )


def _run_transition(invoice: Invoice, *, name: str, actor: Any, reason: str = "", system: bool = False) -> InvoiceEvent:
    """Check state, conditions and permission, change the fields, write the event and
    queue the message. The caller holds the row lock and the transaction. `system`
    transitions (the overdue sweep) have no person whose permission to check."""
    meta = _transition_meta(invoice, name)
    state = invoice.status
    if not meta.has_transition(state):
        raise _conflict(invoice, actor, f"Cannot {name.replace('_', ' ')} an invoice that is {state}.")
    if not system and not meta.has_transition_perm(invoice, state, actor):
        if name in ("approve", "reject") and actor is not None and invoice.owner_id == actor.pk:
            raise Forbidden(f"You cannot {name} your own invoice (four-eyes rule).")
        raise Forbidden(f"You are not allowed to {name.replace('_', ' ')} this invoice.")
    if not meta.conditions_met(invoice, state):
        if name == "submit":
            raise _conflict(
                invoice, actor, "An invoice needs at least one item and a total above zero to be submitted."
            )
        raise _conflict(invoice, actor, f"The invoice does not meet the conditions to {name.replace('_', ' ')}.")
    kwargs: dict[str, Any] = {"by": actor}
    if name == "reject":
        kwargs["reason"] = reason
    getattr(invoice, name)(**kwargs)
    _bump(invoice)
    invoice.save()
    event = _record_event(
        invoice,
        actor=actor,
        kind=EventKind.TRANSITION,
        transition=name,
        from_status=state,
        to_status=invoice.status,
        reason=reason,
    )
    events.emit_on_commit(events.build_message(events.INVOICE_STATUS_CHANGED, invoice=invoice, event=event))
    return event


def invoice_transition(*, invoice_id: int, actor: Any, transition: str, reason: str = "") -> Invoice:
    """Run one named transition (submit, approve, reject, revise, send, cancel).

    The row is locked first, so of two concurrent approvals one wins and the other
    sees the new state and gets a 409; each success writes exactly one event.
    """
    if transition not in USER_TRANSITIONS:
        raise InvalidInput(errors={"transition": [f"Unknown transition; use one of {', '.join(USER_TRANSITIONS)}."]})
    reason = (reason or "").strip()
    if transition == "reject" and not reason:
        raise InvalidInput(errors={"reason": ["A reason is required to reject an invoice."]})
    with transaction.atomic():
        invoice = _lock_visible_invoice(invoice_id=invoice_id, actor=actor)
        _run_transition(invoice, name=transition, actor=actor, reason=reason)
        if transition == "send":
            from invoices.tasks import invoice_email_send_task

            invoice_email_send_task.delay_on_commit(invoice.pk)
    return invoice


def invoice_submit(*, invoice_id: int, actor: Any) -> Invoice:
    return invoice_transition(invoice_id=invoice_id, actor=actor, transition="submit")


def invoice_approve(*, invoice_id: int, actor: Any) -> Invoice:
    """Approve a pending invoice. Four-eyes: the owner cannot approve their own."""
    return invoice_transition(invoice_id=invoice_id, actor=actor, transition="approve")


def invoice_reject(*, invoice_id: int, actor: Any, reason: str) -> Invoice:
    return invoice_transition(invoice_id=invoice_id, actor=actor, transition="reject", reason=reason)


def invoice_revise(*, invoice_id: int, actor: Any) -> Invoice:
    return invoice_transition(invoice_id=invoice_id, actor=actor, transition="revise")


def invoice_send(*, invoice_id: int, actor: Any) -> Invoice:
    """Mark approved invoice sent; the customer gets the PDF by e-mail after commit."""
    return invoice_transition(invoice_id=invoice_id, actor=actor, transition="send")


def invoice_cancel(*, invoice_id: int, actor: Any) -> Invoice:
    return invoice_transition(invoice_id=invoice_id, actor=actor, transition="cancel")


def invoice_transition_to_status(*, invoice_id: int, actor: Any, status: str, reason: str = "") -> Invoice:
    """Run whichever transition leads from the current state to `status` (or 409)."""
    if status not in InvoiceStatus.values:
        raise InvalidInput(errors={"status": [f"Unknown status; use one of {', '.join(InvoiceStatus.values)}."]})
    with transaction.atomic():
        invoice = _lock_visible_invoice(invoice_id=invoice_id, actor=actor)
        if status == InvoiceStatus.PAID and invoice.status in PAYABLE_STATES:
            payment_record(invoice_id=invoice.pk, actor=actor, amount=invoice.total_amount - invoice.amount_paid)
            invoice.refresh_from_db()
            return invoice
        for name in USER_TRANSITIONS:
            meta = _transition_meta(invoice, name)
            if meta.has_transition(invoice.status) and meta.get_transition(invoice.status).target == status:
                return invoice_transition(invoice_id=invoice.pk, actor=actor, transition=name, reason=reason)
        raise _conflict(invoice, actor, f"No transition leads from {invoice.status} to {status}.")


def invoices_mark_overdue(*, today: date | None = None) -> int:
    """Move every sent invoice past its due date to overdue; returns how many moved.

    Each invoice is locked and re-checked on its own, so a payment racing the sweep
    wins cleanly and one bad row never stops the rest.
    """
    today = today or timezone.localdate()
    candidate_ids = list(
        Invoice.objects.alive().filter(status=InvoiceStatus.SENT, due_date__lt=today).values_list("pk", flat=True)
    )
    moved = 0
    for invoice_id in candidate_ids:
        try:
            with transaction.atomic():
                invoice = Invoice.objects.select_for_update().alive().filter(pk=invoice_id).first()
                if invoice is None or invoice.status != InvoiceStatus.SENT or not invoice.due_date < today:
                    continue
                invoice.overdue_as_of = today  # the transition's condition judges by the sweep's date
                _run_transition(invoice, name="mark_overdue", actor=None, system=True)
                moved += 1
        except DomainError:
            logger.exception("overdue sweep skipped invoice %s", invoice_id)
    return moved


# --- payments ----------------------------------------------------------------------------


def payment_record(
    *,
    invoice_id: int,
    actor: Any,
    amount: Any,
    paid_at: datetime | None = None,
    method: str = PaymentMethod.BANK_TRANSFER,
    reference: str = "",
) -> Payment:
    """Record money received. The invoice becomes paid when its balance reaches zero;
    paying more than the balance is refused."""
    errors: dict[str, Any] = {}
    value = _decimal(amount, "amount", errors)
    if value is not None and (value <= 0 or value != quantize(value)):
        errors["amount"] = ["Amount must be greater than zero, with at most 2 decimal places."]
    if method not in PaymentMethod.values:
        errors["method"] = [f"Unknown method; use one of {', '.join(PaymentMethod.values)}."]
    if errors:
        raise InvalidInput(errors=errors)
    with transaction.atomic():
        invoice = _lock_visible_invoice(invoice_id=invoice_id, actor=actor)
        if invoice.status not in PAYABLE_STATES:
            raise _conflict(
                invoice,
                actor,
                f"Payments can be recorded only on sent or overdue invoices; this one is {invoice.status}.",
            )
        if not _transition_meta(invoice, "pay").has_transition_perm(invoice, invoice.status, actor):
            raise Forbidden("You are not allowed to record payments on this invoice.")
        balance = invoice.total_amount - invoice.amount_paid
        if value > balance:  # type: ignore[operator]
            raise InvalidInput(
                errors={
                    "amount": [
                        f"Payment of {format_amount(value)} exceeds the balance due of {format_amount(balance)}."
                    ]
                }  # type: ignore[arg-type]
            )
        payment = Payment.objects.create(
            invoice=invoice,
            amount=value,
            paid_at=paid_at or timezone.now(),
            method=method,
            reference=reference or "",
            recorded_by=actor,
        )
        invoice.amount_paid += value  # type: ignore[operator]
        _bump(invoice)
        invoice.save()
        event = _record_event(
            invoice,
            actor=actor,
            kind=EventKind.PAYMENT,
            data={
                "payment_id": payment.pk,
                "amount": format_amount(value),
                "method": method,  # type: ignore[arg-type]
                "reference": payment.reference,
                "balance_due": format_amount(invoice.total_amount - invoice.amount_paid),
            },
        )
        events.emit_on_commit(events.build_message(events.INVOICE_PAYMENT_RECORDED, invoice=invoice, event=event))
        if invoice.total_amount - invoice.amount_paid == ZERO:
            _run_transition(invoice, name="pay", actor=actor)
    return payment


def invoice_pay_in_full(
    *, invoice_id: int, actor: Any, method: str = PaymentMethod.BANK_TRANSFER, reference: str = ""
) -> Payment:
    """Record one payment of the whole remaining balance."""
    with transaction.atomic():
        invoice = _lock_visible_invoice(invoice_id=invoice_id, actor=actor)
        if invoice.status not in PAYABLE_STATES:
            raise _conflict(invoice, actor, f"Only sent or overdue invoices can be paid; this one is {invoice.status}.")
        return payment_record(
            invoice_id=invoice.pk,
            actor=actor,
            amount=invoice.total_amount - invoice.amount_paid,
            method=method,
            reference=reference,
        )
