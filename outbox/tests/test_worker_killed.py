"""A Celery worker killed (SIGKILL) in the middle of delivering an outbox message loses
nothing and duplicates nothing: the task was not acknowledged (acks_late), the claim's
transaction died with the worker's connection, and the next worker receives the task again
once the visibility timeout has passed and delivers the effect exactly once."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import transaction

from billing.celery import app as celery_app
from billing.tests.fault_support import PrivateRedis
from outbox.models import OutboxStatus
from outbox.services import outbox_deliver_due, outbox_enqueue

pytestmark = [pytest.mark.live, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

VISIBILITY_TIMEOUT = 3


def _wait_for(condition: Any, *, seconds: float, what: str, log: Path) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"{what} did not happen within {seconds}s:\n{log.read_text(errors='replace')[-3000:]}")


def _database_url() -> str:
    database = settings.DATABASES["default"]
    credentials = quote(database["USER"] or "postgres")
    if database.get("PASSWORD"):
        credentials += ":" + quote(database["PASSWORD"])
    return f"postgres://{credentials}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/{database['NAME']}"


@pytest.fixture
def private_broker(settings: Any) -> Iterator[PrivateRedis]:
    redis = PrivateRedis()
    redis.start()
    conf = celery_app.conf
    saved = (conf.task_always_eager, conf.broker_url)
    conf.task_always_eager = False
    conf.broker_url = redis.url
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    settings.OUTBOX_HANDLERS = {**settings.OUTBOX_HANDLERS, "test.slow_effect": "outbox.tests.slow_effect.deliver"}
    try:
        yield redis
    finally:
        conf.task_always_eager, conf.broker_url = saved
        celery_app._pool = None
        celery_app.amqp._producer_pool = None
        redis.stop()


def _start_worker(redis: PrivateRedis, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "outbox.tests.worker_settings",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": redis.url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
    }
    celery = str(Path(sys.executable).with_name("celery"))
    command = [celery, "-A", "billing", "worker", "--pool", "solo", "--without-gossip", "--without-mingle"]
    command += ["--without-heartbeat", "--loglevel", "INFO"]
    with log.open("ab") as output:
        return subprocess.Popen(command, cwd=settings.BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT)


def test_a_worker_killed_mid_delivery_loses_nothing_and_the_next_worker_delivers_once(
    private_broker: PrivateRedis, tmp_path: Path
) -> None:
    effect = tmp_path / "effect.txt"
    effect.with_suffix(".slow").write_text("")
    log = tmp_path / "worker.log"
    with transaction.atomic():
        message = outbox_enqueue(kind="test.slow_effect", idempotency_key="effect-1", payload={"path": str(effect)})
    # The relay published the delivery task to the private Redis on commit.

    first = _start_worker(private_broker, log)
    try:
        _wait_for(effect.with_suffix(".started").exists, seconds=30, what="the first delivery starting", log=log)
        first.kill()  # SIGKILL in the middle of the handler: no cleanup, no ack
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait(timeout=10)
    message.refresh_from_db()
    assert (message.status, message.attempts, effect.exists()) == (OutboxStatus.PENDING, 0, False)

    effect.with_suffix(".slow").unlink()
    time.sleep(VISIBILITY_TIMEOUT + 0.5)  # the unacknowledged task becomes visible again
    second = _start_worker(private_broker, log)
    try:
        _wait_for(effect.exists, seconds=30, what="the redelivered task running", log=log)
        time.sleep(1)  # room for a duplicate to show up, if there were one
    finally:
        second.terminate()
        try:
            second.wait(timeout=10)
        except subprocess.TimeoutExpired:
            second.kill()
            second.wait(timeout=10)

    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.DELIVERED, 1)
    assert effect.read_text().splitlines() == ["effect-1"]
    assert outbox_deliver_due() == 0
    assert effect.read_text().splitlines() == ["effect-1"]
