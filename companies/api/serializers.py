"""Company profile API shapes: types and lengths only; the rules are in `companies.services`."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from companies.models import CompanyProfile, Numbering
from companies.services import PROFILE_FIELDS

# The fields the profile service writes: one list, kept beside the rules.
FIELDS = PROFILE_FIELDS


class CompanyProfileSerializer(serializers.ModelSerializer):
    logo = serializers.ImageField(read_only=True, allow_null=True)
    # Null until the profile is first saved: before that it reads as the defaults.
    updated_at = serializers.DateTimeField(read_only=True, allow_null=True)

    class Meta:
        model = CompanyProfile
        fields = (*FIELDS, "updated_at")
        read_only_fields = ("updated_at",)


class CompanyProfileInputSerializer(serializers.Serializer):
    """What a PUT or PATCH may send. `logo` is a multipart file (null removes it)."""

    legal_name = serializers.CharField(max_length=200, allow_blank=True, required=False)
    address = serializers.CharField(allow_blank=True, required=False)
    postcode = serializers.CharField(max_length=20, allow_blank=True, required=False)
    city = serializers.CharField(max_length=100, allow_blank=True, required=False)
    country = serializers.CharField(max_length=2, allow_blank=True, required=False)
    tax_id = serializers.CharField(max_length=50, allow_blank=True, required=False)
    email = serializers.EmailField(allow_blank=True, required=False)
    phone = serializers.CharField(max_length=50, allow_blank=True, required=False)
    logo = serializers.ImageField(allow_null=True, required=False)
    iban = serializers.CharField(max_length=42, allow_blank=True, required=False)
    bic = serializers.CharField(max_length=14, allow_blank=True, required=False)
    payment_instructions = serializers.CharField(allow_blank=True, required=False)
    payment_terms_days = serializers.IntegerField(required=False)
    default_currency = serializers.CharField(max_length=3, allow_blank=True, required=False)
    footer_text = serializers.CharField(allow_blank=True, required=False)
    numbering = serializers.ChoiceField(choices=Numbering.choices, required=False)
    number_pattern = serializers.CharField(max_length=40, required=False)
    credit_note_pattern = serializers.CharField(max_length=40, required=False)
    reminder_days = serializers.IntegerField(required=False)

    def service_arguments(self) -> dict[str, Any]:
        return dict(self.validated_data)
