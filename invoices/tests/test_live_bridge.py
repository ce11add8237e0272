"""Committed invoice changes reach the sockets that may see them, and nothing else does.

Every change here is made through a door users have (the services, the admin), in a
thread of its own as a web request would be, with the real channel layer in between.
"""

from __future__ import annotations

import asyncio
import json
import time
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework_simplejwt.tokens import AccessToken

from billing.routing import websocket_application
from core.errors import Conflict
from invoices import live, services
from invoices.actions import transaction_for_one_write
from invoices.models import InvoiceEvent, InvoiceStatus
from invoices.tests.factories import advance, item, make_invoice

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_channel_layer")]


async def listen(user: Any, path: str = "/ws/invoices/") -> WebsocketCommunicator:
    token = AccessToken.for_user(user)
    token["epoch"] = user.token_epoch
    communicator = WebsocketCommunicator(
        websocket_application, path, headers=[(b"authorization", f"Bearer {token}".encode())]
    )
    connected, _ = await communicator.connect()
    assert connected
    # A ping round trip proves the socket has joined its groups before anything happens.
    await communicator.send_json_to({"type": "ping"})
    assert await communicator.receive_json_from() == {"type": "pong"}
    return communicator


def run(function: Any, /, **kwargs: Any) -> Any:
    """Call a service the way a request does: in a worker thread, committing on return."""
    return database_sync_to_async(function)(**kwargs)


async def test_every_message_type_reaches_the_owner_with_the_spec_shape(owner: Any, approver: Any) -> None:
    socket = await listen(owner)

    invoice = await run(make_invoice, owner=owner)
    created = await socket.receive_json_from()
    event = await database_sync_to_async(InvoiceEvent.objects.get)(invoice=invoice, kind="created")
    assert created == {
        "type": "invoice.created",
        "invoice": {
            "id": invoice.pk,
            "invoice_number": invoice.invoice_number,
            "status": "draft",
            "total_amount": "100.00",
            "balance_due": "100.00",
            "currency": invoice.currency,
            "customer_name": "Acme Ltd",
            "due_date": invoice.due_date.isoformat(),
        },
        "event": {
            "id": event.pk,
            "kind": "created",
            "transition": None,
            "from_status": None,
            "to_status": "draft",
            "actor": {"id": owner.pk, "username": owner.username},
            "reason": None,
            "at": event.created_at.isoformat(),
            "text": "Created",
        },
    }

    await run(
        services.invoice_update,
        invoice_id=invoice.pk,
        actor=owner,
        data={"notes": "Net 30"},
        items=[item(unit_price="250.00")],
    )
    updated = await socket.receive_json_from()
    assert (updated["type"], updated["event"]["kind"], updated["invoice"]["total_amount"]) == (
        "invoice.updated",
        "updated",
        "250.00",
    )

    await run(advance, invoice=invoice, to="approved", approver=approver)
    submitted, approved = await socket.receive_json_from(), await socket.receive_json_from()
    assert [submitted["type"], approved["type"]] == ["invoice.status_changed"] * 2
    assert approved["event"] | {"id": None, "at": None} == {
        "id": None,
        "kind": "transition",
        "transition": "approve",
        "from_status": "pending_approval",
        "to_status": "approved",
        "actor": {"id": approver.pk, "username": approver.username},
        "reason": None,
        "at": None,
        "text": "Approved",
    }
    assert approved["invoice"]["status"] == "approved"

    await run(services.invoice_send, invoice_id=invoice.pk, actor=owner)
    assert (await socket.receive_json_from())["invoice"]["status"] == "sent"
    await run(services.payment_record, invoice_id=invoice.pk, actor=owner, amount=Decimal("50.00"))
    payment = await socket.receive_json_from()
    assert (payment["type"], payment["invoice"]["balance_due"], payment["event"]["kind"]) == (
        "invoice.payment_recorded",
        "200.00",
        "payment",
    )
    # The same words the invoice page's timeline renders for this event.
    assert payment["event"]["text"] == f"Payment of 50.00 {invoice.currency} recorded"
    await socket.disconnect()


async def test_deleting_a_draft_sends_invoice_deleted(owner: Any) -> None:
    invoice = await run(make_invoice, owner=owner)
    socket = await listen(owner, f"/ws/invoices/{invoice.pk}/")
    await run(services.invoice_delete, invoice_id=invoice.pk, actor=owner)
    deleted = await socket.receive_json_from()
    assert (deleted["type"], deleted["invoice"]["id"], deleted["event"]["kind"]) == (
        "invoice.deleted",
        invoice.pk,
        "deleted",
    )
    await socket.disconnect()


async def test_a_user_never_receives_another_users_event(owner: Any, other_user: Any, approver: Any) -> None:
    stranger = await listen(other_user)
    mine = await listen(owner)
    invoice = await run(make_invoice, owner=owner)
    await run(advance, invoice=invoice, to="approved", approver=approver)
    assert [(await mine.receive_json_from())["type"] for _ in range(3)] == [
        "invoice.created",
        "invoice.status_changed",
        "invoice.status_changed",
    ]
    assert await stranger.receive_nothing(timeout=0.3)
    await mine.disconnect()
    await stranger.disconnect()


async def test_staff_receive_every_users_events_once(
    owner: Any, other_user: Any, staff_without_permission: Any
) -> None:
    staff = await listen(staff_without_permission)
    await run(make_invoice, owner=owner)
    await run(make_invoice, owner=other_user)
    owners = [(await staff.receive_json_from())["event"]["actor"]["id"] for _ in range(2)]
    assert owners == [owner.pk, other_user.pk]
    assert await staff.receive_nothing(timeout=0.3)
    await staff.disconnect()


