"""The OpenAPI document describes the auth API as it behaves."""

from __future__ import annotations

from django.urls import include, path
from drf_spectacular.generators import SchemaGenerator


def auth_schema() -> dict:
    patterns = [path("api/v1/auth/", include("accounts.api.urls"))]
    return SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)


def test_the_schema_lists_each_auth_endpoint_once_with_its_trailing_slash():
    paths = auth_schema()["paths"]

    assert sorted(paths) == [
        "/api/v1/auth/login/",
        "/api/v1/auth/logout/",
        "/api/v1/auth/me/",
        "/api/v1/auth/password-change/",
        "/api/v1/auth/password-reset/",
        "/api/v1/auth/password-reset/confirm/",
        "/api/v1/auth/refresh/",
        "/api/v1/auth/register/",
        "/api/v1/auth/resend-verification/",
        "/api/v1/auth/verify/{token}/",
    ]


def test_the_schema_declares_the_bearer_scheme_for_authenticated_endpoints():
    schema = auth_schema()

    assert schema["components"]["securitySchemes"]["jwtAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
    }
    assert {"jwtAuth": []} in schema["paths"]["/api/v1/auth/me/"]["get"]["security"]
    assert schema["paths"]["/api/v1/auth/login/"]["post"]["security"] == [{}]  # no credentials needed


def test_the_schema_documents_the_login_answers():
    schema = auth_schema()
    login = schema["paths"]["/api/v1/auth/login/"]["post"]

    assert set(login["responses"]) == {"200", "400", "401", "403", "429"}
    assert set(login["requestBody"]["content"]) >= {"application/json", "application/x-www-form-urlencoded"}
    pair = schema["components"]["schemas"]["TokenPair"]
    assert set(pair["properties"]) == {"access_token", "refresh_token", "token_type", "expires_in"}
    assert pair["properties"]["expires_in"]["type"] == "integer"


def test_the_schema_documents_the_me_shape_and_roles():
    components = auth_schema()["components"]
    me = components["schemas"]["Me"]

    assert set(me["properties"]) == {
        "id",
        "username",
        "email",
        "full_name",
        "is_verified",
        "is_staff",
        "roles",
        "date_joined",
    }
    role_ref = me["properties"]["roles"]["items"]["$ref"].rsplit("/", 1)[-1]
    assert components["schemas"][role_ref]["enum"] == ["user", "approver", "admin"]
    assert "password" not in me["properties"]
