"""ASGI entry point: Django for HTTP, Channels for WebSockets.

Django is set up before any consumer is imported, so consumers may import models.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "billing.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter  # noqa: E402

from billing.routing import websocket_application  # noqa: E402
from core.unavailable import CloseSocketWhenDependencyUnavailable  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": CloseSocketWhenDependencyUnavailable(websocket_application),
    }
)
