"""Security headers, CORS by allow-list, Prometheus metrics, JSON errors and log redaction."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings as django_settings
from rest_framework_simplejwt.tokens import AccessToken

from core.logging import RedactSecretsFilter, redact

ALLOWED_ORIGIN = "https://app.example.com"


@pytest.fixture
def cors_allow_list(settings) -> None:
    settings.CORS_ALLOWED_ORIGINS = [ALLOWED_ORIGIN]


@pytest.mark.parametrize("path", ["/health", "/api/docs/", "/api/schema/"])
def test_responses_carry_the_security_headers(client, path: str) -> None:
    response = client.get(path)

    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def test_pages_are_isolated_from_cross_origin_openers(client) -> None:
    # Swagger UI alone relaxes this (drf-spectacular sets unsafe-none for its OAuth pop-ups).
    assert client.get("/health")["Cross-Origin-Opener-Policy"] == "same-origin"


def test_cors_answers_an_allowed_origin_on_the_api(client, cors_allow_list) -> None:
    response = client.get("/api/schema/", HTTP_ORIGIN=ALLOWED_ORIGIN)

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == ALLOWED_ORIGIN
    assert "ETag" in response["Access-Control-Expose-Headers"]


def test_cors_preflight_from_an_allowed_origin_permits_bearer_and_idempotency_headers(client, cors_allow_list) -> None:
    response = client.options(
        "/api/v1/invoices/",
        HTTP_ORIGIN=ALLOWED_ORIGIN,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type, idempotency-key",
    )

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == ALLOWED_ORIGIN
    allowed_headers = {header.strip() for header in response["Access-Control-Allow-Headers"].split(",")}
    assert {"authorization", "content-type", "idempotency-key", "if-match"} <= allowed_headers


def test_cors_ignores_an_origin_not_on_the_allow_list(client, cors_allow_list) -> None:
    response = client.get("/api/schema/", HTTP_ORIGIN="https://evil.example.net")

    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response


def test_cors_preflight_from_an_origin_not_on_the_allow_list_gets_no_grant(client, cors_allow_list) -> None:
    response = client.options(
        "/api/v1/invoices/",
        HTTP_ORIGIN="https://evil.example.net",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
    )

    assert "Access-Control-Allow-Origin" not in response


def test_cors_applies_only_to_the_api(client, cors_allow_list) -> None:
    response = client.get("/health", HTTP_ORIGIN=ALLOWED_ORIGIN)

    assert "Access-Control-Allow-Origin" not in response


def test_metrics_serve_prometheus_text(client) -> None:
    client.get("/health")

    response = client.get("/metrics")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert "# HELP django_http_requests_total_by_method_total" in body
    assert "# TYPE django_http_requests_total_by_method_total counter" in body


def test_unknown_api_path_is_a_json_404(client) -> None:
    response = client.get("/api/v1/nope/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_unknown_path_asking_for_json_is_a_json_404(client) -> None:
    response = client.get("/no-such-page/", HTTP_ACCEPT="application/json")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


@pytest.fixture
def redacting_logger() -> Iterator[logging.Logger]:
    logger = logging.getLogger("billing.tests.redaction")
    redaction = RedactSecretsFilter()
    logger.addFilter(redaction)
    yield logger
    logger.removeFilter(redaction)


def test_redaction_hides_bearer_tokens_in_log_records(caplog, redacting_logger) -> None:
    token = str(AccessToken())

    with caplog.at_level(logging.INFO, logger=redacting_logger.name):
        redacting_logger.info("request headers: Authorization: Bearer %s", token)

    assert token not in caplog.text
    assert token.split(".")[2] not in caplog.text
    assert "Bearer [redacted]" in caplog.text
    assert caplog.records[0].getMessage() == "request headers: Authorization: Bearer [redacted]"


def test_redaction_hides_a_bare_jwt_in_log_records(caplog, redacting_logger) -> None:
    token = str(AccessToken())

    with caplog.at_level(logging.INFO, logger=redacting_logger.name):
        redacting_logger.info("websocket subprotocols %s", ["bearer", token])
        redacting_logger.warning("handshake for %s failed", token)

    assert token not in caplog.text
    assert caplog.text.count("[redacted") == 2


@pytest.mark.parametrize(
    "message",
    [
        'body {"username": "ann", "password": "hunter2-secret"}',
        "POST /api/v1/auth/refresh refresh_token=hunter2-secret&x=1",
        "{'access_token': 'hunter2-secret', 'token_type': 'bearer'}",
        "client_secret: hunter2-secret",
    ],
)
def test_redaction_hides_passwords_and_tokens_in_key_value_form(caplog, redacting_logger, message: str) -> None:
    with caplog.at_level(logging.INFO, logger=redacting_logger.name):
        redacting_logger.info("%s", message)

    assert "hunter2-secret" not in caplog.text
    assert "[redacted]" in caplog.text


def test_redaction_leaves_ordinary_messages_alone(caplog, redacting_logger) -> None:
    with caplog.at_level(logging.INFO, logger=redacting_logger.name):
        redacting_logger.info("invoice %s approved by %s", "INV-202601-ABC123", "approver")

    assert caplog.records[0].getMessage() == "invoice INV-202601-ABC123 approved by approver"
    assert redact("total 120.00 USD") == "total 120.00 USD"


def test_every_configured_log_handler_redacts() -> None:
    handlers: dict[str, dict[str, Any]] = django_settings.LOGGING["handlers"]  # type: ignore[assignment]  # settings are untyped dicts

    assert handlers
    assert all("redact" in handler.get("filters", []) for handler in handlers.values())
    assert django_settings.LOGGING["filters"]["redact"]["()"] == "core.logging.RedactSecretsFilter"
