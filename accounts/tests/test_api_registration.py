"""Registration and e-mail verification through the API, and every way they refuse."""

from __future__ import annotations

import time
from unittest import mock

import pytest
from django.core import mail, signing

from accounts import services
from accounts.models import User
from accounts.tests.factories import UserFactory
from accounts.tests.support import token_from_outbox
from accounts.tokens import email_verification_token_make

pytestmark = pytest.mark.django_db

STRONG_PASSWORD = "violet-otter-trampoline-42"


def register(api_client, **overrides):
    data = {"username": "grace", "email": "grace@example.com", "password": STRONG_PASSWORD, "full_name": "Grace"}
    return api_client.post("/api/v1/auth/register/", {**data, **overrides})


def test_registration_never_returns_the_password_and_stores_only_its_hash(api_client):
    response = register(api_client)

    assert response.status_code == 202
    assert "password" not in response.data
    user = User.objects.get(username="grace")
    assert user.password != STRONG_PASSWORD
    assert user.check_password(STRONG_PASSWORD)
    assert user.is_verified is False
    assert user.is_staff is False


def test_registration_accepts_form_data(api_client):
    data = {"username": "grace", "email": "grace@example.com", "password": STRONG_PASSWORD}
    response = api_client.post("/api/v1/auth/register/", data, format="multipart")

    assert response.status_code == 202
    assert User.objects.get(username="grace").full_name == ""


def test_a_taken_email_gets_the_same_answer_as_a_new_one_and_its_owner_is_told(api_client, user):
    new = register(api_client, username="grace", email="grace@example.com")
    mail.outbox.clear()

    taken = register(api_client, username="mallory", email="ADA@example.COM")

    assert (taken.status_code, taken.data) == (new.status_code, new.data)
    assert taken.data == {"detail": services.registration_sent_detail()}
    assert not User.objects.filter(username="mallory").exists()
    [message] = mail.outbox
    assert message.to == [user.email]
    assert message.subject == "Someone tried to sign up for Billing with your address"
    assert "ada" in message.body and "/accounts/password-reset/" in message.body


def test_duplicate_username_in_another_case_is_a_400_field_error_with_no_side_effect(api_client, user):
    response = register(api_client, username="ADA")

    assert response.status_code == 400
    assert response.data == {"username": ["A user with that username already exists."]}
    assert User.objects.count() == 1
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short1!", "This password is too short. It must contain at least 8 characters."),
        ("password123", "This password is too common."),
        ("83749201938", "This password is entirely numeric."),
        ("grace-example", "The password is too similar to the email address."),
    ],
)
def test_a_weak_password_is_a_400_with_the_validators_messages_and_no_account(api_client, password, message):
    response = register(api_client, password=password)

    assert response.status_code == 400
    assert message in response.data["password"]
    assert not User.objects.exists()
    assert mail.outbox == []


def test_a_username_with_an_at_sign_is_refused_because_login_reads_it_as_an_email(api_client):
    response = register(api_client, username="grace@home")

    assert response.status_code == 400
    assert list(response.data) == ["username"]
    assert not User.objects.exists()


def test_missing_fields_are_field_errors(api_client):
    response = api_client.post("/api/v1/auth/register/", {})

    assert response.status_code == 400
    assert set(response.data) == {"username", "email", "password"}
    assert mail.outbox == []


def test_verification_link_works_once_and_verifying_again_is_harmless(api_client):
    register(api_client)
    token = token_from_outbox("verify")

    assert api_client.post(f"/api/v1/auth/verify/{token}/").status_code == 200
    assert api_client.post(f"/api/v1/auth/verify/{token}").status_code == 200
    assert User.objects.get(username="grace").is_verified is True


@pytest.mark.parametrize("token", ["not-a-token", "e30:1tQ0nx:garbage", "x" * 300])
def test_a_forged_verification_token_is_a_400_and_verifies_nobody(api_client, token):
    register(api_client)

    response = api_client.post(f"/api/v1/auth/verify/{token}/")

    assert response.status_code == 400
    assert response.data == {"detail": "This verification link is invalid."}
    assert User.objects.get(username="grace").is_verified is False


def test_a_tampered_verification_token_is_a_400(api_client):
    register(api_client)
    token = token_from_outbox("verify")
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")

    response = api_client.post(f"/api/v1/auth/verify/{tampered}/")

    assert response.status_code == 400
    assert User.objects.get(username="grace").is_verified is False


def test_an_expired_verification_token_is_a_400_that_says_so(api_client, settings):
    user = UserFactory(username="grace", is_verified=False)
    four_days_ago = int(time.time()) - 4 * 24 * 3600
    with mock.patch.object(signing.TimestampSigner, "timestamp", return_value=signing.b62_encode(four_days_ago)):
        token = email_verification_token_make(user=user)

    response = api_client.post(f"/api/v1/auth/verify/{token}/")

    assert response.status_code == 400
    assert response.data["detail"].startswith("This verification link has expired.")
    user.refresh_from_db()
    assert user.is_verified is False


def test_a_verification_token_stops_working_once_the_address_changes(api_client):
    user = UserFactory(username="grace", is_verified=False)
    token = email_verification_token_make(user=user)
    user.email = "elsewhere@example.com"
    user.save()

    response = api_client.post(f"/api/v1/auth/verify/{token}/")

    assert response.status_code == 400
    user.refresh_from_db()
    assert user.is_verified is False


def test_a_token_signed_for_another_purpose_is_not_a_verification_token(api_client):
    user = UserFactory(username="grace", is_verified=False)
    token = signing.dumps({"uid": user.pk, "email": user.email.lower()}, compress=True)

    assert api_client.post(f"/api/v1/auth/verify/{token}/").status_code == 400


def test_registration_is_throttled_per_client(api_client, throttle_rates):
    throttle_rates(auth_anon="2/min")
    register(api_client, username="one", email="one@example.com")
    register(api_client, username="two", email="two@example.com")

    response = register(api_client, username="three", email="three@example.com")

    assert response.status_code == 429
    assert "Retry-After" in response
    assert not User.objects.filter(username="three").exists()
    assert len(mail.outbox) == 2
