"""Invoices, their customers, lines, payments and the append-only audit trail.

Single-instance invariants live here: database constraints for what must never be
false, and the state machine's transitions (which change fields only; locking, the
audit trail and side effects belong to `invoices.services`).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Self

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Greatest, Lower, Round
from django.db.models.lookups import Exact, GreaterThan, GreaterThanOrEqual, LessThanOrEqual
from django.utils import timezone
from django_fsm import FSMField, FSMModelMixin

from accounts.roles import is_approver, visible_to
from invoices.fsm import transition
from invoices.money import QUANTITY_PLACES, TAX_RATE_PLACES, UNIT_PRICE_PLACES, ZERO
from invoices.money_db import minor_units

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PENDING_APPROVAL = "pending_approval", "Pending approval"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    SENT = "sent", "Sent"
    OVERDUE = "overdue", "Overdue"
    PAID = "paid", "Paid"
    CANCELLED = "cancelled", "Cancelled"


class InvoiceSource(models.TextChoices):
    MANUAL = "manual", "Manual"
    EXTRACTED = "extracted", "Extracted"


S = InvoiceStatus
CANCELLABLE_STATES = [S.DRAFT, S.PENDING_APPROVAL, S.REJECTED, S.APPROVED, S.SENT, S.OVERDUE]
PAYABLE_STATES = [S.SENT, S.OVERDUE]
TERMINAL_STATES = [S.PAID, S.CANCELLED]
# What is owed: the balance of sent and overdue invoices. Drafts, pending and approved
# invoices are not owed yet; the dashboard's Outstanding and the list's balance agree.
OWED = Q(status__in=PAYABLE_STATES)
DELETABLE_STATES = [S.DRAFT, S.CANCELLED]


def _money_field(**kwargs: Any) -> models.DecimalField:
    return models.DecimalField(max_digits=14, decimal_places=2, default=ZERO, **kwargs)


class SoftDeleteQuerySet(models.QuerySet):
    def alive(self) -> Self:
        return self.filter(deleted_at__isnull=True)


class Customer(models.Model):
    """Someone an owner invoices. Names are unique per owner among live customers."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="customers")
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    address = models.TextField(blank=True)
    phone = models.CharField(max_length=50, blank=True)
    tax_id = models.CharField(max_length=50, blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = SoftDeleteQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                F("owner"),
                Lower("name"),
                condition=Q(deleted_at__isnull=True),
                name="invoices_customer_name_unique_per_owner",
                violation_error_message="You already have a customer with this name.",
            ),
        ]
        indexes = [models.Index(fields=["owner", "name"])]

    def __str__(self) -> str:
        return self.name


def _is_owner(invoice: Invoice, user: User | AnonymousUser | None) -> bool:
    return user is not None and user.is_authenticated and invoice.owner_id == user.pk


def _is_approver_not_owner(invoice: Invoice, user: User | AnonymousUser | None) -> bool:
    """Four-eyes: approvers (staff holding the permission) may not decide their own invoices."""
    return is_approver(user) and invoice.owner_id != user.pk


def _is_owner_or_admin(invoice: Invoice, user: User | AnonymousUser | None) -> bool:
    return _is_owner(invoice, user) or bool(user is not None and user.is_active and user.is_superuser)


def _is_owner_or_staff(invoice: Invoice, user: User | AnonymousUser | None) -> bool:
    return _is_owner(invoice, user) or bool(user is not None and user.is_active and user.is_staff)


def _nobody(invoice: Invoice, user: User | AnonymousUser | None) -> bool:
    """Transitions only the system runs (the overdue sweep), never a person."""
    return False


def _has_items(invoice: Invoice) -> bool:
    return invoice.pk is not None and invoice.items.exists()


def _total_positive(invoice: Invoice) -> bool:
    return invoice.total_amount > ZERO


def _past_due(invoice: Invoice) -> bool:
    as_of = getattr(invoice, "overdue_as_of", None) or timezone.localdate()
    return invoice.due_date is not None and invoice.due_date < as_of


class InvoiceQuerySet(SoftDeleteQuerySet):
    def visible_to(self, user: User) -> InvoiceQuerySet:
        """Owners see their own invoices, staff see everyone's; deleted ones nobody."""
        return visible_to(self.alive(), user)


