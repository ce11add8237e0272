"""Shapes of the invoice API: what goes out (SPEC section 5's fields) and what comes in.

Input serializers check shapes only (types, lengths, digits, dates); every business
rule (currency codes, date order, totals, who may do what) lives in `invoices.services`,
which the views call with the validated data.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.errors import InvalidInput
from invoices import selectors
from invoices.api.fields import DayOrMomentField
from invoices.models import Customer, Invoice, InvoiceEvent, InvoiceStatus, LineItem, Payment, PaymentMethod
from invoices.money import (
    QUANTITY_PLACES,
    TAX_RATE_PLACES,
    UNIT_PRICE_PLACES,
    ZERO,
    format_amount,
    format_quantity,
    format_unit_price,
)
from invoices.services import MAX_ITEMS

INVOICE_FIELDS = (
    "id",
    "invoice_number",
    "status",
    "customer",
    "customer_name",
    "customer_email",
    "customer_address",
    "currency",
    "issue_date",
    "due_date",
    "date_created",
    "updated_at",
    "notes",
    "items",
    "subtotal",
    "tax_amount",
    "total_amount",
    "amount_paid",
    "amount_credited",
    "balance_due",
    "refund_owed",
    "owner",
    "available_transitions",
    "submitted_at",
    "approved_at",
    "approved_by",
    "sent_at",
    "paid_at",
    "cancelled_at",
    "rejection_reason",
    "source",
)


def sparse_fields(raw: str | None) -> list[str] | None:
    """Parse `fields=a,b,c`. None means every field; an unknown name is a 400 listing the valid ones."""
    if raw is None:
        return None
    names = list(dict.fromkeys(name.strip() for name in raw.split(",") if name.strip()))
    unknown = [name for name in names if name not in INVOICE_FIELDS]
    if unknown or not names:
        problem = f"Unknown field(s): {', '.join(unknown)}" if unknown else "Name at least one field"
        raise InvalidInput(errors={"fields": [f"{problem}; valid fields: {', '.join(INVOICE_FIELDS)}."]})
    return names


# --- out ---------------------------------------------------------------------------------


class UserSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)


class CustomerSummarySerializer(serializers.ModelSerializer):
    # Declared so the schema says "an e-mail or empty": customers need not have an address.
    email = serializers.EmailField(read_only=True, allow_blank=True)

    class Meta:
        model = Customer
        fields = ("id", "name", "email")
        read_only_fields = fields


class QuantityField(serializers.DecimalField):
    """A quantity as it was given, without the column's padding: `"4"`, `"1.459"`."""

    def to_representation(self, value: Decimal) -> str:
        return format_quantity(value)


class UnitPriceField(serializers.DecimalField):
    """A unit price with two places, or up to four when it has them: `"19.99"`, `"0.0125"`."""

    def to_representation(self, value: Decimal) -> str:
        return format_unit_price(value)


class RateField(serializers.DecimalField):
    """A percentage with two places, or three when it has them: `"19.00"`, `"8.875"`."""

    def to_representation(self, value: Decimal) -> str:
        return format_unit_price(value)


class LineItemSerializer(serializers.ModelSerializer):
    tax_rate = RateField(max_digits=3 + TAX_RATE_PLACES, decimal_places=TAX_RATE_PLACES, read_only=True)
    quantity = QuantityField(max_digits=11 + QUANTITY_PLACES, decimal_places=QUANTITY_PLACES, read_only=True)
    unit_price = UnitPriceField(max_digits=12 + UNIT_PRICE_PLACES, decimal_places=UNIT_PRICE_PLACES, read_only=True)

    class Meta:
        model = LineItem
        fields = (
            "id",
            "line_number",
            "description",
            "quantity",
            "unit_price",
            "discount_percent",
            "tax_rate",
            "line_total",
        )
        read_only_fields = fields


