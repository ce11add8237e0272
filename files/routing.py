"""WebSocket routes of the files app (collected by `billing.routing`)."""

from django.urls import re_path

from files import consumers

websocket_urlpatterns = [
    re_path(r"^ws/tasks/?$", consumers.TaskListConsumer.as_asgi()),
    re_path(r"^ws/tasks/(?P<task_id>[^/]+)/?$", consumers.TaskConsumer.as_asgi()),
    re_path(r"^ws/batches/(?P<batch_id>[^/]+)/?$", consumers.BatchConsumer.as_asgi()),
]
