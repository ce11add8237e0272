"""Fixtures for the accounts tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.response import Response
from rest_framework.test import APIClient

from accounts.models import User
from accounts.tests.factories import PASSWORD, UserFactory
from accounts.tests.support import SITE_URL


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings) -> None:
    """The production hasher costs ~0.4 s per check; these tests check passwords a lot."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _site_url(settings) -> None:
    settings.SITE_URL = SITE_URL


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def user(db) -> User:
    return UserFactory(username="ada", email="Ada@Example.com", full_name="Ada Lovelace")


@pytest.fixture
def throttle_rates(settings) -> Callable[..., None]:
    """Set throttle rates for one test: `throttle_rates(login_username="2/min")`."""

    def set_rates(**rates: str) -> None:
        current = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {**current, **rates},
        }

    return set_rates


@pytest.fixture
def login(api_client: APIClient) -> Callable[..., Response]:
    def do_login(username: str = "ada", password: str = PASSWORD, **extra: Any) -> Response:
        return api_client.post("/api/v1/auth/login/", {"username": username, "password": password}, **extra)

    return do_login
