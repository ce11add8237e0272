"""The browsable API's front door at `/api/v1/`: links to every top-level resource."""

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse


@extend_schema(exclude=True)
@api_view(["GET"])
@permission_classes([AllowAny])
def api_root(request: Request, format: str | None = None) -> Response:
    def link(name: str) -> str:
        return reverse(name, request=request, format=format)

    return Response(
        {
            "auth": {
                "register": link("auth-register"),
                "login": link("auth-login"),
                "refresh": link("auth-refresh"),
                "logout": link("auth-logout"),
                "me": link("auth-me"),
                "password_reset": link("auth-password-reset"),
            },
            "invoices": link("invoice-list"),
            "customers": link("customer-list"),
            "schema": link("schema"),
            "docs": link("swagger-ui"),
        }
    )
