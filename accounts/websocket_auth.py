"""Who is on the other end of a WebSocket, decided once for every consumer.

Three ways in, as SPEC section 6 describes:

* the session cookie, for the web pages. A browser sends cookies with a cross-site
  WebSocket handshake too, so a cookie only counts when the handshake's Origin is this
  site, one of `ALLOWED_HOSTS`, or one of `WEBSOCKET_ALLOWED_ORIGINS` (no cross-site
  socket hijacking);
* `Authorization: Bearer <access token>` on the handshake, for API clients;
* the subprotocol pair `bearer, <access token>`, for browsers without a session (the
  only header a browser lets a script set on a WebSocket). The server answers `bearer`.

A token in the URL is refused outright: URLs end up in access logs and browser history.
Tokens are checked exactly as the API checks them (`BearerJWTAuthentication`: signature,
expiry, active user, token epoch, verified address) and never logged.

The middleware only records its verdict in the scope. Refusing happens in
`core.sockets.AuthenticatedJsonConsumer`, after the handshake is accepted: a socket closed before
`accept` reaches the client as a bare HTTP 403, and the SPEC's close codes (4401, 4403,
4404) would be lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from channels.auth import get_user as session_user
from channels.db import database_sync_to_async
from channels.sessions import CookieMiddleware, SessionMiddleware
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError

from accounts.authentication import BearerJWTAuthentication
from core.sockets import CREDENTIAL_IN_URL, INVALID_CREDENTIAL, ORIGIN_NOT_ALLOWED, SocketAuth

if TYPE_CHECKING:
    from accounts.models import User

SUBPROTOCOL = "bearer"
# Query parameters that would carry a credential; their mere presence refuses the socket.
URL_CREDENTIAL_PARAMETERS = frozenset({"token", "access_token", "access", "jwt", "auth", "authorization", "bearer"})


def _header(scope: dict[str, Any], name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin1")
    return None


def _token_from_subprotocols(subprotocols: list[str]) -> str | None:
    """`["bearer", "<token>"]` gives the token; "bearer" without a token gives ""."""
    lowered = [protocol.lower() for protocol in subprotocols]
    if SUBPROTOCOL not in lowered:
        return None
    index = lowered.index(SUBPROTOCOL)
    return subprotocols[index + 1] if index + 1 < len(subprotocols) else ""


def _url_carries_credential(scope: dict[str, Any]) -> bool:
    query = scope.get("query_string", b"").decode("latin1")
    return any(name.lower() in URL_CREDENTIAL_PARAMETERS for name, _ in parse_qsl(query, keep_blank_values=True))


DEFAULT_PORTS = {"http": 80, "https": 443}
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_HOST_NAME = re.compile(rf"^(?:{_LABEL}\.)*{_LABEL}$|^\[[0-9a-f:.]+\]$")


@dataclass(frozen=True)
class Origin:
    scheme: str
    host: str
    port: int


def parse_origin(value: str | None) -> Origin | None:
    """An Origin header (or a configured origin) as scheme, host and port, or None when it
    is not exactly `scheme://host[:port]`: no user, path, query or fragment, a port of
    digits only, a host of DNS letters or a bracketed IPv6 address. So
    `http://127.0.0.1:8771.evil.com` is refused instead of read as host 127.0.0.1."""
    if not value:
        return None
    parts = urlsplit(value.strip())
    if parts.scheme not in DEFAULT_PORTS or parts.path not in ("", "/") or parts.query or parts.fragment:
        return None
    if parts.username is not None or parts.password is not None or not parts.netloc:
        return None
    try:
        port = parts.port
    except ValueError:
        return None
    host = parts.netloc.rsplit(":", 1)[0] if port is not None or parts.netloc.endswith(":") else parts.netloc
    host = host.lower()
    if not _HOST_NAME.match(host):
        return None
    return Origin(parts.scheme, host, port if port is not None else DEFAULT_PORTS[parts.scheme])


def _host_and_port(host_header: str | None, default_port: int) -> tuple[str, int] | None:
    """The Host header as (host, port), the port defaulting to the origin scheme's."""
    if not host_header:
        return None
    parsed = parse_origin(f"http://{host_header}")
    if parsed is None:
        return None
    explicit_port = urlsplit(f"http://{host_header}").port
    return parsed.host, explicit_port if explicit_port is not None else default_port