class Invoice(FSMModelMixin, models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="invoices")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="invoices")
    invoice_number = models.CharField(max_length=40)
    # True while the number is a placeholder waiting for its sequential number at approval
    # (see `invoices.services.numbering`); a number the user typed is never provisional.
    number_is_provisional = models.BooleanField(default=False, editable=False)
    status = FSMField(default=S.DRAFT, choices=S.choices, protected=True, db_index=True)
    source = models.CharField(max_length=16, choices=InvoiceSource.choices, default=InvoiceSource.MANUAL)

    customer_name = models.CharField(max_length=200)
    customer_email = models.EmailField(blank=True)
    customer_address = models.TextField(blank=True)

    currency = models.CharField(max_length=3)
    issue_date = models.DateField()
    due_date = models.DateField()
    notes = models.TextField(blank=True)

    subtotal = _money_field()
    tax_amount = _money_field()
    total_amount = _money_field()
    amount_paid = _money_field()
    # The sum of the invoice's credit notes; never above the total.
    amount_credited = _money_field()
    # What the customer still owes, net of payments and credits. Never negative: a credit
    # on a paid invoice is a refund owed (`refund_owed`), not a negative balance.
    balance_due = models.GeneratedField(
        # Rounded to cents in SQL like `rounded_difference`: exact on SQLite's doubles too.
        expression=Greatest(
            Round(
                F("total_amount") - F("amount_paid") - F("amount_credited"),
                2,
                output_field=models.DecimalField(max_digits=14, decimal_places=2),
            ),
            Value(ZERO),
            output_field=models.DecimalField(max_digits=14, decimal_places=2),
        ),
        output_field=models.DecimalField(max_digits=14, decimal_places=2),
        db_persist=True,
    )

    date_created = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Bumped on every write; the API's ETag and If-Match are built on it.
    version = models.PositiveIntegerField(default=1)

    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="approved_invoices"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = InvoiceQuerySet.as_manager()
    # Not a column: the date the overdue sweep judges "past due" by (default: today).
    overdue_as_of: date | None = None

    class Meta:
        ordering = ["-date_created", "-id"]
        permissions = [("approve_invoice", "Can approve and reject invoices")]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "invoice_number"],
                name="invoices_invoice_number_unique_per_owner",
                violation_error_message="You already have an invoice with this number.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=S.values),
                name="invoices_invoice_status_valid",
                violation_error_message="The invoice's status is not one of the known states.",
            ),
            # Money constraints compare integer cents (see invoices/money_db.py): exact on
            # PostgreSQL's numeric and on SQLite's binary doubles alike.
            models.CheckConstraint(
                condition=Q(
                    *(
                        GreaterThanOrEqual(minor_units(name), 0)
                        for name in ("subtotal", "tax_amount", "total_amount", "amount_paid")
                    )
                ),
                name="invoices_invoice_amounts_non_negative",
                violation_error_message="Invoice amounts (subtotal, tax, total, paid) cannot be negative.",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(minor_units("amount_paid"), minor_units("total_amount")),
                name="invoices_invoice_paid_not_above_total",
                violation_error_message="The amount paid cannot exceed the invoice total.",
            ),
            models.CheckConstraint(
                condition=GreaterThanOrEqual(minor_units("amount_credited"), 0)
                & LessThanOrEqual(minor_units("amount_credited"), minor_units("total_amount")),
                name="invoices_invoice_credited_not_above_total",
                violation_error_message="The amount credited cannot exceed the invoice total.",
            ),
            models.CheckConstraint(
                condition=Exact(minor_units("total_amount"), minor_units("subtotal") + minor_units("tax_amount")),
                name="invoices_invoice_total_is_sum",
                violation_error_message="The invoice total must equal its subtotal plus tax.",
            ),
            models.CheckConstraint(
                condition=Q(due_date__gte=F("issue_date")),
                name="invoices_invoice_due_after_issue",
                violation_error_message="The due date cannot be before the issue date.",
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "-date_created"], name="invoice_owner_created_idx"),
            models.Index(fields=["owner", "status"], name="invoice_owner_status_idx"),
            models.Index(fields=["status", "due_date"], name="invoice_status_due_idx"),
            models.Index(fields=["customer"], name="invoice_customer_idx"),
        ]

    def __str__(self) -> str:
        return self.invoice_number

    # --- the state machine: field changes only -------------------------------------

    @transition(
        field=status,
        source=S.DRAFT,
        target=S.PENDING_APPROVAL,
        conditions=[_has_items, _total_positive],
        permission=_is_owner,
    )
    def submit(self, *, by: User | None = None) -> None:
        self.submitted_at = timezone.now()
        self.rejection_reason = ""

    @transition(field=status, source=S.PENDING_APPROVAL, target=S.APPROVED, permission=_is_approver_not_owner)
    def approve(self, *, by: User | None) -> None:
        self.approved_at = timezone.now()
        self.approved_by = by

    @transition(field=status, source=S.PENDING_APPROVAL, target=S.REJECTED, permission=_is_approver_not_owner)
    def reject(self, *, by: User | None, reason: str) -> None:
        self.rejection_reason = reason

    @transition(field=status, source=S.REJECTED, target=S.DRAFT, permission=_is_owner)
    def revise(self, *, by: User | None = None) -> None:
        self.submitted_at = None

    @transition(field=status, source=S.APPROVED, target=S.SENT, permission=_is_owner)
    def send(self, *, by: User | None = None) -> None:
        self.sent_at = timezone.now()

    @transition(field=status, source=PAYABLE_STATES, target=S.PAID, permission=_is_owner_or_staff)
    def pay(self, *, by: User | None = None) -> None:
        """Reached by recording payments; the service calls it when the balance is zero."""
        self.paid_at = timezone.now()

    @transition(field=status, source=S.SENT, target=S.OVERDUE, conditions=[_past_due], permission=_nobody)
    def mark_overdue(self, *, by: User | None = None) -> None:
        pass

    @transition(field=status, source=CANCELLABLE_STATES, target=S.CANCELLED, permission=_is_owner_or_admin)
    def cancel(self, *, by: User | None = None) -> None:
        self.cancelled_at = timezone.now()

    @property
    def outstanding(self) -> Decimal:
        """The balance due from the fields in hand (the generated column is read back only
        on the next load): total less payments and credits, never below zero."""
        return max(ZERO, self.total_amount - self.amount_paid - self.amount_credited)

    @property
    def refund_owed(self) -> Decimal:
        """What the seller owes back when payments and credits together exceed the total."""
        return max(ZERO, self.amount_paid + self.amount_credited - self.total_amount)

    @property
    def is_editable(self) -> bool:
        return self.status == S.DRAFT

    @property
    def etag(self) -> str:
        return f'"{self.pk}-{self.version}"'


