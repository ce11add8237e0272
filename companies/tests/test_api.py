"""`/api/v1/company/`: read, replace and patch one's own profile; bad ids are 400s naming the field."""

from __future__ import annotations

import io
from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator
from PIL import Image
from rest_framework.test import APIClient

from companies.models import CompanyProfile
from companies.tests.factories import GERMAN_COMPANY, make_company
from invoices.tests.api_support import client_for

pytestmark = pytest.mark.django_db
URL = "/api/v1/company/"


def test_an_owner_without_a_profile_reads_the_defaults(owner: Any) -> None:
    response = client_for(owner).get(URL)
    assert response.status_code == 200
    body = response.json()
    assert (body["legal_name"], body["numbering"], body["number_pattern"], body["payment_terms_days"]) == (
        "",
        "random",
        "INV-{YYYY}-{SEQ:05}",
        30,
    )
    assert body["logo"] is None
    assert not CompanyProfile.objects.exists()


def test_put_saves_the_profile_and_get_reads_it_back(owner: Any) -> None:
    client = client_for(owner)
    response = client.put(
        URL, {**GERMAN_COMPANY, "numbering": "sequential", "number_pattern": "RE-{YYYY}-{SEQ:05}"}, format="json"
    )
    assert response.status_code == 200, response.json()
    body = client.get(URL).json()
    assert (body["legal_name"], body["tax_id"], body["iban"], body["bic"], body["numbering"]) == (
        "Olivia Design GmbH",
        "DE136695976",
        "DE89370400440532013000",
        "COBADEFFXXX",
        "sequential",
    )


def test_a_bad_iban_is_a_400_naming_the_field_and_changes_nothing(owner: Any) -> None:
    make_company(owner=owner)
    response = client_for(owner).patch(URL, {"iban": "DE00 1234", "legal_name": "Other"}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["iban"]
    assert CompanyProfile.objects.get(owner=owner).legal_name == "Olivia Design GmbH"


def test_a_bad_tax_id_is_a_400_naming_the_field(owner: Any) -> None:
    response = client_for(owner).put(URL, {"country": "FR", "tax_id": "FR00000000000"}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["tax_id"]
    assert not CompanyProfile.objects.exists()


def test_a_logo_is_uploaded_as_multipart(owner: Any) -> None:
    image = io.BytesIO()
    Image.new("RGB", (4, 4), "navy").save(image, format="PNG")
    image.name = "logo.png"
    image.seek(0)
    response = client_for(owner).patch(URL, {"logo": image, "legal_name": "Olivia"}, format="multipart")
    assert response.status_code == 200, response.json()
    assert response.json()["logo"].startswith("http://testserver/media/company-logos/logo")
    assert CompanyProfile.objects.get(owner=owner).logo.name.startswith("company-logos/logo")


def test_each_owner_sees_only_their_own_profile(owner: Any, other_user: Any) -> None:
    make_company(owner=owner)
    assert client_for(other_user).get(URL).json()["legal_name"] == ""


@pytest.mark.parametrize("method", ["get", "put", "patch"])
def test_anonymous_callers_get_401(method: str) -> None:
    response = getattr(APIClient(), method)(URL, {}, format="json")
    assert response.status_code == 401
    assert not CompanyProfile.objects.exists()


def test_an_unsaved_profile_reads_updated_at_null_as_its_document_says() -> None:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    updated_at = schema["components"]["schemas"]["CompanyProfile"]["properties"]["updated_at"]

    assert updated_at["nullable"] is True


def test_an_owner_without_a_profile_has_no_updated_at(owner: Any) -> None:
    response = client_for(owner).get(URL)

    assert response.status_code == 200
    assert response.json()["updated_at"] is None
