"""The protocol every live socket shares, whoever authenticated it.

Consumers of every app derive from `AuthenticatedJsonConsumer`: it reads the verdict the
authentication middleware (`accounts.websocket_auth`) left in `scope["socket_auth"]`,
refuses with the SPEC's close codes (4401, 4403, 4404) after accepting the handshake (a
socket closed before `accept` reaches the client as a bare HTTP 403 and the code is lost),
joins the groups the subclass names, answers pings and closes at the token's expiry. It
lives here, below every domain app, so `invoices`, `files` and `dashboard` share it without
depending on each other or on how a user signs in.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from dataclasses import dataclass
from typing import Any

from channels.consumer import get_handler_name
from channels.generic.websocket import AsyncJsonWebsocketConsumer, AsyncWebsocketConsumer
from django.core.serializers.json import DjangoJSONEncoder

from core.parsers import json_loads

CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404

# The middleware's verdicts (`SocketAuth.error`).
INVALID_CREDENTIAL = "invalid_credential"
CREDENTIAL_IN_URL = "credential_in_url"
ORIGIN_NOT_ALLOWED = "origin_not_allowed"
UNKNOWN_MESSAGE = 'Unknown message; the only one a client may send is {"type": "ping"}.'


@dataclass(frozen=True)
class SocketAuth:
    """The middleware's verdict, left in `scope["socket_auth"]` for the consumer.

    `error` is None when the user (possibly anonymous) was resolved cleanly. `expires_at`
    is the access token's `exp` (epoch seconds) for token sockets, None for sessions.
    `subprotocol` is what the server must answer with: a browser drops a connection whose
    handshake does not echo the subprotocol it offered.
    """

    method: str  # "token", "session" or "none"
    error: str | None = None
    expires_at: float | None = None
    subprotocol: str | None = None


class SocketRefused(Exception):
    """Raised from `AuthenticatedJsonConsumer.subscribe` to close with a SPEC close code."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


class AuthenticatedJsonConsumer(AsyncJsonWebsocketConsumer):
    """The protocol every live socket shares: refusals with the SPEC close codes, group
    membership, ping/pong, and the close at the token's expiry.

    Subclasses implement `subscribe(user)`, returning the groups to join (or raising
    `SocketRefused`), and may implement `subscribed()` to send a first message.
    """

    subscriptions: list[str]
    expiry_task: asyncio.Task[None] | None

    async def connect(self) -> None:
        self.subscriptions = []
        self.expiry_task = None
        auth: SocketAuth = self.scope.get("socket_auth") or SocketAuth("none")
        await self.accept(subprotocol=auth.subprotocol)
        user = self.scope.get("user")
        if auth.error == ORIGIN_NOT_ALLOWED:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        if auth.error is not None or user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        try:
            groups = await self.subscribe(user)
        except SocketRefused as refusal:
            await self.close(code=refusal.code)
            return
        for group in groups:
            await self.channel_layer.group_add(group, self.channel_name)
            self.subscriptions.append(group)
        if auth.expires_at is not None:
            self.expiry_task = asyncio.create_task(self._close_when_token_expires(auth.expires_at))
        await self.subscribed()

    async def subscribe(self, user: Any) -> list[str]:
        raise NotImplementedError

    async def subscribed(self) -> None:
        """Called once the socket has joined its groups."""

    async def disconnect(self, code: int) -> None:
        expiry_task = getattr(self, "expiry_task", None)
        if expiry_task is not None:
            expiry_task.cancel()
        for group in getattr(self, "subscriptions", []):
            await self.channel_layer.group_discard(group, self.channel_name)
        self.subscriptions = []

    async def _close_when_token_expires(self, expires_at: float) -> None:
        await asyncio.sleep(max(0.0, expires_at - time.time()))
        for group in self.subscriptions:
            await self.channel_layer.group_discard(group, self.channel_name)
        self.subscriptions = []
        await self.close(code=CLOSE_UNAUTHENTICATED)

    async def dispatch(self, message: dict[str, Any]) -> None:
        """Channels closes stale database connections before every message, which costs a
        hop through the one thread all sync code in the process shares. Forwarding a
        layer message to the socket touches no database, and with hundreds of sockets on
        a process those hops queued up behind each other (and behind the HTTP requests)
        made most of a fan-out's latency. Handlers that do read the database go through
        `database_sync_to_async`, which closes stale connections itself."""
        if message.get("type", "").startswith("websocket."):
            await super().dispatch(message)
            return
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message.get('type')!r}")
        await handler(message)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})
        else:
            await self.send_json({"type": "error", "detail": UNKNOWN_MESSAGE})

    @classmethod
    async def decode_json(cls, text_data: str) -> Any:
        # Bounded nesting: a 100k-deep frame is an unknown message, not a dropped socket.
        with contextlib.suppress(ValueError):
            return json_loads(text_data)
        return None

    @classmethod
    async def encode_json(cls, content: Any) -> str:
        # Decimals and dates (dashboard metrics) go out as strings, never floats.
        return json.dumps(content, cls=DjangoJSONEncoder)


class UnknownPathConsumer(AsyncWebsocketConsumer):
    """Every socket path no app routes (`/ws/chat`, typos): accepted, then closed with 4404.

    Channels' router fails such a handshake with a 500; this is the socket's 404. It is
    accepted first, like every refusal here, so the client sees the close code, and it
    answers `bearer` to a client that offered the subprotocol pair (a browser drops a
    socket whose server picks none of the offered subprotocols, losing the code).
    """

    async def connect(self) -> None:
        auth: SocketAuth = self.scope.get("socket_auth") or SocketAuth("none")
        await self.accept(subprotocol=auth.subprotocol)
        await self.close(code=CLOSE_NOT_FOUND)
