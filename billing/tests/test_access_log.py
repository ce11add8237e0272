"""The web process as `make stack` starts it (Procfile.stack's own command line) keeps
credentials out of uvicorn's access log, for HTTP requests and WebSocket handshakes."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.request import urlopen

import pytest
import websockets
from django.conf import settings

from core.logging import redact
from invoices.tests.browser_support import free_port

pytestmark = pytest.mark.live

SECRET = "opaque-SECRET-1234567890"


def _procfile_web_command(port: int) -> list[str]:
    line = next(
        line for line in (settings.BASE_DIR / "Procfile.stack").read_text().splitlines() if line.startswith("web1:")
    )
    command = line.split(":", 1)[1].strip().replace("${WEB1_PORT:-8001}", str(port))
    parts = command.split()
    assert parts[0] == ".venv/bin/python"
    return [sys.executable, *parts[1:]]


def test_the_procfile_web_command_passes_the_log_config_and_ignores_forwarding_headers() -> None:
    command = _procfile_web_command(8001)
    makefile = (settings.BASE_DIR / "Makefile").read_text()

    assert command[command.index("--log-config") + 1] == "billing/uvicorn_logging.json"
    assert "--no-proxy-headers" in command
    assert "--no-proxy-headers --log-config billing/uvicorn_logging.json" in makefile


async def _handshake(port: int) -> None:
    url = f"ws://127.0.0.1:{port}/ws/invoices/?access={SECRET}&token={SECRET}"
    try:
        async with websockets.connect(url, open_timeout=5, close_timeout=2) as socket:
            await asyncio.wait_for(socket.recv(), timeout=5)
    except websockets.ConnectionClosed as closed:
        assert closed.rcvd is not None and closed.rcvd.code == 4401


def test_tokens_in_urls_never_reach_the_access_log_in_clear(tmp_path: Path) -> None:
    port = free_port()
    log_path = tmp_path / "web.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "billing.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "REDIS_URL": "",
        "CELERY_TASK_ALWAYS_EAGER": "true",
        "PYTHONUNBUFFERED": "1",
    }
    with log_path.open("w") as log:
        process = subprocess.Popen(
            _procfile_web_command(port), cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urlopen(f"http://127.0.0.1:{port}/health?token={SECRET}", timeout=2):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"the server did not start:\n{log_path.read_text()}")
                time.sleep(0.2)
        asyncio.run(_handshake(port))
        time.sleep(0.5)  # let the access lines reach the file
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)

    log_text = log_path.read_text()
    assert re.search(r"GET /health\?token=\[redacted\]", log_text), log_text
    assert "WebSocket /ws/invoices/?access=[redacted]&token=[redacted]" in log_text, log_text
    assert SECRET not in log_text


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('"WebSocket /ws/invoices/?access=abc.def&x=1" 403', '"WebSocket /ws/invoices/?access=[redacted]&x=1" 403'),
        ("GET /health?jwt=zzz HTTP/1.1", "GET /health?jwt=[redacted] HTTP/1.1"),
        ("oauth_state=keep", "oauth_state=keep"),
        ("password: hunter2", "password: [redacted]"),
    ],
)
def test_redact_blanks_credential_parameters_only(line: str, expected: str) -> None:
    assert redact(line) == expected
