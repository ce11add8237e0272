"""The general API rate limit: per user, per address for anonymous callers, `Retry-After`,
configurable, and out of the way when the cache is down."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.services import token_pair_issue
from core.throttles import parse_rate
from invoices.tests.api_support import client_for

pytestmark = pytest.mark.django_db

API_ROOT = "/api/v1/"  # open to anonymous callers, so the anonymous limit is reached there


@pytest.fixture
def rates(settings: Any) -> Any:
    def set_rates(**rates: str) -> None:
        framework = {**settings.REST_FRAMEWORK}
        framework["DEFAULT_THROTTLE_RATES"] = {**framework["DEFAULT_THROTTLE_RATES"], **rates}
        settings.REST_FRAMEWORK = framework

    return set_rates


def test_the_default_limit_is_100_requests_a_minute_per_user(owner: Any) -> None:
    client = client_for(owner)

    statuses = [client.get("/api/v1/invoices").status_code for _ in range(101)]

    assert statuses == [200] * 100 + [429]


def test_a_bearer_token_client_is_counted_per_user(owner: Any, rates: Any) -> None:
    rates(api_user="2/min")
    client = APIClient(HTTP_AUTHORIZATION=f"Bearer {token_pair_issue(user=owner).access_token}")

    assert [client.get("/api/v1/invoices").status_code for _ in range(3)] == [200, 200, 429]


def test_the_pages_own_calls_on_the_session_cookie_are_not_counted(owner: Any, rates: Any) -> None:
    rates(api_user="2/min")
    client = APIClient()
    client.force_login(owner)

    assert [client.get("/api/v1/dashboard/aging/").status_code for _ in range(5)] == [200] * 5


def test_over_the_limit_is_a_429_with_retry_after(owner: Any, rates: Any) -> None:
    rates(api_user="3/min")
    client = client_for(owner)

    assert [client.get("/api/v1/invoices/").status_code for _ in range(3)] == [200, 200, 200]
    response = client.get("/api/v1/invoices/")

    assert response.status_code == 429
    assert response.json()["detail"].startswith("Request was throttled.")
    assert 1 <= int(response["Retry-After"]) <= 60


def test_each_user_has_their_own_budget(owner: Any, other_user: Any, rates: Any) -> None:
    rates(api_user="2/min")
    for _ in range(2):
        client_for(owner).get("/api/v1/invoices/")

    assert client_for(owner).get("/api/v1/invoices/").status_code == 429
    assert client_for(other_user).get("/api/v1/invoices/").status_code == 200


def test_anonymous_callers_are_counted_per_address(rates: Any) -> None:
    rates(api_anon="2/min")
    first, second = APIClient(REMOTE_ADDR="192.0.2.1"), APIClient(REMOTE_ADDR="192.0.2.2")

    assert [first.get(API_ROOT).status_code for _ in range(3)] == [200, 200, 429]
    assert second.get(API_ROOT).status_code == 200


def test_a_rate_written_as_finsentry_does_is_read(owner: Any, rates: Any) -> None:
    rates(api_user="2/60s")
    client = client_for(owner)

    assert [client.get("/api/v1/invoices/").status_code for _ in range(3)] == [200, 200, 429]
    assert 1 <= int(client.get("/api/v1/invoices/")["Retry-After"]) <= 60


@pytest.mark.parametrize(
    ("rate", "parsed"),
    [
        ("100/min", (100, 60)),
        ("100/60s", (100, 60)),
        ("5/s", (5, 1)),
        ("1000/hour", (1000, 3600)),
        ("7/2d", (7, 172800)),
    ],
)
def test_rates_are_parsed_in_both_spellings(rate: str, parsed: tuple[int, int]) -> None:
    assert parse_rate(rate) == parsed


def test_an_unreadable_rate_is_refused_with_the_expected_spelling() -> None:
    with pytest.raises(ValueError, match="write it as 100/min or 100/60s"):
        parse_rate("lots")


def test_with_the_cache_down_requests_are_let_through_not_500(
    owner: Any, settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    # Port 1 on the loopback refuses connections at once: a Redis that is down.
    settings.CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}}

    with caplog.at_level(logging.WARNING, logger="core.throttles"):
        response = client_for(owner).get("/api/v1/invoices/")

    assert response.status_code == 200
    assert "API rate limit skipped: the cache is unreachable (ConnectionError)" in caplog.text