def _allowed_host(host: str, pattern: str) -> bool:
    pattern = pattern.lower()
    if pattern.startswith("."):
        return host == pattern[1:] or host.endswith(pattern)
    return host == pattern


def origin_allowed(scope: dict[str, Any]) -> bool:
    """Is the handshake's Origin this site, an allowed host on this port, or exactly one of
    WEBSOCKET_ALLOWED_ORIGINS (scheme, host and port)?

    A wildcard in ALLOWED_HOSTS says which Host headers to serve, not which sites to
    trust with a user's cookie, so it is not taken as "any origin". An ALLOWED_HOSTS entry
    has no port, so it allows only the port this socket is served on.
    """
    origin = parse_origin(_header(scope, b"origin"))
    if origin is None:
        return False
    configured = {parse_origin(allowed) for allowed in settings.WEBSOCKET_ALLOWED_ORIGINS}
    if origin in configured:
        return True
    served = _host_and_port(_header(scope, b"host"), DEFAULT_PORTS[origin.scheme])
    if served is not None and (origin.host, origin.port) == served:
        return True
    served_port = served[1] if served is not None else DEFAULT_PORTS[origin.scheme]
    return origin.port == served_port and any(
        _allowed_host(origin.host, pattern) for pattern in settings.ALLOWED_HOSTS if pattern != "*"
    )


@database_sync_to_async
def _token_user(raw_token: str) -> tuple[User, float] | None:
    """The user and expiry of a valid access token, or None. The API's own checks run."""
    authentication = BearerJWTAuthentication()
    try:
        validated = authentication.get_validated_token(raw_token.encode("latin1"))
        user = authentication.get_user(validated)
    except (InvalidToken, AuthenticationFailed, TokenError, UnicodeEncodeError):
        return None
    return user, float(validated["exp"])


async def _session_user(scope: dict[str, Any]) -> User | AnonymousUser:
    user = await session_user(scope)
    if user.is_authenticated and not getattr(user, "is_verified", True):
        return AnonymousUser()
    return user


class WebsocketAuthMiddleware:
    """Sets `scope["user"]` and `scope["socket_auth"]` for WebSocket connections.

    Needs the session in the scope (`WebsocketAuthMiddlewareStack` puts it there); the
    session is only read when the handshake carries no token.
    """

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        if scope["type"] != "websocket":
            return await self.inner(scope, receive, send)
        scope = dict(scope)
        user, auth = await self.authenticate(scope)
        scope["user"] = user
        scope["socket_auth"] = auth
        return await self.inner(scope, receive, send)

    async def authenticate(self, scope: dict[str, Any]) -> tuple[User | AnonymousUser, SocketAuth]:
        subprotocol_token = _token_from_subprotocols(list(scope.get("subprotocols") or []))
        subprotocol = SUBPROTOCOL if subprotocol_token is not None else None
        if _url_carries_credential(scope):
            return AnonymousUser(), SocketAuth("none", error=CREDENTIAL_IN_URL, subprotocol=subprotocol)

        authorization = _header(scope, b"authorization")
        raw_token: str | None
        if authorization is not None:
            scheme, _, header_token = authorization.strip().partition(" ")
            raw_token = header_token.strip() if scheme.lower() == "bearer" else ""
        else:
            raw_token = subprotocol_token
        if raw_token is not None:
            found = await _token_user(raw_token) if raw_token else None
            if found is None:
                return AnonymousUser(), SocketAuth("token", error=INVALID_CREDENTIAL, subprotocol=subprotocol)
            user, expires_at = found
            return user, SocketAuth("token", expires_at=expires_at, subprotocol=subprotocol)

        user = await _session_user(scope)
        if not user.is_authenticated:
            return user, SocketAuth("none", subprotocol=subprotocol)
        if not origin_allowed(scope):
            return AnonymousUser(), SocketAuth("session", error=ORIGIN_NOT_ALLOWED, subprotocol=subprotocol)
        return user, SocketAuth("session", subprotocol=subprotocol)


def WebsocketAuthMiddlewareStack(inner: Any) -> Any:
    return CookieMiddleware(SessionMiddleware(WebsocketAuthMiddleware(inner)))
