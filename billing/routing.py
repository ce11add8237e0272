"""WebSocket routing: every app contributes its `websocket_urlpatterns`, and one
middleware stack decides who is connecting (`accounts.websocket_auth`)."""

from channels.routing import URLRouter

from accounts.websocket_auth import WebsocketAuthMiddlewareStack
from dashboard.routing import websocket_urlpatterns as dashboard_patterns
from files.routing import websocket_urlpatterns as file_patterns
from invoices.routing import websocket_urlpatterns as invoice_patterns

websocket_urlpatterns: list = [*invoice_patterns, *file_patterns, *dashboard_patterns]

websocket_application = WebsocketAuthMiddlewareStack(URLRouter(websocket_urlpatterns))
