"""One lockout policy on every login door, by client address and by account.

The attack: 30 wrong passwords on `/admin/login/`, then the right one signed in; a new
`X-Forwarded-For` per request dodged the per-address count; `dave` and `dave@ex.com`
were two buckets. Each door here gets the limit's worth of wrong passwords, and then
the right password must be refused with a 429 and no session or token.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.test import Client
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from accounts.lockout import login_identity
from accounts.tests.factories import PASSWORD, UserFactory
from core.client_address import client_address

LIMIT = 3


@pytest.fixture(autouse=True)
def _small_limit_and_no_rate_throttle(settings, throttle_rates) -> None:
    """A limit of three, and rate throttles out of the way, so only the lockout answers."""
    settings.AXES_FAILURE_LIMIT = LIMIT
    throttle_rates(login_username="1000/min", login_ip="1000/min")


@pytest.fixture
def staff(db):
    return UserFactory(username="dave", email="dave@example.com", is_staff=True, is_superuser=True)


def _post_admin(client: Client, username: str, password: str, **extra: Any):
    return client.post("/admin/login/?next=/admin/", {"username": username, "password": password}, **extra)


def _post_api_auth(client: Client, username: str, password: str, **extra: Any):
    return client.post("/api-auth/login/?next=/api/v1/", {"username": username, "password": password}, **extra)


def _post_page(client: Client, username: str, password: str, **extra: Any):
    return client.post("/accounts/login/", {"username": username, "password": password}, **extra)


def _post_api(client: Client, username: str, password: str, **extra: Any):
    return client.post(
        "/api/v1/auth/login/", {"username": username, "password": password}, content_type="application/json", **extra
    )


DOORS: dict[str, Callable] = {
    "admin": _post_admin,
    "browsable api": _post_api_auth,
    "login page": _post_page,
    "api": _post_api,
}


@pytest.mark.parametrize("door", DOORS)
def test_every_login_door_locks_the_account_after_the_limit_and_refuses_the_right_password(door, staff) -> None:
    post = DOORS[door]
    client = Client()
    for attempt in range(LIMIT):
        response = post(client, "dave", f"wrong-{attempt}", REMOTE_ADDR=f"10.1.0.{attempt}")
        # The failure that reaches the limit is itself answered with the lockout.
        assert response.status_code == (429 if attempt == LIMIT - 1 else 401 if door == "api" else 200)

    refused = post(client, "dave", PASSWORD, REMOTE_ADDR="10.1.0.99")

    assert refused.status_code == 429
    assert int(refused["Retry-After"]) == 15 * 60
    assert "_auth_user_id" not in client.session
    assert OutstandingToken.objects.count() == 0


def test_a_locked_api_login_answers_json_detail(staff) -> None:
    client = Client()
    for attempt in range(LIMIT):
        _post_api(client, "dave", f"wrong-{attempt}")

    refused = _post_api(client, "dave", PASSWORD)

    assert refused.status_code == 429
    assert refused.json() == {"detail": "Too many failed login attempts. Please try again later."}


def test_username_email_and_case_count_against_one_account(staff) -> None:
    client = Client()
    for attempt, typed in enumerate(["dave", "DAVE@example.com", "Dave"]):
        expected = 429 if attempt == LIMIT - 1 else 401
        assert _post_api(client, typed, "wrong", REMOTE_ADDR=f"10.2.0.{attempt}").status_code == expected

    assert _post_api(client, "dave@example.com", PASSWORD, REMOTE_ADDR="10.2.0.9").status_code == 429
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {"dave"}
    assert OutstandingToken.objects.count() == 0


def test_a_fresh_forwarded_for_header_per_request_does_not_reset_the_address_count(staff, settings) -> None:
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 0}
    client = Client()
    for attempt in range(LIMIT):
        response = _post_api(
            client, f"nobody{attempt}", "x", REMOTE_ADDR="10.3.0.1", HTTP_X_FORWARDED_FOR=f"1.1.1.{attempt}"
        )
        assert response.status_code == (429 if attempt == LIMIT - 1 else 401)

    refused = _post_api(client, "dave", PASSWORD, REMOTE_ADDR="10.3.0.1", HTTP_X_FORWARDED_FOR="8.8.8.8")

    assert refused.status_code == 429
    assert OutstandingToken.objects.count() == 0


def test_behind_one_proxy_only_the_hop_it_wrote_counts(staff, settings) -> None:
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    client = Client()
    for attempt in range(LIMIT):
        # The client prepends lies; the proxy appends the address it really saw.
        forwarded = f"6.6.6.{attempt}, 203.0.113.7"
        assert _post_api(
            client, f"nobody{attempt}", "x", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded
        ).status_code == (429 if attempt == LIMIT - 1 else 401)

    assert (
        _post_api(client, "dave", PASSWORD, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.7").status_code
        == 429
    )
    # Another client behind the same proxy is a different address and is not locked.
    assert (
        _post_api(client, "dave", PASSWORD, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.8").status_code
        == 200
    )


def test_a_successful_login_before_the_limit_clears_the_count(staff) -> None:
    client = Client()
    for attempt in range(LIMIT - 1):
        _post_api(client, "dave", f"wrong-{attempt}")
    assert _post_api(client, "dave", PASSWORD).status_code == 200
    for attempt in range(LIMIT - 1):
        _post_api(client, "dave", f"wrong-again-{attempt}")

    assert _post_api(client, "dave", PASSWORD).status_code == 200


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_login_still_works_and_is_still_locked_when_redis_is_down(staff, settings) -> None:
    """The throttles' cache is unreachable: they let requests through (logged), the
    lockout keeps counting in the database, and nobody sees a 500."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{_free_port()}/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5, "IGNORE_EXCEPTIONS": True},
        }
    }
    client = Client()
    assert _post_api(client, "dave", PASSWORD).status_code == 200
    for attempt in range(LIMIT):
        assert _post_api(client, "dave", f"wrong-{attempt}").status_code == (429 if attempt == LIMIT - 1 else 401)

    assert _post_api(client, "dave", PASSWORD).status_code == 429


def test_login_identity_resolves_an_email_or_username_to_the_account(staff) -> None:
    assert login_identity("DAVE@Example.com") == "dave"
    assert login_identity(" Dave ") == "dave"
    assert login_identity("Someone@Else.com") == "someone@else.com"
    assert login_identity("") == ""


@pytest.mark.parametrize(
    ("num_proxies", "forwarded_for", "expected"),
    [
        (0, "1.2.3.4", "10.9.9.9"),
        (1, "1.2.3.4", "1.2.3.4"),
        (1, "6.6.6.6, 1.2.3.4", "1.2.3.4"),
        (2, "6.6.6.6, 1.2.3.4, 10.0.0.5", "1.2.3.4"),
        (2, "1.2.3.4", "1.2.3.4"),
        (1, "not-an-address", "10.9.9.9"),
        (1, " , ", "10.9.9.9"),
        (1, None, "10.9.9.9"),
    ],
)
def test_client_address_trusts_forwarding_headers_exactly_num_proxies_hops(
    rf, settings, num_proxies, forwarded_for, expected
) -> None:
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": num_proxies}
    extra = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for is not None else {}
    request = rf.get("/", REMOTE_ADDR="10.9.9.9", **extra)

    assert client_address(request) == expected