class InvoiceSerializer(serializers.ModelSerializer):
    """One invoice as every API client sees it. `context["fields"]` narrows it (sparse fields)."""

    customer = CustomerSummarySerializer(read_only=True)
    customer_email = serializers.EmailField(read_only=True, allow_blank=True)  # may be empty, as above
    items = LineItemSerializer(many=True, read_only=True)
    owner = UserSummarySerializer(read_only=True)
    approved_by = UserSummarySerializer(read_only=True, allow_null=True)
    balance_due = serializers.SerializerMethodField()
    refund_owed = serializers.SerializerMethodField()
    available_transitions = serializers.SerializerMethodField()

    class Meta:
        model = Invoice
        fields = INVOICE_FIELDS
        read_only_fields = fields

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        wanted = self.context.get("fields")
        if wanted is not None:
            for name in set(self.fields) - set(wanted):
                self.fields.pop(name)

    @extend_schema_field(serializers.DecimalField(max_digits=14, decimal_places=2))
    def get_balance_due(self, invoice: Invoice) -> str:
        # Computed here: the stored generated column is stale on an instance just saved.
        return format_amount(invoice.outstanding)

    @extend_schema_field(serializers.DecimalField(max_digits=14, decimal_places=2))
    def get_refund_owed(self, invoice: Invoice) -> str:
        """What the seller owes back when payments and credit notes exceed the total."""
        return format_amount(invoice.refund_owed)

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_available_transitions(self, invoice: Invoice) -> list[str]:
        request = self.context.get("request")
        return selectors.invoice_available_transitions(invoice=invoice, user=getattr(request, "user", None))


class SparseInvoiceSerializer(InvoiceSerializer):
    """An invoice as the reads that take `fields=` send it: every field, or the subset asked for.

    The output is `InvoiceSerializer`'s; the OpenAPI document lists no field as required
    here (see `invoices.api.schema.SparseInvoiceExtension`), since `fields=id` sends only `id`.
    """


class PaymentSerializer(serializers.ModelSerializer):
    recorded_by = UserSummarySerializer(read_only=True, allow_null=True)

    class Meta:
        model = Payment
        fields = ("id", "invoice", "amount", "paid_at", "method", "reference", "recorded_by", "created_at")
        read_only_fields = fields


