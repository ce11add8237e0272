"""What the auth API sends matches what its OpenAPI document promises, errors included."""

from __future__ import annotations

from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator
from jsonschema import Draft202012Validator

from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def openapi() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)


def _problems(openapi: dict[str, Any], schema: dict[str, Any], body: Any) -> list[str]:
    validator = Draft202012Validator(
        {**schema, "components": openapi["components"]}, format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    return [f"{'/'.join(map(str, error.absolute_path))}: {error.message}" for error in validator.iter_errors(body)]


def _documented(openapi: dict[str, Any], path: str, method: str, status: int) -> dict[str, Any]:
    """The schema documented for this answer; a description-only answer allows any JSON."""
    response = openapi["paths"][path][method]["responses"][str(status)]
    return response.get("content", {}).get("application/json", {}).get("schema", {})


@pytest.mark.parametrize(
    ("path", "body", "status"),
    [
        ("/api/v1/auth/logout/", {"refresh_token": ""}, 400),
        ("/api/v1/auth/logout/", {}, 400),
        ("/api/v1/auth/logout/", {"refresh_token": "not-a-token"}, 400),
        ("/api/v1/auth/refresh/", {"refresh_token": ""}, 400),
        ("/api/v1/auth/refresh/", {"refresh_token": "not-a-token"}, 401),
        ("/api/v1/auth/login/", {"username": ""}, 400),
        ("/api/v1/auth/login/", {"username": "nobody", "password": "wrong"}, 401),
        ("/api/v1/auth/verify/not-a-token/", {}, 400),  # documented as /verify/{token}/
        ("/api/v1/auth/password-reset/confirm/", {"token": "x", "new_password": "y"}, 400),
    ],
)
def test_every_auth_error_body_matches_its_documented_answer(
    api_client: Any, openapi: dict[str, Any], path: str, body: dict[str, str], status: int
) -> None:
    response = api_client.post(path, body, format="json")

    assert response.status_code == status
    documented_path = path.replace("not-a-token", "{token}")
    assert _problems(openapi, _documented(openapi, documented_path, "post", status), response.json()) == []


def test_me_for_an_account_without_an_email_matches_the_me_schema(api_client: Any, openapi: dict[str, Any]) -> None:
    # The model allows an empty address (its unique constraint skips ""), e.g. an account made in code.
    api_client.force_authenticate(UserFactory(username="noaddress", email=""))

    response = api_client.get("/api/v1/auth/me/")

    assert (response.status_code, response.json()["email"]) == (200, "")
    assert _problems(openapi, {"$ref": "#/components/schemas/Me"}, response.json()) == []
