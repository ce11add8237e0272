"""The health endpoints touch each dependency for real and name the one that is down."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connections
from django.db.utils import load_backend

COMPONENTS = {"database", "cache", "channel_layer", "celery", "storage"}


@pytest.fixture
def database_outage() -> Iterator[None]:
    """Swap the default connection for one to a database that does not exist.

    The health view connects through it for real and fails the way it would when the
    server is gone; the test's own connection (and its transaction) is put back after.
    """
    original = connections["default"]
    broken_settings = {**original.settings_dict}
    if original.vendor == "sqlite":
        broken_settings["NAME"] = "/nonexistent-directory/billing/db.sqlite3"
    else:
        broken_settings["NAME"] = "billing_health_no_such_database"
    backend = load_backend(broken_settings["ENGINE"])
    broken = backend.DatabaseWrapper(broken_settings, "default")
    connections["default"] = broken
    try:
        yield
    finally:
        broken.close()
        connections["default"] = original


def test_health_answers_status_service_and_version(client) -> None:
    response = client.get("/health")

    assert response.status_code == 200
    assert response.json() == {"status": "healthy", "service": "billing", "version": django_settings.VERSION}


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/health", "/health/database", "/health/detailed"])
def test_health_answers_head_for_load_balancers_with_no_body(client, path) -> None:
    response = client.head(path)

    assert (response.status_code, response.content) == (200, b"")


def test_health_does_not_need_the_database(client, database_outage) -> None:
    assert client.get("/health").status_code == 200


@pytest.mark.django_db
def test_health_database_is_200_when_the_database_answers(client) -> None:
    response = client.get("/health/database")

    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "healthy"
    assert body["database"]["status"] == "connected"
    assert body["database"]["vendor"] == connections["default"].vendor


@pytest.mark.django_db
def test_health_database_is_503_when_the_database_is_unreachable(client, database_outage) -> None:
    response = client.get("/health/database")

    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "unhealthy"
    assert body["service"] == "billing"
    assert body["database"]["status"] == "disconnected"
    assert body["database"]["error"]


@pytest.mark.django_db
def test_health_detailed_reports_every_component_up_on_the_default_config(client) -> None:
    response = client.get("/health/detailed")

    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "healthy"
    assert body["down"] == []
    assert set(body["components"]) == COMPONENTS
    assert {name: result["status"] for name, result in body["components"].items()} == {
        **dict.fromkeys(COMPONENTS, "healthy"),
        "database": "connected",
    }


@pytest.mark.django_db
def test_health_detailed_is_503_naming_the_storage_when_files_cannot_be_written(client, settings, tmp_path) -> None:
    regular_file = tmp_path / "not-a-directory"
    regular_file.write_text("a file where the media folder should be")
    settings.MEDIA_ROOT = regular_file / "media"

    response = client.get("/health/detailed")

    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "unhealthy"
    assert body["down"] == ["storage"]
    assert body["components"]["storage"]["status"] == "unhealthy"
    assert body["components"]["database"]["status"] == "connected"
    assert not Path(regular_file / "media").exists()


@pytest.mark.django_db
def test_health_detailed_is_503_naming_the_channel_layer_when_redis_is_unreachable(client, settings) -> None:
    # Port 1 on the loopback refuses connections at once: a Redis that is down.
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]},
        }
    }

    response = client.get("/health/detailed")

    body = response.json()
    assert response.status_code == 503
    assert body["down"] == ["channel_layer"]
    assert body["components"]["channel_layer"]["status"] == "unhealthy"
    assert body["components"]["storage"]["status"] == "healthy"


@pytest.mark.django_db
def test_health_detailed_is_503_naming_the_database_when_it_is_unreachable(client, database_outage) -> None:
    response = client.get("/health/detailed")

    body = response.json()
    assert response.status_code == 503
    assert "database" in body["down"]
    assert body["components"]["database"]["status"] == "disconnected"


def test_health_endpoints_refuse_writes(client) -> None:
    assert client.post("/health").status_code == 405


@pytest.mark.redis
@pytest.mark.django_db
def test_health_detailed_leaves_nothing_behind_in_the_redis_channel_layer(client, settings) -> None:
    import redis

    prefix = f"health-test-{uuid.uuid4().hex[:8]}"
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [settings.REDIS_URL], "prefix": prefix},
        }
    }

    for _ in range(3):
        assert client.get("/health/detailed").json()["components"]["channel_layer"]["status"] == "healthy"

    assert redis.Redis.from_url(settings.REDIS_URL).keys(f"{prefix}*") == []
