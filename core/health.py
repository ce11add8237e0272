"""Health endpoints for load balancers and operators.

`/health` answers as long as the process serves; `/health/database` and
`/health/detailed` touch each dependency for real and answer 503 naming the one
that is down.

The words are the case-study API's, which its clients check for: the service and each
component are `healthy` or `unhealthy`, and the database `connected` or `disconnected`.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from typing import Any

from asgiref.sync import async_to_sync
from celery import current_app as current_celery_app
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_safe

SERVICE_NAME = "billing"
logger = logging.getLogger(__name__)


def check_database() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"vendor": connection.vendor}


def check_cache() -> dict[str, Any]:
    key = f"health:{uuid.uuid4().hex}"
    cache.set(key, "ok", 10)
    if cache.get(key) != "ok":
        raise RuntimeError("cache did not return the value just written")
    cache.delete(key)
    return {"backend": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]}


def check_channel_layer() -> dict[str, Any]:
    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("no channel layer configured")

    async def round_trip() -> None:
        channel = await layer.new_channel()
        await layer.send(channel, {"type": "health.ping"})
        message = await layer.receive(channel)
        # channels_redis drops its in-flight copy of a message in a background task; the
        # loop ends with this function, so wait for it or each check leaves a key behind.
        wait_received = getattr(layer, "wait_received", None)
        if wait_received is not None:
            await wait_received()
        if message.get("type") != "health.ping":
            raise RuntimeError("channel layer returned another message")

    async_to_sync(round_trip)()
    return {"backend": type(layer).__name__}


def check_celery() -> dict[str, Any]:
    # The project's app (billing.celery) is the current one once Django is set up; asking
    # Celery for it keeps this module free of the configuration package.
    app = current_celery_app

    # The app's own config is the truth: tests and `make run` switch it to eager.
    if app.conf.task_always_eager:
        return {"mode": "eager"}
    replies = app.control.inspect(timeout=1.0).ping() or {}
    if not replies:
        raise RuntimeError("no Celery worker answered")
    return {"mode": "worker", "workers": sorted(replies)}


def check_storage() -> dict[str, Any]:
    name = default_storage.save(f"health/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    try:
        with default_storage.open(name) as handle:
            if handle.read() != b"ok":
                raise RuntimeError("storage returned other bytes")
    finally:
        default_storage.delete(name)
    backend = getattr(default_storage, "_wrapped", default_storage)
    return {"backend": type(backend).__name__}


HEALTHY, UNHEALTHY = "healthy", "unhealthy"
# A component's words for (up, down); the database speaks of its connection.
COMPONENT_WORDS: dict[str, tuple[str, str]] = {"database": ("connected", "disconnected")}

CHECKS: dict[str, Callable[[], dict[str, Any]]] = {
    "database": check_database,
    "cache": check_cache,
    "channel_layer": check_channel_layer,
    "celery": check_celery,
    "storage": check_storage,
}


def measure(check: Callable[[], dict[str, Any]], *, words: tuple[str, str] = (HEALTHY, UNHEALTHY)) -> dict[str, Any]:
    """Run one check: `{status: <up word>, latency_ms, ...details}` or `{status: <down word>, error}`."""
    up, down = words
    started = time.perf_counter()
    try:
        details = check()
    except Exception as error:  # a health check reports every failure, it never raises
        # The public answer names the kind of failure only: driver messages carry internal
        # hosts, ports and user names. The full text goes to the log.
        logger.warning("health check %s failed: %s: %s", check.__name__, type(error).__name__, error)
        return {"status": down, "error": type(error).__name__}
    return {"status": up, "latency_ms": round((time.perf_counter() - started) * 1000, 2), **details}


def run_check(name: str) -> dict[str, Any]:
    return measure(CHECKS[name], words=COMPONENT_WORDS.get(name, (HEALTHY, UNHEALTHY)))


def _is_up(name: str, result: dict[str, Any]) -> bool:
    return result["status"] == COMPONENT_WORDS.get(name, (HEALTHY, UNHEALTHY))[0]


def _body(status: str, **extra: Any) -> dict[str, Any]:
    return {"status": status, "service": SERVICE_NAME, "version": settings.VERSION, **extra}


@require_safe
def health(request: HttpRequest) -> JsonResponse:
    return JsonResponse(_body(HEALTHY))


@require_safe
def health_database(request: HttpRequest) -> JsonResponse:
    result = run_check("database")
    healthy = _is_up("database", result)
    return JsonResponse(_body(HEALTHY if healthy else UNHEALTHY, database=result), status=200 if healthy else 503)


@require_safe
def health_detailed(request: HttpRequest) -> JsonResponse:
    components = {name: run_check(name) for name in CHECKS}
    down = sorted(name for name, result in components.items() if not _is_up(name, result))
    body = _body(UNHEALTHY if down else HEALTHY, components=components, down=down)
    return JsonResponse(body, status=503 if down else 200)