async def test_an_invoice_socket_receives_only_that_invoices_events(owner: Any) -> None:
    followed = await run(make_invoice, owner=owner)
    other = await run(make_invoice, owner=owner)
    socket = await listen(owner, f"/ws/invoices/{followed.pk}/")
    await run(services.invoice_submit, invoice_id=other.pk, actor=owner)
    await run(services.invoice_submit, invoice_id=followed.pk, actor=owner)
    message = await socket.receive_json_from()
    assert (message["invoice"]["id"], message["invoice"]["status"]) == (followed.pk, "pending_approval")
    assert await socket.receive_nothing(timeout=0.3)
    await socket.disconnect()


async def test_a_rolled_back_approval_sends_nothing_and_leaves_no_trace(owner: Any, approver: Any) -> None:
    invoice = await run(make_invoice, owner=owner)
    await run(advance, invoice=invoice, to="pending_approval", approver=approver)
    socket = await listen(owner)

    def approve_then_fail() -> None:
        with transaction_for_one_write():
            services.invoice_approve(invoice_id=invoice.pk, actor=approver)
            raise RuntimeError("the request failed after the approval")

    with pytest.raises(RuntimeError):
        await database_sync_to_async(approve_then_fail)()
    assert await socket.receive_nothing(timeout=0.3)
    await database_sync_to_async(invoice.refresh_from_db)()
    assert invoice.status == InvoiceStatus.PENDING_APPROVAL
    assert not await database_sync_to_async(InvoiceEvent.objects.filter(invoice=invoice, transition="approve").exists)()
    await socket.disconnect()


async def test_a_losing_concurrent_approval_sends_one_message(owner: Any, approver: Any, second_approver: Any) -> None:
    invoice = await run(make_invoice, owner=owner)
    await run(advance, invoice=invoice, to="pending_approval", approver=approver)
    socket = await listen(owner, f"/ws/invoices/{invoice.pk}/")
    await run(services.invoice_approve, invoice_id=invoice.pk, actor=approver)
    with pytest.raises(Conflict):
        await run(services.invoice_approve, invoice_id=invoice.pk, actor=second_approver)
    assert (await socket.receive_json_from())["event"]["actor"]["id"] == approver.pk
    assert await socket.receive_nothing(timeout=0.3)
    await socket.disconnect()


async def test_an_approval_in_the_admin_reaches_the_owners_and_the_invoices_sockets(owner: Any, approver: Any) -> None:
    invoice = await run(make_invoice, owner=owner)
    await run(advance, invoice=invoice, to="pending_approval", approver=approver)
    list_socket = await listen(owner)
    detail_socket = await listen(owner, f"/ws/invoices/{invoice.pk}/")

    def approve_in_the_admin() -> int:
        client = Client()
        client.force_login(approver)
        response = client.post(
            reverse("admin:invoices_invoice_changelist"),
            {"action": "approve_selected", "_selected_action": [invoice.pk]},
        )
        return response.status_code

    assert await database_sync_to_async(approve_in_the_admin)() == 302
    for socket in (list_socket, detail_socket):
        message = await socket.receive_json_from()
        assert (message["type"], message["invoice"]["id"], message["invoice"]["status"]) == (
            "invoice.status_changed",
            invoice.pk,
            "approved",
        )
        assert message["event"]["actor"] == {"id": approver.pk, "username": approver.username}
        await socket.disconnect()


async def test_the_overdue_sweep_reaches_the_owner(owner: Any, approver: Any) -> None:
    today = timezone.localdate()
    invoice = await run(
        make_invoice, owner=owner, issue_date=today - timedelta(days=40), due_date=today - timedelta(days=10)
    )
    await run(advance, invoice=invoice, to="sent", approver=approver)
    socket = await listen(owner)
    assert await run(services.invoices_mark_overdue) == 1
    message = await socket.receive_json_from()
    assert (message["invoice"]["status"], message["event"]["transition"], message["event"]["actor"]) == (
        "overdue",
        "mark_overdue",
        None,
    )
    await socket.disconnect()


@pytest.mark.redis
async def test_an_idle_socket_on_redis_still_hears_events_after_the_layers_blocking_pops(owner: Any) -> None:
    """channels_redis waits for messages in 5 s blocking pops; a Redis socket timeout that
    is not longer than that fails the pop and kills the idle socket's consumer."""
    socket = await listen(owner)
    await asyncio.sleep(11)
    await run(make_invoice, owner=owner)
    assert (await socket.receive_json_from(timeout=3))["type"] == "invoice.created"
    await socket.disconnect()


async def test_events_reach_sockets_while_the_processs_sync_thread_is_busy(owner: Any) -> None:
    """Forwarding an event must not wait for the one thread a process runs sync code in:
    behind a slow request (or a thousand sockets each waiting their turn) it would."""
    socket = await listen(owner)
    slow_request = asyncio.ensure_future(sync_to_async(time.sleep)(1.5))
    await asyncio.sleep(0.05)
    loop = asyncio.get_running_loop()
    started = loop.time()
    text = json.dumps({"type": "invoice.updated", "invoice": {"id": 1}, "event": {"id": 1}})
    await get_channel_layer().group_send(live.owner_group(owner.pk), {"type": live.LAYER_MESSAGE_TYPE, "text": text})
    assert await socket.receive_json_from(timeout=1) == json.loads(text)
    assert loop.time() - started < 0.5
    await slow_request
    await socket.disconnect()
