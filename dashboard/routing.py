"""WebSocket routes of the dashboard app (collected by `billing.routing`)."""

from django.urls import re_path

from dashboard import consumers

websocket_urlpatterns = [
    re_path(r"^ws/dashboard/?$", consumers.DashboardConsumer.as_asgi()),
]
