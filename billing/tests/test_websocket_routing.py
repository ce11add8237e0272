"""A socket path no app routes is closed with 4404 (the socket's 404), never a 500 handshake."""

from __future__ import annotations

from typing import Any

import pytest
from channels.testing import WebsocketCommunicator

from billing.routing import websocket_application
from invoices.tests.test_consumers import access_token, assert_closed_with, bearer_header, open_socket

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_channel_layer")]

UNKNOWN_PATHS = ["/ws/chat", "/ws/chat/", "/ws/chat/history/1/", "/ws/", "/ws/nothing", "/ws/invoices/1/extra/", "/"]


@pytest.mark.parametrize("path", UNKNOWN_PATHS)
async def test_an_unknown_socket_path_is_closed_with_4404_for_anyone(path: str) -> None:
    await assert_closed_with(await open_socket(path), 4404)


@pytest.mark.parametrize("path", UNKNOWN_PATHS)
async def test_an_unknown_socket_path_is_closed_with_4404_for_a_signed_in_client(path: str, owner: Any) -> None:
    await assert_closed_with(await open_socket(path, [bearer_header(owner)]), 4404)


async def test_an_unknown_path_answers_bearer_to_a_browser_that_offered_it(owner: Any) -> None:
    communicator = WebsocketCommunicator(
        websocket_application, "/ws/chat/", subprotocols=["bearer", access_token(owner)]
    )

    connected, subprotocol = await communicator.connect()

    assert (connected, subprotocol) == (True, "bearer")
    await assert_closed_with(communicator, 4404)


async def test_known_paths_still_reach_their_consumers(owner: Any) -> None:
    socket = await open_socket("/ws/invoices", [bearer_header(owner)])
    await socket.send_json_to({"type": "ping"})

    assert await socket.receive_json_from() == {"type": "pong"}
    await socket.disconnect()
