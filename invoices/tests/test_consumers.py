"""The invoice sockets: who may connect, how, and which close code everyone else gets.

Messages produced by real service calls are covered in `test_live_bridge.py`.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.sessions.models import Session
from django.test import Client
from rest_framework_simplejwt.tokens import AccessToken

from billing.routing import websocket_application
from invoices.tests.factories import make_invoice

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_channel_layer")]

SAME_SITE = (b"origin", b"http://testserver")


def access_token(user: Any, *, lifetime: timedelta | None = None, epoch: int | None = None) -> str:
    token = AccessToken.for_user(user)
    token["epoch"] = user.token_epoch if epoch is None else epoch
    if lifetime is not None:
        token.set_exp(lifetime=lifetime)
    return str(token)


def bearer_header(user: Any, **kwargs: Any) -> tuple[bytes, bytes]:
    return (b"authorization", f"Bearer {access_token(user, **kwargs)}".encode())


@database_sync_to_async
def session_cookie(user: Any) -> tuple[bytes, bytes]:
    client = Client()
    client.force_login(user)
    return (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode())


async def open_socket(
    path: str, headers: list[tuple[bytes, bytes]] | None = None, subprotocols: list[str] | None = None
) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(websocket_application, path, headers=headers or [], subprotocols=subprotocols)
    connected, _ = await communicator.connect()
    assert connected  # refusals are sent after accept, so clients see the close code
    return communicator


async def assert_closed_with(communicator: WebsocketCommunicator, code: int) -> None:
    assert await communicator.receive_output(timeout=2) == {"type": "websocket.close", "code": code}
    await communicator.disconnect()


async def assert_open(communicator: WebsocketCommunicator) -> None:
    await communicator.send_json_to({"type": "ping"})
    assert await communicator.receive_json_from() == {"type": "pong"}
    await communicator.disconnect()


# --- session cookie and Origin -----------------------------------------------------------


async def test_session_cookie_from_the_same_site_connects_and_answers_ping(owner: Any) -> None:
    socket = await open_socket("/ws/invoices/", [await session_cookie(owner), SAME_SITE])
    await assert_open(socket)


async def test_session_cookie_from_the_sockets_own_host_connects(owner: Any, settings: Any) -> None:
    settings.ALLOWED_HOSTS = ["billing.example"]
    headers = [await session_cookie(owner), (b"host", b"127.0.0.1:8001"), (b"origin", b"http://127.0.0.1:8001")]
    await assert_open(await open_socket("/ws/invoices/", headers))


async def test_session_cookie_from_a_configured_websocket_origin_connects(owner: Any, settings: Any) -> None:
    settings.WEBSOCKET_ALLOWED_ORIGINS = ["https://app.example.com"]
    headers = [await session_cookie(owner), (b"origin", b"https://app.example.com")]
    await assert_open(await open_socket("/ws/invoices/", headers))


async def test_session_cookie_from_another_site_is_closed_with_4403(owner: Any) -> None:
    socket = await open_socket("/ws/invoices/", [await session_cookie(owner), (b"origin", b"https://evil.example")])
    await assert_closed_with(socket, 4403)


async def test_session_cookie_without_an_origin_is_closed_with_4403(owner: Any) -> None:
    await assert_closed_with(await open_socket("/ws/invoices/", [await session_cookie(owner)]), 4403)


async def test_wildcard_allowed_hosts_does_not_trust_every_origin(owner: Any, settings: Any) -> None:
    settings.ALLOWED_HOSTS = ["*"]
    socket = await open_socket("/ws/invoices/", [await session_cookie(owner), (b"origin", b"https://evil.example")])
    await assert_closed_with(socket, 4403)


async def test_no_credentials_are_closed_with_4401(db: Any) -> None:
    await assert_closed_with(await open_socket("/ws/invoices/", [SAME_SITE]), 4401)


async def test_a_logged_out_session_is_closed_with_4401(owner: Any) -> None:
    cookie = await session_cookie(owner)
    await database_sync_to_async(Session.objects.all().delete)()
    await assert_closed_with(await open_socket("/ws/invoices/", [cookie, SAME_SITE]), 4401)


# --- access tokens -------------------------------------------------------------------------


async def test_bearer_header_connects_without_an_origin(owner: Any) -> None:
    await assert_open(await open_socket("/ws/invoices/", [bearer_header(owner)]))


async def test_bearer_subprotocol_connects_and_the_server_answers_bearer(owner: Any) -> None:
    communicator = WebsocketCommunicator(
        websocket_application, "/ws/invoices/", subprotocols=["bearer", access_token(owner)]
    )
    connected, subprotocol = await communicator.connect()
    assert (connected, subprotocol) == (True, "bearer")
    await assert_open(communicator)


async def test_invalid_subprotocol_token_is_accepted_as_bearer_then_closed_with_4401(owner: Any) -> None:
    communicator = WebsocketCommunicator(websocket_application, "/ws/invoices/", subprotocols=["bearer", "nonsense"])
    connected, subprotocol = await communicator.connect()
    assert (connected, subprotocol) == (True, "bearer")
    await assert_closed_with(communicator, 4401)


@pytest.mark.parametrize("parameter", ["token", "access_token", "jwt"])
async def test_a_valid_token_in_the_url_is_refused_with_4401(owner: Any, parameter: str) -> None:
    socket = await open_socket(f"/ws/invoices/?{parameter}={access_token(owner)}")
    await assert_closed_with(socket, 4401)


async def test_a_token_in_the_url_is_refused_even_beside_a_valid_header(owner: Any) -> None:
    socket = await open_socket(f"/ws/invoices/?token={access_token(owner)}", [bearer_header(owner)])
    await assert_closed_with(socket, 4401)


async def test_an_expired_token_is_closed_with_4401(owner: Any) -> None:
    socket = await open_socket("/ws/invoices/", [bearer_header(owner, lifetime=timedelta(seconds=-1))])
    await assert_closed_with(socket, 4401)


async def test_a_forged_token_is_closed_with_4401(owner: Any) -> None:
    header, _ = bearer_header(owner)
    forged = access_token(owner)[:-4] + "AAAA"
    await assert_closed_with(await open_socket("/ws/invoices/", [(header, f"Bearer {forged}".encode())]), 4401)


async def test_a_token_from_before_a_password_change_is_closed_with_4401(owner: Any) -> None:
    socket = await open_socket("/ws/invoices/", [bearer_header(owner, epoch=owner.token_epoch + 1)])
    await assert_closed_with(socket, 4401)


async def test_a_token_of_a_deactivated_user_is_closed_with_4401(owner: Any) -> None:
    header = bearer_header(owner)
    owner.is_active = False
    await database_sync_to_async(owner.save)()
    await assert_closed_with(await open_socket("/ws/invoices/", [header]), 4401)


async def test_a_token_of_an_unverified_user_is_closed_with_4401(owner: Any) -> None:
    owner.is_verified = False
    await database_sync_to_async(owner.save)()
    await assert_closed_with(await open_socket("/ws/invoices/", [bearer_header(owner)]), 4401)


async def test_a_non_bearer_authorization_header_is_closed_with_4401(owner: Any) -> None:
    socket = await open_socket("/ws/invoices/", [(b"authorization", b"Basic b2xpdmlhOnNlY3JldA=="), SAME_SITE])
    await assert_closed_with(socket, 4401)


async def test_the_socket_is_closed_with_4401_when_its_token_expires(owner: Any) -> None:
    socket = await open_socket("/ws/invoices/", [bearer_header(owner, lifetime=timedelta(seconds=2))])
    await socket.send_json_to({"type": "ping"})
    assert await socket.receive_json_from() == {"type": "pong"}
    assert await socket.receive_output(timeout=4) == {"type": "websocket.close", "code": 4401}


async def test_tokens_never_reach_the_logs(owner: Any, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    good, expired = access_token(owner), access_token(owner, lifetime=timedelta(seconds=-1))
    await assert_open(await open_socket("/ws/invoices/", [(b"authorization", f"Bearer {good}".encode())]))
    await assert_closed_with(await open_socket("/ws/invoices/", subprotocols=["bearer", expired]), 4401)
    await assert_closed_with(await open_socket(f"/ws/invoices/?token={good}"), 4401)
    assert good not in caplog.text
    assert expired not in caplog.text


# --- one invoice -------------------------------------------------------------------------------


async def test_the_owner_may_follow_their_invoice(owner: Any) -> None:
    invoice = await database_sync_to_async(make_invoice)(owner=owner)
    await assert_open(await open_socket(f"/ws/invoices/{invoice.pk}/", [bearer_header(owner)]))


async def test_staff_may_follow_anyones_invoice(owner: Any, staff_without_permission: Any) -> None:
    invoice = await database_sync_to_async(make_invoice)(owner=owner)
    await assert_open(await open_socket(f"/ws/invoices/{invoice.pk}/", [bearer_header(staff_without_permission)]))


async def test_another_users_invoice_is_closed_with_4404_as_if_missing(owner: Any, other_user: Any) -> None:
    invoice = await database_sync_to_async(make_invoice)(owner=owner)
    socket = await open_socket(f"/ws/invoices/{invoice.pk}/", [bearer_header(other_user)])
    await assert_closed_with(socket, 4404)


@pytest.mark.parametrize("invoice_id", ["999999", "not-a-number"])
async def test_a_missing_invoice_is_closed_with_4404(owner: Any, invoice_id: str) -> None:
    await assert_closed_with(await open_socket(f"/ws/invoices/{invoice_id}/", [bearer_header(owner)]), 4404)


async def test_a_missing_invoice_is_4401_before_it_is_4404_for_strangers(db: Any) -> None:
    await assert_closed_with(await open_socket("/ws/invoices/999999/", [SAME_SITE]), 4401)


# --- the protocol --------------------------------------------------------------------------------


async def test_anything_but_a_ping_gets_an_error_and_the_socket_stays_open(owner: Any) -> None:
    socket = await open_socket("/ws/invoices/", [bearer_header(owner)])
    await socket.send_to(text_data="not json")
    assert (await socket.receive_json_from())["type"] == "error"
    await socket.send_json_to({"type": "subscribe", "invoice": 1})
    assert (await socket.receive_json_from())["type"] == "error"
    await assert_open(socket)


# --- strict Origin parsing --------------------------------------------------------------


@pytest.mark.parametrize(
    "origin",
    [
        b"http://127.0.0.1:8771.evil.com",  # read loosely, its host is 127.0.0.1
        b"http://testserver.evil.com",
        b"http://testserver:8080",  # an allowed host, but not the port this socket is on
        b"https://testserver:80",
        b"http://user@testserver",
        b"http://testserver/path",
        b"http://testserver?x=1",
        b"null",
        b"testserver",
        b"ftp://testserver",
        b"http://test_server",
    ],
)
async def test_session_cookie_from_a_malformed_or_other_port_origin_is_closed_with_4403(
    owner: Any, origin: bytes
) -> None:
    socket = await open_socket("/ws/invoices/", [await session_cookie(owner), (b"origin", origin)])
    await assert_closed_with(socket, 4403)


async def test_a_configured_origin_allows_exactly_its_scheme_host_and_port(owner: Any, settings: Any) -> None:
    settings.WEBSOCKET_ALLOWED_ORIGINS = ["https://app.example.com:8443"]
    for origin, code in [
        (b"http://app.example.com:8443", 4403),
        (b"https://app.example.com", 4403),
        (b"https://app.example.com:8444", 4403),
    ]:
        socket = await open_socket("/ws/invoices/", [await session_cookie(owner), (b"origin", origin)])
        await assert_closed_with(socket, code)
    await assert_open(
        await open_socket("/ws/invoices/", [await session_cookie(owner), (b"origin", b"https://App.Example.com:8443")])
    )


async def test_an_allowed_host_is_trusted_on_the_port_the_socket_is_served_on(owner: Any, settings: Any) -> None:
    settings.ALLOWED_HOSTS = ["billing.example", "127.0.0.1"]
    host = (b"host", b"127.0.0.1:8001")
    await assert_open(
        await open_socket(
            "/ws/invoices/", [await session_cookie(owner), host, (b"origin", b"http://billing.example:8001")]
        )
    )
    socket = await open_socket(
        "/ws/invoices/", [await session_cookie(owner), host, (b"origin", b"http://billing.example:9999")]
    )
    await assert_closed_with(socket, 4403)
