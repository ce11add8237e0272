"""Faults injected into private servers the tests start themselves: Redis stopped in
the middle of sending invoices, PostgreSQL paused (SIGSTOP) and stopped. Nothing is lost,
nothing is sent twice, and requests answer 503 within seconds instead of hanging."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from rest_framework_simplejwt.tokens import AccessToken

from billing.celery import app as celery_app
from billing.tests.fault_support import PrivatePostgres, PrivateRedis
from invoices.tests.api_support import client_for
from invoices.tests.factories import advance, item, make_invoice
from outbox.models import OutboxMessage, OutboxStatus
from outbox.tasks import outbox_deliver_task

pytestmark = pytest.mark.live


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    server = PrivateRedis()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def broker(private_redis: PrivateRedis) -> Iterator[PrivateRedis]:
    """Celery publishes to the private Redis (no worker consumes it: the test plays the worker)."""
    conf = celery_app.conf
    saved = (conf.task_always_eager, conf.broker_url)
    conf.task_always_eager = False
    conf.broker_url = private_redis.url
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    try:
        yield private_redis
    finally:
        conf.task_always_eager, conf.broker_url = saved
        celery_app._pool = None
        celery_app.amqp._producer_pool = None


@pytest.mark.django_db
def test_redis_stopped_mid_send_loses_no_email_and_sends_none_twice(
    owner: Any, approver: Any, broker: PrivateRedis, mailoutbox: list, django_capture_on_commit_callbacks: Any
) -> None:
    first, second = (
        advance(make_invoice(owner=owner, items=[item()]), to="approved", approver=approver) for _ in range(2)
    )
    api = client_for(owner)

    with django_capture_on_commit_callbacks(execute=True):
        assert api.post(f"/api/v1/invoices/{first.pk}/send/").status_code == 200  # queued on Redis
    broker.stop()
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        during_outage = api.post(f"/api/v1/invoices/{second.pk}/send/")
    outage_seconds = time.monotonic() - started

    assert during_outage.status_code == 200
    assert during_outage.json()["status"] == "sent"
    assert outage_seconds < 10
    assert mailoutbox == []

    broker.start()  # Redis is back; beat's sweep runs
    call_command("outbox_relay")
    # The task queued before the outage reaches a worker now: nothing left for it to do.
    outbox_deliver_task.apply(args=[OutboxMessage.objects.get(payload={"invoice_id": first.pk}).pk])

    assert sorted(message.subject.split()[1] for message in mailoutbox) == sorted(
        [first.invoice_number, second.invoice_number]
    )
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxStatus.DELIVERED}


@pytest.fixture
def private_postgres() -> Iterator[PrivatePostgres]:
    server = PrivatePostgres()
    try:
        server.start()
        yield server
    finally:
        server.remove()


@pytest.fixture
def on_private_postgres(private_postgres: PrivatePostgres, settings: Any) -> Iterator[PrivatePostgres]:
    """Every new connection goes to the private server (its `postgres` database), with a
    two-second connect timeout, so a fault shows within a test's patience."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL")
    saved = {key: connection.settings_dict.get(key) for key in ("HOST", "PORT", "NAME", "USER", "OPTIONS")}
    connection.close()
    connection.settings_dict.update(
        {
            "HOST": "127.0.0.1",
            "PORT": str(private_postgres.port),
            "NAME": "postgres",
            "USER": "postgres",
            "OPTIONS": {**(saved["OPTIONS"] or {}), "connect_timeout": 2},
        }
    )
    try:
        yield private_postgres
    finally:
        connection.close()
        connection.settings_dict.update(saved)
        private_postgres.resume()


def _timed_get(path: str, **headers: Any) -> tuple[int, float, str]:
    # A fresh connection per request, as the web processes make with CONN_MAX_AGE=0 (the
    # test client keeps this thread's connection open between requests otherwise).
    connection.close()
    started = time.monotonic()
    response = Client().get(path, **headers)
    return response.status_code, time.monotonic() - started, response.content.decode()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_paused_then_stopped_postgres_gives_503s_within_the_connect_timeout(
    on_private_postgres: PrivatePostgres,
) -> None:
    server = on_private_postgres
    assert _timed_get("/health/database")[0] == 200

    server.pause()
    token = AccessToken()  # valid and signed: checking its user needs the database
    token["user_id"], token["epoch"] = "1", 0
    paused = [_timed_get("/health/database"), _timed_get("/api/v1/invoices/", HTTP_AUTHORIZATION=f"Bearer {token}")]
    connection.close()
    login_started = time.monotonic()
    login = Client().post("/api/v1/auth/login/", {"username": "ada", "password": "x"}, content_type="application/json")
    login_seconds = time.monotonic() - login_started
    server.resume()
    resumed = _timed_get("/health/database")
    server.stop()
    stopped = [_timed_get("/health/database"), _timed_get("/invoices/")]

    for status, seconds, body in paused:
        assert status == 503
        assert seconds < 5
        assert str(server.port) not in body
    assert (login.status_code, login_seconds < 5) == (503, True)
    assert resumed[0] == 200
    for status, seconds, _ in stopped:
        assert status in (302, 503)  # the page redirects anonymous visitors before it needs the database
        assert seconds < 5
    assert stopped[0][0] == 503
