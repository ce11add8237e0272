"""WSGI entry point, for HTTP-only deployments. WebSockets need `billing.asgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "billing.settings")

application = get_wsgi_application()
