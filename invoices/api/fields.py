"""Input fields whose shape the API accepts in more than one spelling."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

DAY_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@extend_schema_field(OpenApiTypes.DATETIME)
class DayOrMomentField(serializers.DateTimeField):
    """A moment (ISO 8601 date-time), or a day alone (`2026-03-04`), passed on as a `date`
    so the service applies its convention for days (`invoices.actions.payment_time`)
    instead of this field reading it as midnight."""

    def to_internal_value(self, value: Any) -> datetime | date:  # type: ignore[override]  # a day stays a date
        if isinstance(value, str) and DAY_ONLY.match(value.strip()):
            return serializers.DateField().run_validation(value.strip())
        return super().to_internal_value(value)
