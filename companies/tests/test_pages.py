"""The settings pages: the company profile form and changing one's password."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from accounts.tests.factories import PASSWORD
from companies.models import CompanyProfile
from companies.tests.factories import GERMAN_COMPANY
from invoices.tests.pages_support import client_for, messages_of

pytestmark = pytest.mark.django_db


def _form_data(**changes: Any) -> dict[str, Any]:
    data = {
        **GERMAN_COMPANY,
        "payment_terms_days": "14",
        "reminder_days": "7",
        "numbering": "sequential",
        "number_pattern": "RE-{YYYY}-{SEQ:05}",
        "credit_note_pattern": "GS-{YYYY}-{SEQ:04}",
        "default_currency": "EUR",
    }
    data.update(changes)
    return data


def test_the_settings_page_saves_the_profile(owner: Any) -> None:
    client = client_for(owner)
    assert client.get("/settings/company/").status_code == 200
    response = client.post("/settings/company/", _form_data(), follow=True)
    assert messages_of(response) == ["Your company profile is saved."]
    profile = CompanyProfile.objects.get(owner=owner)
    assert (profile.legal_name, profile.payment_terms_days, profile.credit_note_pattern) == (
        "Olivia Design GmbH",
        14,
        "GS-{YYYY}-{SEQ:04}",
    )
    assert b'href="/settings/password/"' in response.content


def test_the_settings_page_shows_the_service_error_beside_the_field(owner: Any) -> None:
    response = client_for(owner).post("/settings/company/", _form_data(iban="DE00"))
    assert response.status_code == 400
    assert response.context["form"].errors["iban"] == [
        "This is not a valid IBAN (the number's checksum or check digit is invalid)."
    ]
    assert not CompanyProfile.objects.exists()


def test_the_password_page_changes_the_password_and_keeps_the_session(owner: Any) -> None:
    client = client_for(owner)
    response = client.post(
        "/settings/password/",
        {"old_password": PASSWORD, "new_password1": "a-new-Secret-2026", "new_password2": "a-new-Secret-2026"},
        follow=True,
    )
    assert messages_of(response) == ["Your password is changed."]
    owner.refresh_from_db()
    assert owner.check_password("a-new-Secret-2026")
    assert client.get("/settings/company/").status_code == 200


def test_a_wrong_old_password_changes_nothing(owner: Any) -> None:
    response = client_for(owner).post(
        "/settings/password/",
        {"old_password": "wrong", "new_password1": "a-new-Secret-2026", "new_password2": "a-new-Secret-2026"},
    )
    assert response.status_code == 400
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)


@pytest.mark.parametrize("path", ["/settings/company/", "/settings/password/"])
def test_settings_pages_need_a_login(path: str) -> None:
    response = Client().get(path)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
