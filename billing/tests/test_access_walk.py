"""The access-control walk the attack ran, kept: every URL pattern the resolver knows and
every socket path, tried as a second user and as anonymous against the first user's
invoice, customer and payments, with every method its door takes (the API's five; GET and
POST for pages and the admin, which answer anything else with a 405 before any view runs).

The cases are generated from `get_resolver()` and `billing.routing`, so a route added
tomorrow is walked tomorrow without touching this file. A case fails when the answer
shows the victim's data, when it is a success on a route addressing the victim's object,
or when anything of the victim's changed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from channels.testing import WebsocketCommunicator
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from billing.routing import websocket_application, websocket_urlpatterns
from files.models import ProcessingBatch, ProcessingTask
from invoices import services
from invoices.models import Invoice, InvoiceEvent, Payment
from invoices.tests.factories import advance, item, make_invoice
from invoices.tests.test_consumers import access_token

SECRET_CUSTOMER = "Victim Secret Customer"
SECRET_EMAIL = "victim-secret@customer.example"
API_METHODS = ("get", "post", "put", "patch", "delete")
PAGE_METHODS = ("get", "post")  # pages and the admin route nothing else (a 405 before any view code)
ATTACK_BODY = {
    "notes": "pwned",
    "status": "paid",
    "amount": "1.00",
    "reason": "pwned",
    "name": "pwned",
    "customer_name": "pwned",
    "email": "pwned@evil.example",
    "password": "pwned-password-123",
}
# Answers that do not disclose or change anything.
REFUSED = {301, 302, 400, 401, 403, 404, 405, 409, 415, 422, 429}
PARAMETER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>|\(\?P<(?P<regex_name>\w+)>[^)]*\)")


def _routes(patterns: list, prefix: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def _concrete(route: str, victim: dict[str, Any]) -> tuple[str, bool]:
    """The route with each parameter filled from the victim's objects; and whether it
    addresses one of them."""
    addresses_object = False

    def fill(match: re.Match) -> str:
        nonlocal addresses_object
        name = match.group("name") or match.group("regex_name")
        before = route[: match.start()]
        if name in ("token",):
            return "not-a-token"
        if name == "name":
            return "approve"
        if name == "content_type_id":
            return str(victim["invoice_content_type"])
        addresses_object = True
        if name == "id" or "/user/" in before:
            return str(victim["user"])
        if "customer" in before:
            return str(victim["customer"])
        if "payment" in before:
            return str(victim["payment"])
        if "invoiceevent" in before:
            return str(victim["event"])
        return str(victim["invoice"])

    path = PARAMETER.sub(fill, route.replace("^", "").replace("$", ""))
    return "/" + path, addresses_object


def _fingerprint(victim: dict[str, Any]) -> tuple:
    invoice = Invoice.objects.get(pk=victim["invoice"])
    user = get_user_model().objects.get(pk=victim["user"])
    customer = invoice.customer
    return (
        invoice.status,
        invoice.notes,
        invoice.updated_at,
        invoice.deleted_at,
        invoice.amount_paid,
        InvoiceEvent.objects.filter(invoice_id=victim["invoice"]).count(),
        Payment.objects.filter(invoice_id=victim["invoice"]).count(),
        customer.name,
        customer.email,
        customer.updated_at,
        getattr(customer, "deleted_at", None),
        user.password,
        user.email,
        user.is_active,
    )


@pytest.fixture
def victim(owner: Any, approver: Any) -> dict[str, Any]:
    invoice = make_invoice(owner=owner, customer_name=SECRET_CUSTOMER, items=[item(unit_price="500.00")])
    customer = invoice.customer
    services.customer_update(customer=customer, data={"email": SECRET_EMAIL})
    invoice = advance(invoice, to="sent", approver=approver)
    payment = services.payment_record(invoice_id=invoice.pk, actor=owner, amount="100.00")
    return {
        "user": owner.pk,
        "invoice": invoice.pk,
        "invoice_number": invoice.invoice_number,
        "customer": customer.pk,
        "payment": payment.pk,
        "event": InvoiceEvent.objects.filter(invoice=invoice).order_by("pk").first().pk,
        "invoice_content_type": ContentType.objects.get_for_model(Invoice).pk,
    }


def _walk(client_factory: Any, victim: dict[str, Any]) -> tuple[int, list[str]]:
    failures: list[str] = []
    cases = 0
    before = _fingerprint(victim)
    secrets = (victim["invoice_number"], SECRET_CUSTOMER, SECRET_EMAIL)
    client = None
    for route in sorted(set(_routes(get_resolver().url_patterns))):
        path, addresses_object = _concrete(route, victim)
        methods = API_METHODS if path.startswith("/api/") else PAGE_METHODS
        for method in methods:
            cases += 1
            if client is None:
                client = client_factory()
            if path.startswith("/api/"):
                response = getattr(client, method)(path, ATTACK_BODY, content_type="application/json")
            elif method in ("get", "delete"):
                response = getattr(client, method)(path)
            else:
                response = getattr(client, method)(path, ATTACK_BODY)
            body = b"" if getattr(response, "streaming", False) else response.content
            body = b"".join(response.streaming_content) if getattr(response, "streaming", False) else body
            text = body.decode("utf-8", "replace")
            label = f"{method.upper()} {path} -> {response.status_code}"
            if "logout" in path or "password" in path:
                client = None  # the walk may have signed itself out: sign in afresh
            if response.status_code >= 500:
                failures.append(f"{label}: server error")
            if any(secret in text for secret in secrets):
                failures.append(f"{label}: shows the victim's data")
            if addresses_object and response.status_code not in REFUSED:
                failures.append(f"{label}: answered on the victim's object")
            if method != "get":
                after = _fingerprint(victim)
                if after != before:
                    failures.append(f"{label}: changed the victim's data {before} -> {after}")
                    before = after
    return cases, failures


@pytest.mark.django_db
def test_a_second_user_can_neither_see_nor_change_anything_of_the_first_on_any_route(
    victim: dict[str, Any], other_user: Any
) -> None:
    def as_other_user() -> Client:
        client = Client()
        client.force_login(other_user)
        return client

    cases, failures = _walk(as_other_user, victim)

    assert cases > 250
    assert failures == []


@pytest.mark.django_db
def test_anonymous_can_neither_see_nor_change_anything_on_any_route(victim: dict[str, Any]) -> None:
    cases, failures = _walk(Client, victim)

    assert cases > 250
    assert failures == []


def _socket_paths(victim: dict[str, Any]) -> Iterator[tuple[str, bool]]:
    for pattern in websocket_urlpatterns:
        route = str(pattern.pattern.regex.pattern)
        path = route.replace("^", "").replace("$", "").replace("/?", "/")

        def fill(match: re.Match) -> str:
            name = match.group("regex_name")
            return str({"invoice_id": victim["invoice"], "task_id": victim["task"], "batch_id": victim["batch"]}[name])

        concrete = PARAMETER.sub(fill, path)
        yield "/" + concrete, concrete != path


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fresh_channel_layer")
async def test_every_socket_path_refuses_a_second_user_and_anonymous(victim_sockets: dict[str, Any]) -> None:
    victim, intruder = victim_sockets["victim"], victim_sockets["intruder"]
    failures = []
    cases = 0
    for path, addresses_object in _socket_paths(victim):
        for who, headers in (
            ("anonymous", []),
            ("second user", [(b"authorization", f"Bearer {access_token(intruder)}".encode())]),
        ):
            if who == "second user" and not addresses_object:
                continue  # lists and the dashboard are the intruder's own; see the next test
            cases += 1
            communicator = WebsocketCommunicator(websocket_application, path, headers=headers)
            connected, _ = await communicator.connect()
            output = await communicator.receive_output(timeout=3)
            expected = 4401 if who == "anonymous" else (4404, 4403)
            code = output.get("code") if output["type"] == "websocket.close" else None
            if not connected or code not in (expected if isinstance(expected, tuple) else (expected,)):
                failures.append(f"{who} {path}: {output}")
            await communicator.disconnect()

    assert cases >= 7
    assert failures == []


@pytest.fixture
def victim_sockets(victim: dict[str, Any], owner: Any, other_user: Any) -> dict[str, Any]:
    batch = ProcessingBatch.objects.create(owner=owner)
    task = ProcessingTask.objects.create(owner=owner, batch=batch)
    return {"victim": {**victim, "batch": batch.pk, "task": task.pk}, "intruder": other_user}


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fresh_channel_layer")
async def test_a_second_users_list_socket_hears_nothing_of_the_first_users_invoices(
    victim: dict[str, Any], owner: Any, other_user: Any
) -> None:
    from asgiref.sync import sync_to_async

    sockets = {}
    for who, user in (("owner", owner), ("intruder", other_user)):
        for path in ("/ws/invoices/", "/ws/dashboard/"):
            communicator = WebsocketCommunicator(
                websocket_application, path, headers=[(b"authorization", f"Bearer {access_token(user)}".encode())]
            )
            connected, _ = await communicator.connect()
            assert connected
            sockets[(who, path)] = communicator
    for communicator in sockets.values():  # the dashboard's first snapshot
        while not await communicator.receive_nothing(timeout=0.3):
            await communicator.receive_output(timeout=1)

    await sync_to_async(services.payment_record)(invoice_id=victim["invoice"], actor=owner, amount="50.00")

    heard = await sockets[("owner", "/ws/invoices/")].receive_json_from(timeout=3)
    assert heard["type"] == "invoice.payment_recorded"
    assert await sockets[("intruder", "/ws/invoices/")].receive_nothing(timeout=1)
    for (who, path), communicator in sockets.items():
        if who == "intruder" and path == "/ws/dashboard/":
            # The intruder's own metrics may refresh; they must not carry the victim's figures.
            while not await communicator.receive_nothing(timeout=0.5):
                message = await communicator.receive_output(timeout=1)
                assert SECRET_CUSTOMER not in str(message) and victim["invoice_number"] not in str(message)
        await communicator.disconnect()
