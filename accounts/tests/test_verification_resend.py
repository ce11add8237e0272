"""Sending the verification e-mail again: the page and the API answer the same whatever
the address, mail only unverified accounts, and are throttled per address."""

from __future__ import annotations

import pytest
from django.core import mail
from pytest_django.asserts import assertContains, assertRedirects

from accounts.models import User
from accounts.tests.factories import UserFactory
from accounts.tests.support import SITE_URL, token_from_outbox

pytestmark = pytest.mark.django_db

RESENT = (
    "If an account that still needs confirming uses that address, we have sent it a new link. "
    "Check your inbox, and your spam folder."
)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def unverified(db) -> User:
    return UserFactory(username="grace", email="grace@example.com", is_verified=False)


def test_the_login_page_links_to_the_resend_page(client):
    response = client.get("/accounts/login/")

    assertContains(response, '<a href="/accounts/resend-verification/">Resend the confirmation e-mail</a>', html=True)


def test_the_resend_page_mails_a_working_link_to_an_unverified_account(client, unverified):
    response = client.post("/accounts/resend-verification/", {"email": "GRACE@example.com"}, follow=True)

    assertRedirects(response, "/accounts/login/")
    assert messages_of(response) == [RESENT]
    assert [message.to for message in mail.outbox] == [["grace@example.com"]]
    assert f"{SITE_URL}/accounts/verify/" in mail.outbox[0].body
    verified = client.get(f"/accounts/verify/{token_from_outbox('verify')}/")
    assert verified.status_code == 200
    unverified.refresh_from_db()
    assert unverified.is_verified is True


@pytest.mark.parametrize("email", ["nobody@example.com", "ada@example.com"])
def test_the_resend_page_answers_the_same_for_an_unknown_or_verified_address_and_sends_nothing(client, email):
    UserFactory(username="ada", email="ada@example.com")  # verified

    response = client.post("/accounts/resend-verification/", {"email": email}, follow=True)

    assertRedirects(response, "/accounts/login/")
    assert messages_of(response) == [RESENT]
    assert mail.outbox == []


def test_the_resend_page_shows_a_malformed_address_on_its_field(client, unverified):
    response = client.post("/accounts/resend-verification/", {"email": "grace"})

    assert response.status_code == 200
    assert response.context["form"].errors == {"email": ["Enter a valid email address."]}
    assert mail.outbox == []


def test_the_resend_page_is_throttled_per_address(client, unverified, throttle_rates):
    throttle_rates(verification_resend="2/hour")
    for _ in range(2):
        client.post("/accounts/resend-verification/", {"email": "grace@example.com"})

    response = client.post("/accounts/resend-verification/", {"email": "Grace@Example.com"})

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assertContains(response, "Too many requests. Please try again in", status_code=429)
    assert len(mail.outbox) == 2


def test_the_api_resends_with_the_same_answer_whatever_the_address(api_client, unverified):
    known = api_client.post("/api/v1/auth/resend-verification/", {"email": "grace@example.com"})
    unknown = api_client.post("/api/v1/auth/resend-verification/", {"email": "nobody@example.com"})

    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json() == {"detail": RESENT}
    assert [message.to for message in mail.outbox] == [["grace@example.com"]]


def test_the_api_refuses_a_malformed_address_and_sends_nothing(api_client, unverified):
    response = api_client.post("/api/v1/auth/resend-verification/", {"email": "grace"})

    assert response.status_code == 400
    assert response.json() == {"email": ["Enter a valid email address."]}
    assert mail.outbox == []


def test_the_api_is_throttled_per_address(api_client, unverified, throttle_rates):
    throttle_rates(verification_resend="1/hour")
    api_client.post("/api/v1/auth/resend-verification/", {"email": "grace@example.com"})

    response = api_client.post("/api/v1/auth/resend-verification/", {"email": "grace@example.com"})

    assert response.status_code == 429
    assert "Retry-After" in response
    assert len(mail.outbox) == 1


def test_an_inactive_unverified_account_is_not_mailed(api_client):
    UserFactory(username="gone", email="gone@example.com", is_verified=False, is_active=False)

    response = api_client.post("/api/v1/auth/resend-verification/", {"email": "gone@example.com"})

    assert response.status_code == 202
    assert mail.outbox == []