class LineItem(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="items")
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
                fields=["invoice", "line_number"],
                name="invoices_lineitem_number_unique",
                violation_error_message="Each line of an invoice has its own line number.",
            ),
            models.CheckConstraint(
                condition=Q(quantity__gt=0),
                name="invoices_lineitem_quantity_positive",
                violation_error_message="Quantity must be greater than zero.",
            ),
            models.CheckConstraint(
                condition=Q(unit_price__gte=0),
                name="invoices_lineitem_price_non_negative",
                violation_error_message="Unit price cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(discount_percent__gte=0) & Q(discount_percent__lte=100),
                name="invoices_lineitem_discount_range",
                violation_error_message="A discount must be between 0 and 100 percent.",
            ),
            models.CheckConstraint(
                condition=Q(tax_rate__gte=0) & Q(tax_rate__lte=100),
                name="invoices_lineitem_tax_rate_range",
                violation_error_message="A tax rate must be between 0 and 100 percent.",
            ),
            models.CheckConstraint(
                condition=GreaterThanOrEqual(minor_units("line_total"), 0)
                & GreaterThanOrEqual(minor_units("tax_amount"), 0),
                name="invoices_lineitem_amounts_non_negative",
                violation_error_message="A line's total and tax cannot be negative.",
            ),
        ]

    def __str__(self) -> str:
        # Read as the admin's inline titles: "Line 1: Website design".
        return f"Line {self.line_number}: {self.description}"


class PaymentMethod(models.TextChoices):
    BANK_TRANSFER = "bank_transfer", "Bank transfer"
    CARD = "card", "Card"
    CASH = "cash", "Cash"
    CHECK = "check", "Check"
    OTHER = "other", "Other"


class Payment(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    paid_at = models.DateTimeField(default=timezone.now)
    method = models.CharField(max_length=20, choices=PaymentMethod.choices, default=PaymentMethod.BANK_TRANSFER)
    reference = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["paid_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=GreaterThan(minor_units("amount"), 0),
                name="invoices_payment_amount_positive",
                violation_error_message="A payment must be greater than zero.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.amount} on {self.invoice_id}"


class EventKind(models.TextChoices):
    CREATED = "created", "Created"
    UPDATED = "updated", "Updated"
    TRANSITION = "transition", "Status changed"
    PAYMENT = "payment", "Payment recorded"
    CREDIT = "credit", "Credit note issued"
    DELETED = "deleted", "Deleted"


class InvoiceEvent(models.Model):
    """One line of the audit trail. Rows are written once and never changed or removed."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="events")
    # The invoice's owner, copied so "my recent activity" reads one index, not a join.
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    transition = models.CharField(max_length=32, blank=True)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["invoice", "created_at"], name="invoiceevent_invoice_at_idx"),
            # The dashboard's recent activity across everyone's invoices (staff): newest first.
            models.Index(fields=["-created_at", "-id"], name="invoiceevent_recent_idx"),
            # The same for one owner's invoices, without joining every event to its invoice.
            models.Index(fields=["owner", "-created_at", "-id"], name="invoiceevent_owner_recent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}{f' ({self.transition})' if self.transition else ''}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("Invoice events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("Invoice events are append-only.")


class IdempotencyRecord(models.Model):
    """The first response to a POST carrying an `Idempotency-Key`, replayed on retries."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    scope = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField(null=True)
    response_body = models.JSONField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "scope", "key"],
                name="invoices_idempotency_key_unique",
                violation_error_message="This Idempotency-Key was already used.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}"


# Credit notes live in their own module to keep this one small; imported here so Django
# registers them as models of this app.
from invoices.credit_note_models import CreditNote, CreditNoteItem  # noqa: E402, F401
