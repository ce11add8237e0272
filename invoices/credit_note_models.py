"""Credit notes: a final document that takes back part or all of an invoice.

A credit note is issued on a sent, overdue or paid invoice and is never edited or
removed; it lowers the invoice's balance due (`Invoice.amount_credited`), or on a paid
invoice records a refund owed. Its lines have the invoice lines' shape and are computed
with the same money functions. Imported by `invoices.models`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.lookups import Exact, GreaterThan, GreaterThanOrEqual
from django.utils import timezone

from accounts.roles import visible_to
from invoices.money import QUANTITY_PLACES, TAX_RATE_PLACES, UNIT_PRICE_PLACES, ZERO
from invoices.money_db import minor_units

if TYPE_CHECKING:
    from accounts.models import User


def _money_field(**kwargs: Any) -> models.DecimalField:
    return models.DecimalField(max_digits=14, decimal_places=2, default=ZERO, **kwargs)


class CreditNoteQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> CreditNoteQuerySet:
        """The same rule as invoices: owners see their own, staff everyone's."""
        return visible_to(self, user)


class CreditNote(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="credit_notes")
    invoice = models.ForeignKey("invoices.Invoice", on_delete=models.PROTECT, related_name="credit_notes")
    number = models.CharField(max_length=40)
    reason = models.TextField()
    currency = models.CharField(max_length=3)
    issue_date = models.DateField(default=timezone.localdate)
    subtotal = _money_field()
    tax_amount = _money_field()
    total_amount = _money_field()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = CreditNoteQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "number"],
                name="invoices_creditnote_number_unique_per_owner",
                violation_error_message="You already have a credit note with this number.",
            ),
            # Money compared in integer cents, as on invoices (see invoices/money_db.py).
            models.CheckConstraint(
                # Lookups joined with & make a Q; django-stubs types the result as Combinable.
                condition=GreaterThanOrEqual(minor_units("subtotal"), 0)  # type: ignore[arg-type]
                & GreaterThanOrEqual(minor_units("tax_amount"), 0)
                & GreaterThan(minor_units("total_amount"), 0),
                name="invoices_creditnote_amounts_positive",
                violation_error_message="A credit note's amounts cannot be negative and its total must be above zero.",
            ),
            models.CheckConstraint(
                condition=Exact(minor_units("total_amount"), minor_units("subtotal") + minor_units("tax_amount")),
                name="invoices_creditnote_total_is_sum",
                violation_error_message="The credit note total must equal its subtotal plus tax.",
            ),
        ]
        indexes = [models.Index(fields=["owner", "-created_at"], name="creditnote_owner_created_idx")]

    def __str__(self) -> str:
        return self.number


class CreditNoteItem(models.Model):
    credit_note = models.ForeignKey(CreditNote, on_delete=models.CASCADE, related_name="items")
    line_number = models.PositiveIntegerField()
    description = models.CharField(max_length=500)
    quantity = models.DecimalField(max_digits=11 + QUANTITY_PLACES, decimal_places=QUANTITY_PLACES)
    unit_price = models.DecimalField(max_digits=12 + UNIT_PRICE_PLACES, decimal_places=UNIT_PRICE_PLACES)
    discount_percent = models.DecimalField(max_digits=5, decimal_places=2, default=ZERO)
    tax_rate = models.DecimalField(max_digits=3 + TAX_RATE_PLACES, decimal_places=TAX_RATE_PLACES, default=ZERO)
    line_total = _money_field()
    tax_amount = _money_field()

    class Meta:
        ordering = ["line_number", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_note", "line_number"],
                name="invoices_creditnoteitem_unique",
                violation_error_message="Each line of a credit note has its own line number.",
            ),
            models.CheckConstraint(
                condition=Q(quantity__gt=0),
                name="invoices_creditnoteitem_quantity_positive",
                violation_error_message="Quantity must be greater than zero.",
            ),
            models.CheckConstraint(
                condition=Q(unit_price__gte=0),
                name="invoices_creditnoteitem_price_non_negative",
                violation_error_message="Unit price cannot be negative.",
            ),
            models.CheckConstraint(
                condition=GreaterThanOrEqual(minor_units("line_total"), 0)
                & GreaterThanOrEqual(minor_units("tax_amount"), 0),
                name="invoices_creditnoteitem_amounts_non_negative",
                violation_error_message="A credit note line's total and tax cannot be negative.",
            ),
        ]

    def __str__(self) -> str:
        return f"Line {self.line_number}: {self.description}"
