"""Company profiles made the way users make them: through the service."""

from __future__ import annotations

from typing import Any

from companies.models import CompanyProfile
from companies.services import company_profile_update

GERMAN_COMPANY = {
    "legal_name": "Olivia Design GmbH",
    "address": "Musterstraße 1",
    "postcode": "10115",
    "city": "Berlin",
    "country": "DE",
    "tax_id": "DE136695976",
    "email": "billing@olivia.example",
    "phone": "+49 30 1234567",
    "iban": "DE89 3704 0044 0532 0130 00",
    "bic": "COBADEFFXXX",
    "payment_instructions": "Bank transfer within 30 days.",
    "footer_text": "Registered at Amtsgericht Berlin, HRB 12345.",
}


def make_company(*, owner: Any, **fields: Any) -> CompanyProfile:
    return company_profile_update(owner=owner, data={**GERMAN_COMPANY, **fields})