class BlankAsNullCharField(serializers.CharField):
    """The audit trail sends null, not "", for what does not apply (as the live messages do)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(read_only=True, allow_null=True, **kwargs)

    def to_representation(self, value: Any) -> str | None:  # type: ignore[override]  # DRF renders None as null
        return str(value) if value else None


class InvoiceEventSerializer(serializers.ModelSerializer):
    transition = BlankAsNullCharField()
    from_status = BlankAsNullCharField()
    to_status = BlankAsNullCharField()
    reason = BlankAsNullCharField()
    actor = UserSummarySerializer(read_only=True, allow_null=True)
    data = serializers.JSONField(read_only=True)  # type: ignore[assignment]  # the event's `data` field, not Serializer.data
    at = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = InvoiceEvent
        fields = ("id", "kind", "transition", "from_status", "to_status", "actor", "reason", "data", "at")
        read_only_fields = fields


class CustomerSerializer(serializers.ModelSerializer):
    """In and out: the service checks names (unique per owner, ignoring case)."""

    class Meta:
        model = Customer
        fields = ("id", "name", "email", "address", "phone", "tax_id", "notes", "created_at", "updated_at")
        read_only_fields = ("id", "created_at", "updated_at")


# --- in ----------------------------------------------------------------------------------


class NumberField(serializers.DecimalField):
    """A decimal whose limits are reported the way people think of them.

    DRF checks the total digit count first, so "1234567890123.00" would be refused as
    "more than 14 digits in total"; here it is "more than 12 digits before the decimal
    point". Trailing zeros after the point do not count ("10.500" is 10.50).
    """

    def validate_precision(self, value: Decimal) -> Decimal:
        _, digit_tuple, exponent = value.as_tuple()
        digits = list(digit_tuple)
        while isinstance(exponent, int) and exponent < 0 and len(digits) > 1 and digits[-1] == 0:
            digits.pop()
            exponent += 1
        if not isinstance(exponent, int):  # NaN and infinities are refused before this
            return value
        whole_digits = max(len(digits) + exponent, 0)
        decimal_places = max(-exponent, 0)
        if self.max_whole_digits is not None and whole_digits > self.max_whole_digits:
            self.fail("max_whole_digits", max_whole_digits=self.max_whole_digits)
        if self.decimal_places is not None and decimal_places > self.decimal_places:
            self.fail("max_decimal_places", max_decimal_places=self.decimal_places)
        return value


class DocumentedNumberField(NumberField):
    """A decimal whose limits (digits, places, ranges) the service checks, not this field.

    The field parses the number (anything else is "A valid number is required.", as the
    service says it too) and keeps `max_digits` and `decimal_places` only so the OpenAPI
    document states them; it neither refuses nor rounds a value beyond them, so a client
    gets the service's message for a bad line, the same one the page and the admin show.
    Missing or null reaches the service too, which names it "This field is required."
    """

    def __init__(self, *, documented_minimum: Decimal | None = ZERO, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)
        self.documented_minimum = documented_minimum  # for the schema's pattern: no minus sign

    def validate_precision(self, value: Decimal) -> Decimal:
        return value

    def quantize(self, value: Decimal) -> Decimal:
        return value


class ItemInputSerializer(serializers.Serializer):
    """One line's shape: a text and four numbers. Required fields, lengths, signs, ranges
    and places are the service's rules (`invoices.services.items`)."""

    description = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    quantity = DocumentedNumberField(max_digits=11 + QUANTITY_PLACES, decimal_places=QUANTITY_PLACES)
    unit_price = DocumentedNumberField(max_digits=12 + UNIT_PRICE_PLACES, decimal_places=UNIT_PRICE_PLACES)
    discount_percent = DocumentedNumberField(max_digits=5, decimal_places=2, default=ZERO)
    tax_rate = DocumentedNumberField(max_digits=3 + TAX_RATE_PLACES, decimal_places=TAX_RATE_PLACES, default=ZERO)


class ItemListField(serializers.ListField):
    """Line items, at most `MAX_ITEMS`; the count is checked before any line is parsed."""

    default_error_messages = {"too_many": "An invoice may have at most {max_items} items; got {count}."}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(child=ItemInputSerializer(), **kwargs)
        self.max_length = MAX_ITEMS  # documented as maxItems; enforced below with a clearer message

    def to_internal_value(self, data: Any) -> list[dict[str, Any]]:
        if isinstance(data, list) and len(data) > MAX_ITEMS:
            self.fail("too_many", max_items=MAX_ITEMS, count=len(data))
        return [dict(row) for row in super().to_internal_value(data)]


class InvoiceInputSerializer(serializers.Serializer):
    """Fields a client may set on a draft. `total_amount`, when sent, must match the items."""

    customer_id = serializers.IntegerField(required=False, allow_null=True)
    customer_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    customer_email = serializers.EmailField(required=False, allow_blank=True)
    customer_address = serializers.CharField(required=False, allow_blank=True)
    invoice_number = serializers.CharField(required=False, allow_blank=True, max_length=40)
    # Any text: the service says whether it is an ISO 4217 code. The length only bounds the echo.
    currency = serializers.CharField(required=False, max_length=40, help_text="An ISO 4217 code such as USD or EUR.")
    issue_date = serializers.DateField(required=False)
    due_date = serializers.DateField(required=False)
    notes = serializers.CharField(required=False, allow_blank=True)
    items = ItemListField(required=False)
    total_amount = NumberField(max_digits=14, decimal_places=2, required=False, allow_null=True)
    # Accepted only so that the service can refuse it by name: status changes go through transitions.
    status = serializers.CharField(required=False, allow_blank=True, allow_null=True, write_only=True)

    def service_arguments(self) -> dict[str, Any]:
        """The validated body as `invoice_update` keywords: items and the claimed total apart."""
        data = dict(self.validated_data)
        items = data.pop("items", None)
        expected_total = data.pop("total_amount", None)
        return {"data": data, "items": items, "expected_total": expected_total}


