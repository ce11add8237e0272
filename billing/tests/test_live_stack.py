"""The production shape, for real: two uvicorn web processes and a Celery worker on
PostgreSQL and Redis, driven over HTTP and WebSockets from outside.

* A socket on web process one hears of an approval made through the API of web process
  two (the channel layer crosses processes).
* A Celery task's progress, reported in the worker, reaches a socket on a web process,
  every step in order.

The test database is committed (`transaction=True`), so the subprocesses, pointed at it
by `DATABASE_URL`, see the data the test made. Each run uses its own channel-layer and
cache prefixes and its own Celery queue, so nothing else on the same Redis interferes.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from channels.db import database_sync_to_async
from django.conf import global_settings, settings
from websockets.asyncio.client import connect
from websockets.typing import Subprotocol

from accounts.tests.factories import PASSWORD, make_user
from billing.celery import app as celery_app
from files.models import ProcessingTask
from files.tests.progress_task import expected_steps, report_every_stage
from invoices.tests.factories import advance, make_invoice

pytestmark = [
    pytest.mark.live,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]

BASE_DIR = Path(settings.BASE_DIR)
STARTUP_SECONDS = 25
RECEIVE_SECONDS = 5


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _test_database_url() -> str:
    database = settings.DATABASES["default"]
    credentials = quote(database["USER"] or "postgres")
    if database.get("PASSWORD"):
        credentials += ":" + quote(database["PASSWORD"])
    return f"postgres://{credentials}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/{database['NAME']}"


@dataclass
class Process:
    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]


def _start(name: str, command: list[str], env: dict[str, str], logs: Path) -> Process:
    log = logs / f"{name}.log"
    with log.open("wb") as output:
        popen = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT)
    return Process(name, popen, log)


def _stop(processes: list[Process]) -> None:
    for process in processes:
        if process.popen.poll() is None:
            process.popen.terminate()
    for process in processes:
        try:
            process.popen.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.popen.kill()
            process.popen.wait()


def _wait_until(ready: Any, process: Process) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.popen.poll() is not None:
            pytest.fail(f"{process.name} exited with {process.popen.returncode}:\n{process.tail()}")
        if ready():
            return
        time.sleep(0.2)
    pytest.fail(f"{process.name} did not start within {STARTUP_SECONDS} s:\n{process.tail()}")


def _http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:  # noqa: S310 (loopback)
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


@pytest.fixture(autouse=True)
def production_password_hashers(settings: Any) -> None:
    """The subprocesses check passwords with the real hashers, not the tests' fast one."""
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS


@dataclass(frozen=True)
class Stack:
    web_one: str
    web_two: str
    queue: str


