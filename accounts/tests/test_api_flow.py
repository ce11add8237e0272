"""The auth API end to end, as a client uses it: sign up, verify, log in, refresh, log out."""

from __future__ import annotations

import pytest
from django.core import mail
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts.models import User
from accounts.tests.factories import PASSWORD
from accounts.tests.support import SITE_URL, bearer, token_from_outbox

pytestmark = pytest.mark.django_db

STRONG_PASSWORD = "violet-otter-trampoline-42"
PAIR_KEYS = {"access_token", "refresh_token", "token_type", "expires_in"}


def test_a_new_account_signs_up_verifies_logs_in_refreshes_and_logs_out(api_client, login):
    registered = api_client.post(
        "/api/v1/auth/register/",
        {"username": "grace", "email": "Grace@Example.com", "password": STRONG_PASSWORD, "full_name": "Grace Hopper"},
    )
    assert registered.status_code == 202, registered.data
    assert set(registered.data) == {"detail"}

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["Grace@example.com"]
    assert message.alternatives and message.alternatives[0][1] == "text/html"
    token = token_from_outbox("verify")
    assert f"{SITE_URL}/accounts/verify/{token}/" in message.alternatives[0][0]

    before_verification = login("grace", STRONG_PASSWORD)
    assert before_verification.status_code == 403
    assert OutstandingToken.objects.count() == 0

    verified = api_client.post(f"/api/v1/auth/verify/{token}/")
    assert verified.status_code == 200
    assert User.objects.get(username="grace").is_verified is True

    logged_in = login("grace", STRONG_PASSWORD)
    assert logged_in.status_code == 200
    assert set(logged_in.data) == PAIR_KEYS
    assert logged_in.data["token_type"] == "bearer"
    assert logged_in.data["expires_in"] == 15 * 60
    first_refresh = logged_in.data["refresh_token"]

    me = api_client.get("/api/v1/auth/me/", **bearer(logged_in.data["access_token"]))
    assert me.status_code == 200
    assert me.data["username"] == "grace"
    assert me.data["is_verified"] is True

    refreshed = api_client.post("/api/v1/auth/refresh/", {"refresh_token": first_refresh})
    assert refreshed.status_code == 200
    assert set(refreshed.data) == PAIR_KEYS
    assert refreshed.data["token_type"] == "bearer"
    assert refreshed.data["refresh_token"] != first_refresh
    assert api_client.get("/api/v1/auth/me/", **bearer(refreshed.data["access_token"])).status_code == 200

    replayed = api_client.post("/api/v1/auth/refresh/", {"refresh_token": first_refresh})
    assert replayed.status_code == 401
    assert BlacklistedToken.objects.filter(token__token=first_refresh).exists()

    second_refresh = refreshed.data["refresh_token"]
    logged_out = api_client.post("/api/v1/auth/logout/", {"refresh_token": second_refresh})
    assert logged_out.status_code == 204
    after_logout = api_client.post("/api/v1/auth/refresh/", {"refresh_token": second_refresh})
    assert after_logout.status_code == 401
    assert len(mail.outbox) == 1


def test_every_endpoint_also_answers_without_its_trailing_slash(api_client, user, login):
    credentials = {"username": "ada", "password": PASSWORD}
    assert api_client.post("/api/v1/auth/login", credentials).status_code == 200
    refresh = login().data["refresh_token"]
    assert api_client.post("/api/v1/auth/refresh", {"refresh_token": refresh}).status_code == 200
    assert api_client.post("/api/v1/auth/password-reset", {"email": "nobody@example.com"}).status_code == 202
    assert api_client.get("/api/v1/auth/me").status_code == 401
