"""WebSocket routing: every app contributes its `websocket_urlpatterns`, and one
middleware stack decides who is connecting (`accounts.websocket_auth`). A path no app
routes is closed with 4404 rather than failing the handshake."""

from channels.routing import URLRouter
from django.urls import re_path

from accounts.websocket_auth import WebsocketAuthMiddlewareStack
from core.sockets import UnknownPathConsumer
from dashboard.routing import websocket_urlpatterns as dashboard_patterns
from files.routing import websocket_urlpatterns as file_patterns
from invoices.routing import websocket_urlpatterns as invoice_patterns

websocket_urlpatterns: list = [*invoice_patterns, *file_patterns, *dashboard_patterns]
# Last, after every app's routes: whatever is left is an unknown path.
unknown_path_pattern = re_path(r"", UnknownPathConsumer.as_asgi())

websocket_application = WebsocketAuthMiddlewareStack(URLRouter([*websocket_urlpatterns, unknown_path_pattern]))