@pytest.fixture(scope="module")
def live_stack(django_db_setup: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Two ASGI web processes, as `make stack` runs them, and a Celery worker that knows the
    progress task and listens on this run's own queue. Started once for the module, all at
    once; stopped (only these three) when it is done."""
    run = uuid.uuid4().hex[:12]
    logs = tmp_path_factory.mktemp("live-stack")
    env = {
        **os.environ,
        "DATABASE_URL": _test_database_url(),
        "REDIS_URL": settings.REDIS_URL or "",  # set: the test is skipped without it
        "CHANNEL_LAYER_PREFIX": f"live-{run}",
        "CACHE_KEY_PREFIX": f"live-{run}",
        "MEDIA_ROOT": str(logs / "media"),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "DJANGO_SETTINGS_MODULE": "billing.settings",
    }
    queue = f"live-{run}"
    ports = [_free_port(), _free_port()]
    uvicorn = [
        sys.executable,
        "-m",
        "uvicorn",
        "billing.asgi:application",
        "--host",
        "127.0.0.1",
        "--lifespan",
        "off",
        "--ws-per-message-deflate",
        "false",
    ]
    celery = str(Path(sys.executable).with_name("celery"))
    processes = [
        _start("web1", [*uvicorn, "--port", str(ports[0])], env, logs),
        _start("web2", [*uvicorn, "--port", str(ports[1])], env, logs),
        _start(
            "worker",
            [
                celery,
                "-A",
                "billing",
                "worker",
                "--include",
                "files.tests.progress_task",
                "-Q",
                queue,
                "--pool",
                "solo",
                "--hostname",
                f"{queue}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel",
                "INFO",
            ],
            env,
            logs,
        ),
    ]
    web1, web2, worker = processes
    try:
        _wait_until(lambda: _http_ok(f"http://127.0.0.1:{ports[0]}/health"), web1)
        _wait_until(lambda: _http_ok(f"http://127.0.0.1:{ports[1]}/health"), web2)
        _wait_until(lambda: " ready." in worker.log.read_text(errors="replace"), worker)
        yield Stack(f"127.0.0.1:{ports[0]}", f"127.0.0.1:{ports[1]}", queue)
    finally:
        _stop(processes)


def _post_json(url: str, body: dict[str, Any], token: str | None = None) -> tuple[int, Any]:
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (loopback)
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


async def _login(host: str, username: str) -> str:
    status, body = await asyncio.to_thread(
        _post_json, f"http://{host}/api/v1/auth/login", {"username": username, "password": PASSWORD}
    )
    assert status == 200, body
    return body["access_token"]


async def _receive(websocket: Any) -> dict[str, Any]:
    return json.loads(await asyncio.wait_for(websocket.recv(), RECEIVE_SECONDS))


@pytest.fixture
def pending_invoice(transactional_db: Any) -> Any:
    approver = make_user(username="alice", approver=True)
    return advance(make_invoice(owner=make_user(username="olivia")), to="pending_approval", approver=approver)


@pytest.fixture
def queued_task(transactional_db: Any) -> ProcessingTask:
    return ProcessingTask.objects.create(owner=make_user(username="olivia"))


async def test_an_approval_on_web_two_reaches_a_socket_on_web_one(live_stack: Stack, pending_invoice: Any) -> None:
    web_one, web_two = live_stack.web_one, live_stack.web_two
    invoice = pending_invoice
    owner_token = await _login(web_two, "olivia")
    approver_token = await _login(web_two, "alice")

    headers = {"Authorization": f"Bearer {owner_token}"}
    async with connect(f"ws://{web_one}/ws/invoices/", additional_headers=headers) as websocket:
        await websocket.send(json.dumps({"type": "ping"}))
        assert await _receive(websocket) == {"type": "pong"}  # subscribed before the approval

        status, body = await asyncio.to_thread(
            _post_json, f"http://{web_two}/api/v1/invoices/{invoice.pk}/approve/", {}, approver_token
        )
        assert (status, body["status"]) == (200, "approved")

        message = await _receive(websocket)
        assert (message["type"], message["invoice"]["id"], message["invoice"]["status"]) == (
            "invoice.status_changed",
            invoice.pk,
            "approved",
        )
        assert message["event"]["actor"]["username"] == "alice"


async def test_a_celery_tasks_progress_reaches_a_socket_in_order(
    live_stack: Stack, queued_task: ProcessingTask
) -> None:
    web_one = live_stack.web_one
    task = queued_task
    token = await _login(web_one, "olivia")

    async with connect(
        f"ws://{web_one}/ws/tasks/{task.pk}/", subprotocols=[Subprotocol("bearer"), Subprotocol(token)]
    ) as websocket:
        assert websocket.subprotocol == "bearer"
        snapshot = await _receive(websocket)
        assert (snapshot["type"], snapshot["task_id"], snapshot["progress"]) == ("progress", str(task.pk), 0)

        celery_app.conf.task_always_eager = False  # this one goes to the real worker
        try:
            report_every_stage.apply_async(args=[str(task.pk)], queue=live_stack.queue)
        finally:
            celery_app.conf.task_always_eager = True

        received = [await _receive(websocket) for _ in expected_steps()]
    assert [(m["type"], m["stage"], m["progress"]) for m in received] == expected_steps()
    assert {m["task_id"] for m in received} == {str(task.pk)}
    assert received[-1]["result"] == {"pages": 1, "stages": 4}
    await database_sync_to_async(task.refresh_from_db)()
    assert (task.status, task.progress) == ("completed", 100)
