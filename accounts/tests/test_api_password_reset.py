"""Password reset through the API: always 202, single-use token, every old token revoked."""

from __future__ import annotations

from datetime import datetime, timedelta
from unittest import mock

import pytest
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import mail
from django.core.mail import EmailMultiAlternatives

from accounts.tests.factories import PASSWORD, UserFactory
from accounts.tests.support import SITE_URL, bearer, token_from_outbox
from accounts.tokens import password_reset_token_make

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "violet-otter-trampoline-42"


def request_reset(api_client, email="ada@example.com"):
    return api_client.post("/api/v1/auth/password-reset/", {"email": email})


def confirm_reset(api_client, token, new_password=NEW_PASSWORD):
    return api_client.post("/api/v1/auth/password-reset/confirm/", {"token": token, "new_password": new_password})


def test_a_reset_request_is_202_and_mails_a_link_to_the_page_with_the_token(user, api_client):
    response = request_reset(api_client, "ADA@EXAMPLE.COM")

    assert response.status_code == 202
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert isinstance(message, EmailMultiAlternatives)
    assert message.to == ["Ada@Example.com"]
    token = token_from_outbox("password-reset")
    assert token in message.body
    assert f"{SITE_URL}/accounts/password-reset/{token}/" in message.alternatives[0][0]


def test_a_reset_request_for_an_unknown_address_is_the_same_202_and_sends_nothing(user, api_client):
    response = request_reset(api_client, "nobody@example.com")

    assert response.status_code == 202
    assert response.data == request_reset(api_client).data
    assert len(mail.outbox) == 1  # only the second, real request


def test_a_reset_request_for_an_inactive_account_sends_nothing(api_client):
    UserFactory(username="ada", email="ada@example.com", is_active=False)

    assert request_reset(api_client).status_code == 202
    assert mail.outbox == []


def test_a_malformed_address_is_a_400(api_client):
    response = request_reset(api_client, "not-an-address")

    assert response.status_code == 400
    assert list(response.data) == ["email"]
    assert mail.outbox == []


def test_a_reset_sets_the_password_and_revokes_existing_access_and_refresh_tokens(user, api_client, login):
    before = login().data
    request_reset(api_client)

    response = confirm_reset(api_client, token_from_outbox("password-reset"))

    assert response.status_code == 200
    assert api_client.get("/api/v1/auth/me/", **bearer(before["access_token"])).status_code == 401
    assert api_client.post("/api/v1/auth/refresh/", {"refresh_token": before["refresh_token"]}).status_code == 401
    assert login(password=PASSWORD).status_code == 401
    assert login(password=NEW_PASSWORD).status_code == 200


def test_a_reset_token_works_only_once(user, api_client):
    request_reset(api_client)
    token = token_from_outbox("password-reset")
    assert confirm_reset(api_client, token).status_code == 200

    reused = confirm_reset(api_client, token, new_password="another-strong-passphrase-7")

    assert reused.status_code == 400
    assert reused.data == {"detail": "This password reset link is invalid, has expired or has already been used."}
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


@pytest.mark.parametrize("token", ["garbage", "MQ.garbage", ".", "Zm9v.1-abc", "MTIzNDU2.abc-def"])
def test_a_bad_reset_token_is_a_400_and_changes_nothing(user, api_client, token):
    response = confirm_reset(api_client, token)

    assert response.status_code == 400
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert user.token_epoch == 0


def test_an_expired_reset_token_is_a_400(user, api_client, settings):
    token = password_reset_token_make(user=user)
    later = datetime.now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)

    with mock.patch.object(PasswordResetTokenGenerator, "_now", return_value=later):
        response = confirm_reset(api_client, token)

    assert response.status_code == 400
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_a_weak_new_password_is_a_400_and_leaves_the_token_usable(user, api_client, login):
    before = login().data
    request_reset(api_client)
    token = token_from_outbox("password-reset")

    response = confirm_reset(api_client, token, new_password="password")

    assert response.status_code == 400
    assert list(response.data) == ["new_password"]
    assert api_client.get("/api/v1/auth/me/", **bearer(before["access_token"])).status_code == 200
    assert confirm_reset(api_client, token).status_code == 200


def test_following_a_reset_link_confirms_an_unverified_address(api_client, login):
    user = UserFactory(username="ada", email="ada@example.com", is_verified=False)
    request_reset(api_client)

    assert confirm_reset(api_client, token_from_outbox("password-reset")).status_code == 200

    user.refresh_from_db()
    assert user.is_verified is True
    assert login(password=NEW_PASSWORD).status_code == 200


def test_reset_requests_are_throttled_per_client(user, api_client, throttle_rates):
    throttle_rates(auth_anon="1/min")
    request_reset(api_client)

    assert request_reset(api_client).status_code == 429
    assert len(mail.outbox) == 1