class InvoiceReplaceInputSerializer(InvoiceInputSerializer):
    """`PUT`: the whole editable invoice. `items` and the customer must be given; the
    customer's e-mail and address and the notes are reset when left out. The number,
    currency and dates keep their values when left out (the server chose them at creation)."""

    customer_email = serializers.EmailField(required=False, allow_blank=True, default="")
    customer_address = serializers.CharField(required=False, allow_blank=True, default="")
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    items = ItemListField()

    def service_arguments(self) -> dict[str, Any]:
        """As PATCH, but the customer is always given: the service refuses neither-nor."""
        arguments = super().service_arguments()
        if "customer_id" not in arguments["data"]:
            arguments["data"].setdefault("customer_name", "")
        return arguments


class InvoiceCreateInputSerializer(InvoiceInputSerializer):
    def validate_status(self, value: str | None) -> str | None:
        if value not in (None, "", InvoiceStatus.DRAFT):
            raise serializers.ValidationError("New invoices start as draft; use the transition endpoints.")
        return value

    def service_arguments(self) -> dict[str, Any]:
        """The validated body as `invoice_create` keywords."""
        data = dict(self.validated_data)
        data.pop("status", None)
        data["expected_total"] = data.pop("total_amount", None)
        data["items"] = data.get("items") or []
        return data


class FindQuerySerializer(serializers.Serializer):
    """`?invoice_number=` of `find`: the CharField also refuses NUL, which PostgreSQL cannot compare."""

    invoice_number = serializers.CharField(
        max_length=40,  # as long as an invoice number can be
        error_messages={"required": "This query parameter is required.", "blank": "This query parameter is required."},
    )


class PaymentInputSerializer(serializers.Serializer):
    # Positive, two places, below the column's limit: `payment_record` decides and says so.
    amount = DocumentedNumberField(max_digits=14, decimal_places=2, required=True, allow_null=False)
    paid_at = DayOrMomentField(required=False, help_text="A moment, or a day (recorded at local midday; today: now).")
    method = serializers.ChoiceField(choices=PaymentMethod.choices, default=PaymentMethod.BANK_TRANSFER)
    reference = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")


class PayInputSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=PaymentMethod.choices, default=PaymentMethod.BANK_TRANSFER)
    reference = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")


REASON_REQUIRED = "A reason is required to reject an invoice."


class RejectInputSerializer(serializers.Serializer):
    reason = serializers.CharField(error_messages={"required": REASON_REQUIRED, "blank": REASON_REQUIRED})


class CaseInsensitiveChoiceField(serializers.ChoiceField):
    """A choice of lower-case values, given in any case (seed 001 writes `PAID`)."""

    def to_internal_value(self, data: Any) -> Any:
        return super().to_internal_value(data.strip().lower() if isinstance(data, str) else data)


class StatusInputSerializer(serializers.Serializer):
    status = CaseInsensitiveChoiceField(
        choices=InvoiceStatus.choices,
        help_text="The status to reach, in any case.",
        error_messages={"invalid_choice": f"Unknown status; use one of {', '.join(InvoiceStatus.values)}."},
    )
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Needed when the way there is a rejection."
    )


class ConflictSerializer(serializers.Serializer):
    """The 409 body: why, where the invoice is, and what the user may do instead."""

    detail = serializers.CharField()
    status = serializers.ChoiceField(choices=InvoiceStatus.choices)
    available_transitions = serializers.ListField(child=serializers.CharField())


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
