"""The dashboard API's shapes: query parameters in, figures out.

The selectors already return JSON-ready dicts (money as strings with two places); the
output serializers pass them through and give the OpenAPI document their exact shape.
"""

from __future__ import annotations

from rest_framework import serializers

from dashboard.selectors import AGING_BUCKETS
from invoices.models import InvoiceStatus

MAX_REVENUE_MONTHS = 36
MAX_LIMIT = 100


def _money(help_text: str = "") -> serializers.CharField:
    return serializers.CharField(help_text=f"{help_text} A decimal string with two places, e.g. 1234.50.".strip())


# --- query parameters ---------------------------------------------------------------------


class RevenueQuerySerializer(serializers.Serializer):
    months = serializers.IntegerField(
        min_value=1, max_value=MAX_REVENUE_MONTHS, default=12, help_text="Calendar months up to this one."
    )


class TopCustomersQuerySerializer(serializers.Serializer):
    limit = serializers.IntegerField(
        min_value=1, max_value=MAX_LIMIT, default=10, help_text="Customers per currency, at most."
    )


class ActivityQuerySerializer(serializers.Serializer):
    limit = serializers.IntegerField(min_value=1, max_value=MAX_LIMIT, default=20, help_text="Events, at most.")


# --- metrics ------------------------------------------------------------------------------


class AmountCountSerializer(serializers.Serializer):
    amount = _money("Sum of the balances or payments.")
    count = serializers.IntegerField()


# One field per status, read off the model so the document cannot drift from it.
CountsByStatusSerializer = type(
    "CountsByStatusSerializer",
    (serializers.Serializer,),
    {status: serializers.IntegerField() for status in InvoiceStatus.values},
)


class CurrencyMetricsSerializer(serializers.Serializer):
    currency = serializers.CharField()
    outstanding = AmountCountSerializer(help_text="Sent and overdue invoices: their unpaid balance.")
    overdue = AmountCountSerializer(help_text="Overdue, or sent and past the due date: their unpaid balance.")
    paid_last_30_days = AmountCountSerializer(help_text="Payments received in the 30 days up to today.")
    invoiced_last_90_days = _money("Totals of sent, overdue and paid invoices issued in the 90 days up to today.")
    days_sales_outstanding = serializers.CharField(
        allow_null=True,
        help_text="outstanding / invoiced_last_90_days x 90, one decimal place; null when nothing was invoiced.",
    )
    pending_approvals = serializers.IntegerField()
    counts_by_status = CountsByStatusSerializer()


class MetricsSerializer(serializers.Serializer):
    as_of = serializers.DateField(help_text="The day the figures are computed for.")
    scope = serializers.ChoiceField(choices=["own", "all"], help_text="Own invoices, or everyone's (staff).")
    currencies = CurrencyMetricsSerializer(many=True)
    counts_by_status = CountsByStatusSerializer(help_text="Invoice counts over all currencies.")
    pending_approvals = serializers.IntegerField(
        help_text="Approvers: invoices of others waiting for approval. Everyone else: their own waiting ones."
    )


# --- aging --------------------------------------------------------------------------------


class AgingBucketSerializer(serializers.Serializer):
    bucket = serializers.ChoiceField(choices=[key for key, _label, _most in AGING_BUCKETS])
    label = serializers.CharField()  # type: ignore[assignment]  # the bucket's label, not Field.label
    amount = _money("Unpaid balance of the invoices in this bucket.")
    count = serializers.IntegerField()


class CurrencyAgingSerializer(serializers.Serializer):
    currency = serializers.CharField()
    buckets = AgingBucketSerializer(many=True, help_text="Every bucket, in order, zeros included.")
    total = AmountCountSerializer()


class AgingSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    currencies = CurrencyAgingSerializer(many=True)


# --- revenue ------------------------------------------------------------------------------


class RevenueMonthSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM.")
    invoiced = _money("Totals of sent, overdue and paid invoices issued this month.")
    paid = _money("Payments received this month.")


class CurrencyRevenueSerializer(serializers.Serializer):
    currency = serializers.CharField()
    months = RevenueMonthSerializer(many=True, help_text="One row per month, oldest first, zeros included.")
    total_invoiced = _money("Sum over the months.")
    total_paid = _money("Sum over the months.")


class RevenueSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    months = serializers.ListField(child=serializers.CharField(), help_text="The months covered, oldest first.")
    currencies = CurrencyRevenueSerializer(many=True)


# --- customers ----------------------------------------------------------------------------


class CustomerRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class TopCustomerSerializer(serializers.Serializer):
    customer = CustomerRefSerializer()
    balance = _money("Unpaid balance of the customer's sent and overdue invoices.")
    overdue_balance = _money("The part of it that is overdue.")
    invoice_count = serializers.IntegerField(help_text="Sent and overdue invoices.")


class CurrencyTopCustomersSerializer(serializers.Serializer):
    currency = serializers.CharField()
    customers = TopCustomerSerializer(many=True, help_text="Largest balance first.")


class TopCustomersSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    currencies = CurrencyTopCustomersSerializer(many=True)


# --- activity -----------------------------------------------------------------------------


class ActorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField(help_text="The person's full name, else their username.")


class ActivityEventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    transition = serializers.CharField(allow_null=True)
    from_status = serializers.CharField(allow_null=True)
    to_status = serializers.CharField(allow_null=True)
    actor = ActorSerializer(allow_null=True)
    reason = serializers.CharField(allow_null=True)
    at = serializers.DateTimeField()
    text = serializers.CharField(help_text="The event in words, as the invoice page's timeline shows it.")


class ActivityInvoiceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    invoice_number = serializers.CharField()
    status = serializers.ChoiceField(choices=InvoiceStatus.choices)
    total_amount = _money()
    balance_due = _money()
    currency = serializers.CharField()
    customer_name = serializers.CharField()
    due_date = serializers.DateField(allow_null=True)


class ActivitySerializer(serializers.Serializer):
    event = ActivityEventSerializer()
    invoice = ActivityInvoiceSerializer()


class ActivityListSerializer(serializers.Serializer):
    results = ActivitySerializer(many=True, help_text="Newest first.")
