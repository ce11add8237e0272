"""The company profile service: every rule a profile is held to, and nothing written on a refusal."""

from __future__ import annotations

from typing import Any

import pytest

from companies.models import CompanyProfile, Numbering
from companies.services import company_profile_update
from companies.tests.factories import make_company
from core.errors import InvalidInput

pytestmark = pytest.mark.django_db


def test_a_profile_is_saved_with_normalised_iban_bic_and_tax_id(owner: Any) -> None:
    profile = make_company(owner=owner, tax_id="de 136 695 976", country="de", bic="cobadeffxxx")
    profile.refresh_from_db()
    assert (profile.iban, profile.bic, profile.tax_id, profile.country) == (
        "DE89370400440532013000",
        "COBADEFFXXX",
        "DE 136 695 976",
        "DE",
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("tax_id", "DE136695977", "This is not a valid tax id (the number's checksum or check digit is invalid)."),
        (
            "iban",
            "DE89 3704 0044 0532 0130 01",
            "This is not a valid IBAN (the number's checksum or check digit is invalid).",
        ),
        ("bic", "COBA", "This is not a valid BIC (the number has an invalid length)."),
        ("country", "XX", "Unknown country 'XX'; use an ISO 3166-1 alpha-2 code such as DE."),
        ("default_currency", "EUX", "Unknown currency; use an ISO 4217 code such as USD or EUR."),
        ("payment_terms_days", 400, "Must be a whole number of days from 0 to 365."),
        ("numbering", "alphabetical", "Use one of random, sequential."),
        (
            "number_pattern",
            "RE-{YYYY}",
            "The number pattern must hold exactly one {SEQ} placeholder, e.g. RE-{YYYY}-{SEQ:05}.",
        ),
    ],
)
def test_a_bad_value_is_refused_naming_the_field_and_nothing_is_saved(
    owner: Any, field: str, value: Any, message: str
) -> None:
    with pytest.raises(InvalidInput) as raised:
        make_company(owner=owner, **{field: value})
    assert raised.value.errors == {field: [message]}
    assert not CompanyProfile.objects.filter(owner=owner).exists()


def test_a_tax_id_is_checked_by_the_profiles_country_when_it_has_no_eu_prefix(owner: Any) -> None:
    make_company(owner=owner, country="AU", tax_id="51 824 753 556")  # a valid Australian ABN
    with pytest.raises(InvalidInput) as raised:
        company_profile_update(owner=owner, data={"tax_id": "51 824 753 557"})
    assert list(raised.value.errors or {}) == ["tax_id"]
    assert CompanyProfile.objects.get(owner=owner).tax_id == "51 824 753 556"


def test_changing_the_country_rechecks_the_stored_tax_id(owner: Any) -> None:
    make_company(owner=owner, country="AU", tax_id="51 824 753 556")
    with pytest.raises(InvalidInput) as raised:
        company_profile_update(owner=owner, data={"country": "IN"})
    assert list(raised.value.errors or {}) == ["tax_id"]
    assert CompanyProfile.objects.get(owner=owner).country == "AU"


def test_a_partial_update_keeps_the_other_fields(owner: Any) -> None:
    make_company(owner=owner)
    company_profile_update(owner=owner, data={"numbering": Numbering.SEQUENTIAL, "number_pattern": "RE-{SEQ:04}"})
    profile = CompanyProfile.objects.get(owner=owner)
    assert (profile.legal_name, profile.numbering, profile.number_pattern) == (
        "Olivia Design GmbH",
        "sequential",
        "RE-{SEQ:04}",
    )
