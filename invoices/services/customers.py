"""Customers: created, edited and soft-deleted by their owner, or made inline by an invoice."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NoReturn

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.errors import InvalidInput
from core.integrity import is_violation_of, log_unexpected
from invoices.models import (
    Customer,
    Invoice,
)

if TYPE_CHECKING:
    from accounts.models import User

CUSTOMER_FIELDS = ("name", "email", "address", "phone", "tax_id", "notes")
NAME_UNIQUE = "invoices_customer_name_unique_per_owner"
NAME_TAKEN = "You already have a customer with this name."
UNKNOWN_CUSTOMER = "No customer of yours has this id."
CUSTOMER_MISSING = "Give customer_id or customer_name."


def _raise_for_integrity(exc: IntegrityError) -> NoReturn:
    if is_violation_of(exc, NAME_UNIQUE):
        raise InvalidInput(errors={"name": [NAME_TAKEN]}) from exc
    log_unexpected(exc)
    raise exc


def _customer_name_taken(*, owner_id: int, name: str, exclude_id: int | None = None) -> bool:
    query = Customer.objects.alive().filter(owner_id=owner_id, name__iexact=name.strip())
    if exclude_id is not None:
        query = query.exclude(pk=exclude_id)
    return query.exists()


def customer_create(
    *, owner: User, name: str, email: str = "", address: str = "", phone: str = "", tax_id: str = "", notes: str = ""
) -> Customer:
    """Create one of the owner's customers. Names are unique per owner, ignoring case."""
    name = (name or "").strip()
    if not name:
        raise InvalidInput(errors={"name": ["This field is required."]})
    if _customer_name_taken(owner_id=owner.pk, name=name):
        raise InvalidInput(errors={"name": [NAME_TAKEN]})
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
    except IntegrityError as exc:
        _raise_for_integrity(exc)


def customer_update(*, customer: Customer, data: Mapping[str, Any]) -> Customer:
    """Change a customer's details. Invoices keep the copy made when they were written."""
    changed = [name for name in CUSTOMER_FIELDS if name in data]
    if "name" in data:
        name = (data["name"] or "").strip()
        if not name:
            raise InvalidInput(errors={"name": ["This field is required."]})
        if _customer_name_taken(owner_id=customer.owner_id, name=name, exclude_id=customer.pk):
            raise InvalidInput(errors={"name": [NAME_TAKEN]})
    for name in changed:
        value = data[name]
        setattr(customer, name, value.strip() if name == "name" else (value or ""))
    if changed:
        try:
            with transaction.atomic():
                customer.save(update_fields=[*changed, "updated_at"])
        except IntegrityError as exc:
            _raise_for_integrity(exc)
    return customer


def customer_delete(*, customer: Customer) -> None:
    """Soft delete: invoices that name the customer keep pointing at it."""
    customer.deleted_at = timezone.now()
    customer.save(update_fields=["deleted_at", "updated_at"])


def _check_customer(errors: dict[str, Any], *, owner: Any, customer_id: int | None, name: str) -> None:
    """What `_resolve_customer` would refuse, added to `errors` without writing anything."""
    if customer_id is not None:
        if not Customer.objects.alive().filter(pk=customer_id, owner=owner).exists():
            errors["customer_id"] = [UNKNOWN_CUSTOMER]
    elif not (name or "").strip():
        errors["customer_name"] = [CUSTOMER_MISSING]


def _resolve_customer(*, owner: Any, customer_id: int | None, name: str, email: str, address: str) -> Customer:
    if customer_id is not None:
        customer = Customer.objects.alive().filter(pk=customer_id, owner=owner).first()
        if customer is None:
            raise InvalidInput(errors={"customer_id": [UNKNOWN_CUSTOMER]})
        return customer
    name = (name or "").strip()
    if not name:
        raise InvalidInput(errors={"customer_name": [CUSTOMER_MISSING]})
    existing = Customer.objects.alive().filter(owner=owner, name__iexact=name).first()
    if existing is not None:
        changed: list[str] = []
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
