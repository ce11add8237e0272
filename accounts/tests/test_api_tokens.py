"""Login, refresh, logout and `me`: what the tokens allow, and when they stop working."""

from __future__ import annotations

import pytest
from django.contrib.auth.signals import user_login_failed
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from accounts import services
from accounts.tests.factories import PASSWORD, AdminFactory, ApproverFactory, UserFactory
from accounts.tests.support import bearer

pytestmark = pytest.mark.django_db


def test_login_by_email_ignores_case(user, login):
    response = login("ADA@example.com")

    assert response.status_code == 200
    assert AccessToken(response.data["access_token"])["user_id"] == str(user.pk)


def test_login_by_username_ignores_case(user, login):
    assert login("Ada").status_code == 200


def test_login_accepts_form_data(user, api_client):
    response = api_client.post("/api/v1/auth/login/", {"username": "ada", "password": PASSWORD}, format="multipart")
    assert response.status_code == 200


def test_login_accepts_urlencoded_form_data(user, api_client):
    response = api_client.post(
        "/api/v1/auth/login/",
        f"username=ada&password={PASSWORD}",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200


def test_both_tokens_carry_the_users_epoch(user, login):
    response = login()

    assert AccessToken(response.data["access_token"])["epoch"] == user.token_epoch
    assert RefreshToken(response.data["refresh_token"])["epoch"] == user.token_epoch


def test_login_records_last_login(user, login):
    login()
    user.refresh_from_db()
    assert user.last_login is not None


def test_a_wrong_password_is_a_401_challenge_and_issues_no_token(user, login):
    failures = []
    user_login_failed.connect(lambda **kwargs: failures.append(kwargs), weak=False, dispatch_uid="t")
    try:
        response = login(password="not-the-password")
    finally:
        user_login_failed.disconnect(dispatch_uid="t")

    assert response.status_code == 401
    assert response.data == {"detail": "No active account found with the given credentials."}
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert OutstandingToken.objects.count() == 0
    assert len(failures) == 1
    user.refresh_from_db()
    assert user.last_login is None


def test_an_unknown_user_gets_the_same_401(login):
    response = login("nobody")

    assert response.status_code == 401
    assert response.data == {"detail": "No active account found with the given credentials."}


def test_an_unverified_account_gets_a_403_with_a_clear_detail_and_no_token(login):
    UserFactory(username="ada", is_verified=False)

    response = login()

    assert response.status_code == 403
    assert response.data["detail"].startswith("E-mail address is not verified.")
    assert OutstandingToken.objects.count() == 0


def test_an_unverified_account_with_a_wrong_password_learns_nothing_more_than_401(login):
    UserFactory(username="ada", is_verified=False)

    assert login(password="wrong-password").status_code == 401


def test_an_inactive_account_cannot_log_in(login):
    UserFactory(username="ada", is_active=False)

    response = login()

    assert response.status_code == 401
    assert OutstandingToken.objects.count() == 0


def test_missing_credentials_are_field_errors(api_client):
    response = api_client.post("/api/v1/auth/login/", {})

    assert response.status_code == 400
    assert set(response.data) == {"username", "password"}


def test_a_stale_authorization_header_does_not_stop_logging_in(user, login):
    response = login(HTTP_AUTHORIZATION="Bearer not.a.token")

    assert response.status_code == 200


def test_login_is_throttled_per_username_whatever_the_ip_and_case(user, login, throttle_rates):
    throttle_rates(login_username="2/min", login_ip="100/min")
    assert login("ada", "wrong-1", REMOTE_ADDR="10.0.0.1").status_code == 401
    assert login("ADA", "wrong-2", REMOTE_ADDR="10.0.0.2").status_code == 401

    throttled = login("ada", PASSWORD, REMOTE_ADDR="10.0.0.3")

    assert throttled.status_code == 429
    assert "Retry-After" in throttled
    assert OutstandingToken.objects.count() == 0
    UserFactory(username="bob")
    assert login("bob", PASSWORD, REMOTE_ADDR="10.0.0.3").status_code == 200


def test_login_is_throttled_per_ip_whatever_the_username(user, login, throttle_rates):
    throttle_rates(login_username="100/min", login_ip="2/min")
    assert login("someone", "x", REMOTE_ADDR="10.0.0.1").status_code == 401
    assert login("someone-else", "x", REMOTE_ADDR="10.0.0.1").status_code == 401

    throttled = login("ada", PASSWORD, REMOTE_ADDR="10.0.0.1")

    assert throttled.status_code == 429
    assert OutstandingToken.objects.count() == 0
    assert login("ada", PASSWORD, REMOTE_ADDR="10.0.0.2").status_code == 200


def test_refresh_answers_the_login_shape_with_a_new_refresh_token(user, login, api_client):
    refresh = login().data["refresh_token"]

    response = api_client.post("/api/v1/auth/refresh/", {"refresh_token": refresh})

    assert response.status_code == 200
    assert response.data["token_type"] == "bearer"
    assert response.data["expires_in"] == 900
    assert RefreshToken(response.data["refresh_token"])["epoch"] == user.token_epoch


@pytest.mark.parametrize("token", ["", "garbage", "a.b.c"])
def test_refresh_refuses_garbage(api_client, token):
    response = api_client.post("/api/v1/auth/refresh/", {"refresh_token": token})

    assert response.status_code in {400, 401}
    assert OutstandingToken.objects.count() == 0


def test_refresh_refuses_an_access_token(user, login, api_client):
    access = login().data["access_token"]

    response = api_client.post("/api/v1/auth/refresh/", {"refresh_token": access})

    assert response.status_code == 401
    assert OutstandingToken.objects.count() == 1


def test_refresh_refuses_a_deactivated_user(user, login, api_client):
    refresh = login().data["refresh_token"]
    user.is_active = False
    user.save()

    response = api_client.post("/api/v1/auth/refresh/", {"refresh_token": refresh})

    assert response.status_code == 401
    assert OutstandingToken.objects.count() == 1


def test_refresh_refuses_a_user_no_longer_verified(user, login, api_client):
    refresh = login().data["refresh_token"]
    user.is_verified = False
    user.save()

    assert api_client.post("/api/v1/auth/refresh/", {"refresh_token": refresh}).status_code == 401


def test_refresh_refuses_a_token_from_before_a_revocation_even_if_not_blacklisted(user, login, api_client):
    refresh = login().data["refresh_token"]
    # Only the epoch moves, as if the blacklist had missed this token.
    type(user).objects.filter(pk=user.pk).update(token_epoch=user.token_epoch + 1)

    response = api_client.post("/api/v1/auth/refresh/", {"refresh_token": refresh})

    assert response.status_code == 401
    assert response.data["detail"] == "Token has been revoked."


def test_a_refresh_token_can_be_used_only_once_even_by_two_callers(user):
    pair = services.token_pair_issue(user=user)
    services.token_refresh(refresh_token=pair.refresh_token)

    with pytest.raises(services.TokenRejected):
        services.token_refresh(refresh_token=pair.refresh_token)


def test_logout_needs_no_access_token(user, login, api_client):
    refresh = login().data["refresh_token"]

    assert api_client.post("/api/v1/auth/logout/", {"refresh_token": refresh}).status_code == 204
    assert api_client.post("/api/v1/auth/refresh/", {"refresh_token": refresh}).status_code == 401


@pytest.mark.parametrize("token", ["garbage", ""])
def test_logout_with_an_invalid_token_is_a_400(api_client, token):
    response = api_client.post("/api/v1/auth/logout/", {"refresh_token": token})

    assert response.status_code == 400


def test_logging_out_twice_is_a_400(user, login, api_client):
    refresh = login().data["refresh_token"]
    api_client.post("/api/v1/auth/logout/", {"refresh_token": refresh})

    response = api_client.post("/api/v1/auth/logout/", {"refresh_token": refresh})

    assert response.status_code == 400
    assert response.data["detail"] == "Token is invalid or expired."


def test_me_has_exactly_the_documented_shape(user, login, api_client):
    access = login().data["access_token"]

    response = api_client.get("/api/v1/auth/me/", **bearer(access))

    assert response.status_code == 200
    assert response.json() == {
        "id": user.pk,
        "username": "ada",
        "email": "Ada@Example.com",
        "full_name": "Ada Lovelace",
        "is_verified": True,
        "is_staff": False,
        "roles": ["user"],
        "date_joined": user.date_joined.isoformat().replace("+00:00", "Z"),
    }


def test_me_without_credentials_is_a_401(api_client):
    response = api_client.get("/api/v1/auth/me/")

    assert response.status_code == 401
    assert "detail" in response.data


def test_me_works_with_the_session_too(user, client):
    client.force_login(user)

    response = client.get("/api/v1/auth/me/")

    assert response.status_code == 200
    assert response.json()["username"] == "ada"


@pytest.mark.parametrize(
    ("factory", "roles", "is_staff"),
    [
        (UserFactory, ["user"], False),
        (ApproverFactory, ["user", "approver"], True),
        (AdminFactory, ["user", "approver", "admin"], True),
    ],
)
def test_me_lists_the_roles(api_client, factory, roles, is_staff):
    person = factory()
    pair = services.token_pair_issue(user=person)

    response = api_client.get("/api/v1/auth/me/", **bearer(pair.access_token))

    assert response.data["roles"] == roles
    assert response.data["is_staff"] is is_staff


def test_a_deactivated_users_access_token_is_refused(user, login, api_client):
    access = login().data["access_token"]
    user.is_active = False
    user.save()

    response = api_client.get("/api/v1/auth/me/", **bearer(access))

    assert response.status_code == 401


def test_an_access_token_from_before_a_revocation_is_refused(user, login, api_client):
    access = login().data["access_token"]
    services.user_tokens_revoke_all(user=user)

    response = api_client.get("/api/v1/auth/me/", **bearer(access))

    assert response.status_code == 401


def test_a_password_change_revokes_every_token_and_hands_back_a_fresh_pair(user, login, api_client):
    old = login().data

    response = api_client.post(
        "/api/v1/auth/password-change/",
        {"old_password": PASSWORD, "new_password": "violet-otter-trampoline-42"},
        **bearer(old["access_token"]),
    )

    assert response.status_code == 200
    assert api_client.get("/api/v1/auth/me/", **bearer(old["access_token"])).status_code == 401
    assert api_client.post("/api/v1/auth/refresh/", {"refresh_token": old["refresh_token"]}).status_code == 401
    assert api_client.get("/api/v1/auth/me/", **bearer(response.data["access_token"])).status_code == 200
    assert login(password="violet-otter-trampoline-42").status_code == 200


def test_a_password_change_with_the_wrong_old_password_changes_and_revokes_nothing(user, login, api_client):
    old = login().data

    response = api_client.post(
        "/api/v1/auth/password-change/",
        {"old_password": "wrong", "new_password": "violet-otter-trampoline-42"},
        **bearer(old["access_token"]),
    )

    assert response.status_code == 400
    assert list(response.data) == ["old_password"]
    assert api_client.get("/api/v1/auth/me/", **bearer(old["access_token"])).status_code == 200
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert user.token_epoch == 0


def test_a_password_change_through_the_session_keeps_that_browser_signed_in(user, client):
    client.force_login(user)

    response = client.post(
        "/api/v1/auth/password-change/",
        {"old_password": PASSWORD, "new_password": "violet-otter-trampoline-42"},
        content_type="application/json",
    )

    assert response.status_code == 200
    assert client.get("/api/v1/auth/me/").status_code == 200
