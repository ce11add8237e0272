"""What the back office's `GET /api/v1/admin/health/` reports: the database's connections,
Redis memory and clients, the Celery workers that answer, and this process's CPU and
memory (psutil). Each part is read for real; a part that cannot be read says why."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import psutil
import redis
from django.conf import settings
from django.db import connection

from core.health import HEALTHY, check_celery, measure


def database_connections() -> dict[str, Any]:
    if connection.vendor != "postgresql":
        # SQLite has no server: one file, opened by each process that uses it.
        return {"vendor": connection.vendor, "connections": None, "max_connections": None}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(*) FILTER (WHERE state = 'active') FROM pg_stat_activity "
            "WHERE datname = current_database()"
        )
        total, active = cursor.fetchone()
        cursor.execute("SHOW max_connections")
        (maximum,) = cursor.fetchone()
    return {"vendor": "postgresql", "connections": total, "active": active, "max_connections": int(maximum)}


def redis_usage() -> dict[str, Any]:
    if not settings.REDIS_URL:
        return {"configured": False}
    client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)
    try:
        memory = client.info("memory")
        clients = client.info("clients")
    finally:
        client.close()
    return {
        "configured": True,
        "used_memory_bytes": memory["used_memory"],
        "used_memory_human": memory["used_memory_human"],
        "peak_memory_bytes": memory["used_memory_peak"],
        "connected_clients": clients["connected_clients"],
        "blocked_clients": clients.get("blocked_clients", 0),
    }


def process_usage() -> dict[str, Any]:
    process = psutil.Process(os.getpid())
    with process.oneshot():
        memory = process.memory_info()
        threads = process.num_threads()
    return {
        "pid": process.pid,
        "cpu_percent": process.cpu_percent(interval=0.1),
        "memory_rss_bytes": memory.rss,
        "memory_percent": round(process.memory_percent(), 2),
        "threads": threads,
        "system_cpu_percent": psutil.cpu_percent(interval=None),
        "system_memory_percent": psutil.virtual_memory().percent,
    }


PARTS: dict[str, Callable[[], dict[str, Any]]] = {
    "database": database_connections,
    "redis": redis_usage,
    "celery": check_celery,
    "process": process_usage,
}


def system_health() -> dict[str, Any]:
    """Every part, each `{status: healthy|unhealthy, ...}` as `/health/detailed` words it;
    overall `healthy` when all are."""
    components = {name: measure(part) for name, part in PARTS.items()}
    down = sorted(name for name, part in components.items() if part["status"] != HEALTHY)
    return {"status": "unhealthy" if down else "healthy", "components": components, "down": down}


__all__ = ["system_health"]
