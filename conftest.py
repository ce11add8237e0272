"""Project-wide test setup.

Tests run on whatever `DATABASE_URL`/`REDIS_URL` say (SQLite and in-memory layers by
default). Tests marked `postgres` or `redis` need the real service and are skipped,
with a reason, when it is not configured. Celery runs eagerly in-process for every
test except those that start a real worker.
"""

from __future__ import annotations

import copy
import uuid
from typing import Any

import pytest
from django.conf import settings
from django.db import connection


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    has_redis = bool(settings.REDIS_URL)
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL"))
        if "redis" in item.keywords and not has_redis:
            item.add_marker(pytest.mark.skip(reason="needs Redis: set REDIS_URL"))


@pytest.fixture(autouse=True, scope="session")
def celery_runs_eagerly() -> None:
    from billing.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True


@pytest.fixture(autouse=True)
def _isolated_storage_and_mail(settings, tmp_path) -> None:
    """Every test writes files to its own folder and e-mail to the outbox."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    """PBKDF2's deliberate slowness protects real passwords, not test fixtures."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _private_cache(settings, request) -> None:
    """Each test gets an empty in-process cache, so throttle counters never leak between
    tests or xdist workers (a Redis FLUSHDB would wipe other workers' state). Tests of the
    Redis cache itself override CACHES again."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": request.node.nodeid}
    }


@pytest.fixture
def no_general_rate_limit(settings) -> None:
    """For tests that call the API hundreds of times within one test (schema fuzzing,
    property tests): the general API limit would answer 429 from the 101st call on. The
    limit itself is tested in billing/tests/test_throttles.py."""
    framework = {**settings.REST_FRAMEWORK}
    framework["DEFAULT_THROTTLE_RATES"] = {**framework["DEFAULT_THROTTLE_RATES"], "api_user": None, "api_anon": None}
    settings.REST_FRAMEWORK = framework


@pytest.fixture
def on_postgres() -> bool:
    return connection.vendor == "postgresql"


@pytest.fixture
def fresh_channel_layer(settings) -> None:
    """A channel layer of its own for one test: a private prefix on Redis (so parallel
    workers never hear each other), and a fresh in-memory layer bound to this test's loop."""
    layers = copy.deepcopy(settings.CHANNEL_LAYERS)
    if "CONFIG" in layers["default"]:
        layers["default"]["CONFIG"]["prefix"] = f"test-{uuid.uuid4().hex}"
    settings.CHANNEL_LAYERS = layers


# --- people in every role, shared by every app's tests -----------------------------------


@pytest.fixture
def owner(db: Any) -> Any:
    from accounts.tests.factories import make_user

    return make_user(username="olivia")


@pytest.fixture
def other_user(db: Any) -> Any:
    from accounts.tests.factories import make_user

    return make_user(username="mallory")


@pytest.fixture
def approver(db: Any) -> Any:
    from accounts.tests.factories import make_user

    return make_user(username="alice", approver=True)


@pytest.fixture
def second_approver(db: Any) -> Any:
    from accounts.tests.factories import make_user

    return make_user(username="bob", approver=True)


@pytest.fixture
def staff_without_permission(db: Any) -> Any:
    from accounts.tests.factories import make_user

    return make_user(username="stan", staff=True)


@pytest.fixture
def admin_user(db: Any) -> Any:
    from accounts.tests.factories import make_user

    return make_user(username="root", superuser=True)
