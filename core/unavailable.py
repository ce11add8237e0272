"""A dependency that is down is a 503 (HTTP) or a 1013 close (WebSocket), never a 500.

PostgreSQL refusing connections or timing out, Redis unreachable, the Celery broker
gone: the request did nothing wrong and may simply be tried again, so it is told so
(`Retry-After`) instead of being shown a server error. The errors are logged with their
real text; the answer names no host, port or driver.
"""

from __future__ import annotations

import logging
from typing import Any

import redis.exceptions
from django.db import InterfaceError as DatabaseInterfaceError
from django.db import OperationalError as DatabaseOperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from kombu.exceptions import OperationalError as BrokerOperationalError

logger = logging.getLogger(__name__)

DEPENDENCY_ERRORS: tuple[type[BaseException], ...] = (
    DatabaseOperationalError,
    DatabaseInterfaceError,
    BrokerOperationalError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
)
UNAVAILABLE_DETAIL = "A service this request needs is unavailable right now. Please try again shortly."
RETRY_AFTER_SECONDS = 5
CLOSE_TRY_AGAIN_LATER = 1013  # RFC 6455 registry: "Try Again Later"


def wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", "")


def unavailable_response(request: HttpRequest, exc: BaseException) -> HttpResponse:
    """The 503 for a request that met a dependency outage: JSON on the API, a page elsewhere.

    The page is rendered without the request's context on purpose: the context
    processors would look up the user, in the database that just failed."""
    logger.error("dependency unavailable on %s %s: %s: %s", request.method, request.path, type(exc).__name__, exc)
    if wants_json(request):
        response: HttpResponse = JsonResponse({"detail": UNAVAILABLE_DETAIL}, status=503)
    else:
        response = HttpResponse(render_to_string("errors/503.html", {"detail": UNAVAILABLE_DETAIL}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DependencyUnavailableMiddleware:
    """Turns a dependency error raised by a view into the 503 (even with DEBUG on). Errors
    raised by other middleware reach `core.error_views.server_error`, which does the same."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DEPENDENCY_ERRORS):
            return unavailable_response(request, exception)
        return None


class CloseSocketWhenDependencyUnavailable:
    """ASGI wrapper for the WebSocket application: a dependency error while connecting or
    connected closes the socket with 1013 (Try Again Later) instead of a 500 handshake or
    a bare drop. Before the handshake is answered it is accepted first (echoing the
    `bearer` subprotocol a browser offered), because a close before accept reaches the
    client as an HTTP 403 without any code."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "websocket":
            await self.inner(scope, receive, send)
            return
        state = {"accepted": False, "closed": False}

        async def tracking_send(message: dict[str, Any]) -> None:
            if message["type"] == "websocket.accept":
                state["accepted"] = True
            elif message["type"] == "websocket.close":
                state["closed"] = True
            await send(message)

        try:
            await self.inner(scope, receive, tracking_send)
        except DEPENDENCY_ERRORS as exc:
            logger.error("dependency unavailable on socket %s: %s: %s", scope.get("path"), type(exc).__name__, exc)
            if state["closed"]:
                return
            if not state["accepted"]:
                offered = [protocol.lower() for protocol in scope.get("subprotocols") or []]
                accept: dict[str, Any] = {"type": "websocket.accept"}
                if "bearer" in offered:
                    accept["subprotocol"] = "bearer"
                await send(accept)
            await send({"type": "websocket.close", "code": CLOSE_TRY_AGAIN_LATER})
