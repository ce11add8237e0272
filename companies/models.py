"""The seller's identity per owner, and the counters sequential numbers are drawn from."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Numbering(models.TextChoices):
    RANDOM = "random", "Random (INV-YYYYMM-XXXXXX)"
    SEQUENTIAL = "sequential", "Sequential, from a pattern"


DEFAULT_NUMBER_PATTERN = "INV-{YYYY}-{SEQ:05}"
DEFAULT_CREDIT_NOTE_PATTERN = "CN-{YYYY}-{SEQ:05}"
DEFAULT_PAYMENT_TERMS_DAYS = 30
DEFAULT_REMINDER_DAYS = 7


class CompanyProfile(models.Model):
    """Who an owner's invoices are from: printed in the "From" block of the PDF, the
    print view and the e-mails, and carried as the seller of the e-invoice XML.

    Owners without a saved profile get an unsaved default one (see
    `companies.selectors.company_profile_get`), so every door reads the same shape.
    """

    owner = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="company_profile")
    legal_name = models.CharField(max_length=200, blank=True)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=20, blank=True)
    city = models.CharField(max_length=100, blank=True)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2, e.g. DE")
    tax_id = models.CharField(max_length=50, blank=True, help_text="VAT or GST number")
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=50, blank=True)
    logo = models.ImageField(upload_to="company-logos/", blank=True)
    iban = models.CharField(max_length=34, blank=True)
    bic = models.CharField(max_length=11, blank=True)
    payment_instructions = models.TextField(blank=True)
    payment_terms_days = models.PositiveSmallIntegerField(default=DEFAULT_PAYMENT_TERMS_DAYS)
    default_currency = models.CharField(max_length=3, blank=True)
    footer_text = models.TextField(blank=True)
    numbering = models.CharField(max_length=16, choices=Numbering.choices, default=Numbering.RANDOM)
    number_pattern = models.CharField(max_length=40, default=DEFAULT_NUMBER_PATTERN)
    credit_note_pattern = models.CharField(max_length=40, default=DEFAULT_CREDIT_NOTE_PATTERN)
    reminder_days = models.PositiveSmallIntegerField(default=DEFAULT_REMINDER_DAYS)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(numbering__in=[choice.value for choice in Numbering]),
                name="companies_profile_numbering_valid",
                violation_error_message="Numbering must be random or sequential.",
            ),
            models.CheckConstraint(
                condition=Q(payment_terms_days__lte=365),
                name="companies_profile_payment_terms_at_most_a_year",
                violation_error_message="Payment terms can be at most 365 days.",
            ),
        ]

    def __str__(self) -> str:
        return self.legal_name or f"Company of {self.owner_id}"


class NumberSeries(models.TextChoices):
    INVOICE = "invoice", "Invoices"
    CREDIT_NOTE = "credit_note", "Credit notes"


class NumberCounter(models.Model):
    """The last number given in one owner's series for one period (a year, or 0 for
    patterns without a year). Locked with SELECT ... FOR UPDATE while a number is drawn,
    and incremented in the same transaction as the document that takes the number, so a
    rollback gives the number back: no gaps, no duplicates."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    series = models.CharField(max_length=16, choices=NumberSeries.choices)
    period = models.PositiveIntegerField()
    last_value = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "series", "period"],
                name="companies_counter_unique",
                violation_error_message="This owner already has a counter for this series and year.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.owner_id} {self.series} {self.period}: {self.last_value}"
