"""What the browser tests need around Chromium: a real server process, its environment,
a log of every request the browser makes, and the steps a person takes on the pages."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlparse
from urllib.request import urlopen

import pytest
from django.conf import settings

from accounts.tests.factories import PASSWORD

LOCAL_HOSTS = {"127.0.0.1", "localhost"}
STARTUP_SECONDS = 60


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def postgres_url(database: dict[str, Any]) -> str:
    user = quote(database.get("USER") or "", safe="")
    password = quote(database.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = database.get("HOST") or "127.0.0.1"
    port = f":{database['PORT']}" if database.get("PORT") else ""
    return f"postgres://{credentials}{host}{port}/{database['NAME']}"


def manage(env: dict[str, str], *arguments: str) -> str:
    """Run a management command in the server's environment; returns what it printed."""
    result = subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, f"manage.py {arguments[0]} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def base_env(tmp_path: Path) -> dict[str, str]:
    run_id = uuid.uuid4().hex[:8]
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "billing.settings",
        "DEBUG": "true",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        # Tasks in-process; private Redis key spaces, so parallel runs never share groups or throttles.
        "CELERY_TASK_ALWAYS_EAGER": "true",
        "CHANNEL_LAYER_PREFIX": f"browser-{run_id}",
        "CACHE_KEY_PREFIX": f"browser-{run_id}",
        "PYTHONUNBUFFERED": "1",
    }


class LiveServer:
    """One uvicorn process serving the whole app (pages, admin, WebSockets) on a loopback
    port. It can be stopped and started again on the same port, as a deploy would."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.env = env
        self.log_path = log_path
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [sys.executable, "-m", "uvicorn", "billing.asgi:application", "--host", "127.0.0.1"]
        command += ["--port", str(self.port), "--lifespan", "off", "--log-level", "warning"]
        with self.log_path.open("a") as log:
            self.process = subprocess.Popen(
                command, cwd=settings.BASE_DIR, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + STARTUP_SECONDS
        while not self._healthy():
            if self.process.poll() is not None:
                pytest.fail(f"the server exited early:\n{self.log_path.read_text()}")
            if time.monotonic() > deadline:
                pytest.fail(f"the server did not start in {STARTUP_SECONDS}s:\n{self.log_path.read_text()}")
            time.sleep(0.2)

    def _healthy(self) -> bool:
        try:
            with urlopen(f"{self.url}/health", timeout=2) as response:  # noqa: S310 (our own loopback server)
                return response.status == 200
        except OSError:
            return False

    def stop(self) -> None:
        """End our own process only: terminate, then kill if it does not go."""
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None


class RequestLog:
    """Every URL a browser context asked for, pages, scripts, styles and sockets alike."""

    def __init__(self) -> None:
        self.urls: list[str] = []

    def watch(self, context: Any) -> Any:
        context.on("request", lambda request: self.urls.append(request.url))
        context.on("page", lambda page: page.on("websocket", lambda socket: self.urls.append(socket.url)))
        return context

    def off_site(self) -> list[str]:
        return [
            url
            for url in self.urls
            if urlparse(url).scheme not in ("data", "blob", "about") and urlparse(url).hostname not in LOCAL_HOSTS
        ]


def log_in(page: Any, base_url: str, username: str, next_path: str) -> None:
    page.goto(f"{base_url}/accounts/login/?next={quote(next_path)}")
    page.get_by_label("Username or e-mail").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base_url}{next_path}")


def fill_line(page: Any, number: int, **values: str) -> None:
    labels = {
        "description": "description",
        "quantity": "quantity",
        "unit_price": "unit price",
        "discount_percent": "discount %",
        "tax_rate": "tax %",
    }
    for name, value in values.items():
        page.get_by_label(f"Line {number} {labels[name]}", exact=True).fill(value)
