"""Bounded input: deeply nested JSON, oversize bodies and too many fields are 4xx JSON
on every `/api/` answer, and a deep socket frame is refused without dropping the socket."""

from __future__ import annotations

from typing import Any

import pytest
from channels.testing import WebsocketCommunicator
from django.test import Client

from billing.asgi import application
from invoices.models import Invoice
from invoices.tests.api_support import client_for, invoice_body
from invoices.tests.test_consumers import bearer_header

DEEP = "[" * 2000 + "]" * 2000


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/auth/login/", "/api/v1/auth/register/", "/api/v1/auth/refresh/"])
def test_deeply_nested_json_to_an_anonymous_endpoint_is_a_400(path: str) -> None:
    response = Client().post(path, DEEP, content_type="application/json")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "depth" in response.json()["detail"]


@pytest.mark.django_db
def test_deeply_nested_json_to_the_invoice_api_is_a_400_and_writes_nothing(owner: Any) -> None:
    response = client_for(owner).post("/api/v1/invoices/", DEEP, content_type="application/json")

    assert response.status_code == 400
    assert Invoice.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.django_db
@pytest.mark.parametrize("depth", [65, 1000, 1025])
def test_json_deeper_than_64_levels_is_a_400_whatever_orjson_would_take(owner: Any, depth: int) -> None:
    body = '{"customer_name": ' + "[" * (depth - 1) + "]" * (depth - 1) + "}"
    response = client_for(owner).post("/api/v1/invoices/", body, content_type="application/json")

    assert response.status_code == 400
    assert "depth limit" in response.json()["detail"]
    assert Invoice.objects.count() == 0


@pytest.mark.django_db
def test_json_nested_exactly_to_the_limit_is_parsed_and_judged_by_the_serializer(owner: Any) -> None:
    body = '{"customer_name": ' + "[" * 63 + "]" * 63 + "}"
    response = client_for(owner).post("/api/v1/invoices/", body, content_type="application/json")

    assert response.status_code == 400
    assert "customer_name" in response.json()


@pytest.mark.django_db
def test_a_json_body_over_the_upload_limit_is_a_413_json(owner: Any, settings) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    body = invoice_body(notes="x" * (3 * 1024 * 1024))

    response = client_for(owner).post("/api/v1/invoices/", body, format="json")

    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is larger than 1048576 bytes."}
    assert Invoice.objects.count() == 0


@pytest.mark.django_db
def test_a_session_form_over_the_upload_limit_is_a_413_json(owner: Any, settings) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    client = Client()
    client.force_login(owner)

    response = client.post("/api/v1/invoices/", {"notes": "x" * (3 * 1024 * 1024)})

    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert Invoice.objects.count() == 0


@pytest.mark.django_db
def test_too_many_form_fields_on_the_api_is_a_400_json() -> None:
    fields = "&".join(f"f{n}=x" for n in range(1500))
    response = Client().post("/api/v1/auth/login/", fields, content_type="application/x-www-form-urlencoded")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Too many fields: at most 1000."}


@pytest.mark.django_db
def test_too_many_form_fields_on_a_page_is_a_400_page() -> None:
    fields = "&".join(f"f{n}=x" for n in range(1500))
    response = Client().post("/accounts/login/", fields, content_type="application/x-www-form-urlencoded")

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fresh_channel_layer")
async def test_a_100k_deep_socket_frame_is_an_error_message_and_the_socket_stays_open(owner: Any) -> None:
    communicator = WebsocketCommunicator(application, "/ws/invoices/", headers=[bearer_header(owner)])
    connected, _ = await communicator.connect()
    assert connected

    await communicator.send_to(text_data="[" * 100_000 + "]" * 100_000)
    reply = await communicator.receive_json_from(timeout=5)
    await communicator.send_json_to({"type": "ping"})
    pong = await communicator.receive_json_from(timeout=5)

    assert reply["type"] == "error"
    assert pong == {"type": "pong"}
    await communicator.disconnect()
