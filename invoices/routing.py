"""WebSocket routes of the invoices app (collected by `billing.routing`)."""

from django.urls import re_path

from invoices import consumers

websocket_urlpatterns = [
    re_path(r"^ws/invoices/?$", consumers.InvoiceListConsumer.as_asgi()),
    re_path(r"^ws/invoices/(?P<invoice_id>[^/]+)/?$", consumers.InvoiceDetailConsumer.as_asgi()),
]
