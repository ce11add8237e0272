"""The project's URL map: pages, the back office, the API, operations."""

from collections.abc import Callable

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_replace, csp_update
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from core import health
from core.api_docs import RedocPage, SwaggerPage
from core.api_root import api_root


def _docs_csp(view: Callable) -> Callable:
    """Swagger UI and Redoc inject <style> tags and Redoc runs a worker from a blob: URL;
    the rest of the policy holds for them too (their scripts are ours, or nonced)."""
    return csp_replace({"style-src": [SELF, UNSAFE_INLINE]})(csp_update({"worker-src": [SELF, "blob:"]})(view))


urlpatterns = [
    path("health", health.health, name="health"),
    path("health/database", health.health_database, name="health-database"),
    path("health/detailed", health.health_detailed, name="health-detailed"),
    path("", include("django_prometheus.urls")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", _docs_csp(SwaggerPage.as_view(url_name="schema")), name="swagger-ui"),
    path("api/redoc/", _docs_csp(RedocPage.as_view(url_name="schema")), name="redoc"),
    path("api/v1/", api_root, name="api-root"),
    path("api/v1/auth/", include("accounts.api.urls")),
    path("api/v1/dashboard/", include("dashboard.api.urls")),
    # Before the invoice router: its invoices/{id}/ would catch invoices/upload/ and friends.
    path("api/v1/", include("files.api.urls")),
    path("api/v1/", include("companies.api.urls")),
    path("api/v1/", include("invoices.api.urls")),
    path("api-auth/", include("rest_framework.urls", namespace="rest_framework")),
    path("accounts/", include("accounts.urls")),
    path("dashboard/", include("dashboard.urls")),
    path("", include("files.urls")),
    path("settings/", include("companies.urls")),
    path("", include("invoices.urls")),
]

handler400 = "core.error_views.bad_request"
handler403 = "core.error_views.permission_denied"
handler404 = "core.error_views.page_not_found"
handler500 = "core.error_views.server_error"
