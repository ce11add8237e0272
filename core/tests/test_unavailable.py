"""A dependency that is down is a 503 with `{"detail"}` (API), a 503 page (pages) and a
1013 close (sockets), within seconds, and the answer names no host or port."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest
from channels.testing import WebsocketCommunicator
from django.db import connection
from django.test import Client

from billing.asgi import application
from core.unavailable import CLOSE_TRY_AGAIN_LATER, UNAVAILABLE_DETAIL
from invoices.tests.test_consumers import access_token

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def database_down(transactional_db: Any) -> Iterator[int]:
    """Every new connection (this thread's and the sync threads') goes to a loopback port
    nobody listens on: the real driver fails to connect, as with a stopped server."""
    saved_port = connection.settings_dict["PORT"]
    dead_port = _free_port()
    connection.close()
    connection.settings_dict["PORT"] = str(dead_port)
    try:
        yield dead_port
    finally:
        connection.close()
        connection.settings_dict["PORT"] = saved_port


def test_the_api_answers_503_json_when_the_database_is_down(owner: Any, database_down: int) -> None:
    token = access_token(owner)  # signed without the database
    started = time.monotonic()

    response = Client().get("/api/v1/invoices/", HTTP_AUTHORIZATION=f"Bearer {token}")

    assert time.monotonic() - started < 6
    assert response.status_code == 503
    assert response.json() == {"detail": UNAVAILABLE_DETAIL}
    assert response["Retry-After"] == "5"


def test_anonymous_login_answers_503_json_when_the_database_is_down(database_down: int) -> None:
    response = Client().post(
        "/api/v1/auth/login/", {"username": "ada", "password": "x"}, content_type="application/json"
    )

    assert response.status_code == 503
    assert response.json() == {"detail": UNAVAILABLE_DETAIL}


def test_a_page_answers_a_503_page_when_the_database_is_down(owner: Any) -> None:
    client = Client()
    client.force_login(owner)
    saved_port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = str(_free_port())
    try:
        response = client.get("/invoices/")
    finally:
        connection.close()
        connection.settings_dict["PORT"] = saved_port

    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert "Temporarily unavailable" in response.content.decode()


def test_health_names_the_database_down_without_its_host_or_port(database_down: int) -> None:
    response = Client().get("/health/database")

    assert response.status_code == 503
    text = response.content.decode()
    assert str(database_down) not in text
    assert "127.0.0.1" not in text
    assert "localhost" not in text


async def test_a_socket_is_closed_with_1013_when_the_database_is_down(owner: Any, database_down: int) -> None:
    token = access_token(owner)
    communicator = WebsocketCommunicator(
        application, "/ws/invoices/", headers=[(b"authorization", f"Bearer {token}".encode())]
    )

    connected, _ = await communicator.connect(timeout=6)

    assert connected
    assert await communicator.receive_output(timeout=6) == {"type": "websocket.close", "code": CLOSE_TRY_AGAIN_LATER}
    await communicator.disconnect()
