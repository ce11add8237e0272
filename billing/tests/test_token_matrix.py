"""The token matrix, kept: every kind of bad credential against the API (header) and the
sockets (header and subprotocol). Only a valid access token of an active, verified user
at its current epoch gets in; everything else is a 401 or a 4401 close."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from channels.testing import WebsocketCommunicator
from django.test import Client
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from accounts.tests.factories import make_user
from billing.routing import websocket_application

pytestmark = pytest.mark.django_db(transaction=True)


def _access(user: Any, **claims: Any) -> str:
    token = AccessToken.for_user(user)
    token["epoch"] = user.token_epoch
    for name, value in claims.items():
        token[name] = value
    return str(token)


def _unsigned(user: Any) -> str:
    header = base64.urlsafe_b64encode(json.dumps({"alg": "none", "typ": "JWT"}).encode()).rstrip(b"=").decode()
    payload = _access(user).split(".")[1]
    return f"{header}.{payload}."


def _tampered(user: Any) -> str:
    head, payload, signature = _access(user).split(".")
    return f"{head}.{payload}.{signature[:-4]}AAAA"


def _expired(user: Any) -> str:
    token = AccessToken.for_user(user)
    token["epoch"] = user.token_epoch
    token.set_exp(lifetime=-timedelta(seconds=1))
    return str(token)


def _refresh_as_access(user: Any) -> str:
    token = RefreshToken.for_user(user)
    token["epoch"] = user.token_epoch
    return str(token)


def _of_inactive_user(user: Any) -> str:
    other = make_user(username="gone", is_active=False)
    return _access(other)


def _of_unverified_user(user: Any) -> str:
    other = make_user(username="unverified")
    other.is_verified = False
    other.save(update_fields=["is_verified"])
    return _access(other)


def _of_deleted_user(user: Any) -> str:
    other = make_user(username="deleted")
    token = _access(other)
    other.delete()
    return token


BAD_TOKENS: dict[str, Callable[[Any], str]] = {
    "garbage": lambda user: "not-a-token",
    "empty": lambda user: "",
    "unsigned (alg none)": _unsigned,
    "tampered signature": _tampered,
    "expired": _expired,
    "refresh token": _refresh_as_access,
    "old epoch (revoked)": lambda user: _access(user, epoch=user.token_epoch - 1),
    "inactive user": _of_inactive_user,
    "unverified user": _of_unverified_user,
    "deleted user": _of_deleted_user,
}


@pytest.fixture
def member(db: Any) -> Any:
    user = make_user(username="tess")
    user.token_epoch = 3
    user.save(update_fields=["token_epoch"])
    return user


@pytest.mark.parametrize("path", ["/api/v1/auth/me/", "/api/v1/invoices/", "/api/v1/dashboard/metrics/"])
def test_only_a_valid_access_token_reaches_the_api(member: Any, path: str) -> None:
    assert Client().get(path, HTTP_AUTHORIZATION=f"Bearer {_access(member)}").status_code == 200
    answers = {
        name: Client().get(path, HTTP_AUTHORIZATION=f"Bearer {make(member)}").status_code
        for name, make in BAD_TOKENS.items()
    }

    assert answers == dict.fromkeys(BAD_TOKENS, 401)


async def _close_code(path: str, **kwargs: Any) -> int | None:
    communicator = WebsocketCommunicator(websocket_application, path, **kwargs)
    connected, _ = await communicator.connect()
    assert connected
    if await communicator.receive_nothing(timeout=0.5):
        await communicator.send_json_to({"type": "ping"})
        reply = await communicator.receive_output(timeout=2)
        await communicator.disconnect()
        return None if reply.get("text") == '{"type": "pong"}' else -1
    output = await communicator.receive_output(timeout=2)
    await communicator.disconnect()
    return output.get("code")


async def test_only_a_valid_access_token_opens_a_socket_by_header_or_subprotocol(member: Any) -> None:
    from asgiref.sync import sync_to_async

    valid = await sync_to_async(_access)(member)
    assert await _close_code("/ws/invoices/", headers=[(b"authorization", f"Bearer {valid}".encode())]) is None
    assert await _close_code("/ws/invoices/", subprotocols=["bearer", valid]) is None
    assert await _close_code(f"/ws/invoices/?access_token={valid}") == 4401  # never in a URL

    codes = {}
    for name, make in BAD_TOKENS.items():
        token = await sync_to_async(make)(member)
        codes[(name, "header")] = await _close_code(
            "/ws/invoices/", headers=[(b"authorization", f"Bearer {token}".encode())]
        )
        if token:  # an empty subprotocol is not a valid handshake at all
            codes[(name, "subprotocol")] = await _close_code("/ws/invoices/", subprotocols=["bearer", token])
        codes[(name, "url")] = await _close_code(f"/ws/invoices/?token={token or 'x'}")

    assert codes == dict.fromkeys(codes, 4401)
    assert len(codes) == 29
