"""WebSocket routing: every app contributes its `websocket_urlpatterns`."""

from channels.auth import AuthMiddlewareStack
from channels.routing import URLRouter

websocket_urlpatterns: list = []

websocket_application = AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
