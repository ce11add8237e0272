"""`/ws/dashboard/`: metrics on connect, fresh metrics after invoice changes the user may
see, at most one push a second, and never for another user's change."""

from __future__ import annotations

import asyncio
import itertools
import json
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.core.serializers.json import DjangoJSONEncoder
from rest_framework_simplejwt.tokens import AccessToken

from billing.routing import websocket_application
from dashboard.selectors import dashboard_metrics
from invoices import services
from invoices.tests.factories import make_invoice

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_channel_layer")]


async def open_dashboard(user: Any) -> WebsocketCommunicator:
    token = AccessToken.for_user(user)
    token["epoch"] = user.token_epoch
    communicator = WebsocketCommunicator(
        websocket_application, "/ws/dashboard/", headers=[(b"authorization", f"Bearer {token}".encode())]
    )
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def current_metrics(user: Any) -> Any:
    """What the selector says now, as it looks after the trip through JSON."""
    metrics = await database_sync_to_async(dashboard_metrics)(user=user)
    return json.loads(json.dumps(metrics, cls=DjangoJSONEncoder))


def create_invoice(owner: Any) -> Any:
    return database_sync_to_async(make_invoice)(owner=owner)


async def test_the_dashboard_sends_the_users_metrics_on_connect(owner: Any) -> None:
    await create_invoice(owner)
    socket = await open_dashboard(owner)
    assert await socket.receive_json_from() == {"type": "dashboard.metrics", "metrics": await current_metrics(owner)}
    await socket.disconnect()


async def test_an_invoice_change_pushes_fresh_metrics(owner: Any) -> None:
    socket = await open_dashboard(owner)
    before = await socket.receive_json_from()
    await create_invoice(owner)
    after = await socket.receive_json_from(timeout=3)
    assert after == {"type": "dashboard.metrics", "metrics": await current_metrics(owner)}
    assert after != before
    await socket.disconnect()


async def test_a_burst_of_changes_is_coalesced_to_one_push_a_second(owner: Any) -> None:
    socket = await open_dashboard(owner)
    await socket.receive_json_from()
    loop = asyncio.get_running_loop()
    connected_at = loop.time()
    for _ in range(5):
        await create_invoice(owner)
    burst_seconds = loop.time() - connected_at
    # Pushes arrive at most once a second; a burst that took longer (a loaded machine)
    # may be spread over more than one, but never over more pushes than seconds.
    pushes, at = [], [connected_at]
    while not await socket.receive_nothing(timeout=1.2):
        pushes.append(await socket.receive_json_from())
        at.append(loop.time())
    assert pushes, "the burst pushed nothing"
    assert all(later - earlier >= 0.95 for earlier, later in itertools.pairwise(at))
    assert len(pushes) <= 1 + int(burst_seconds)  # five changes in under a second make one push
    assert pushes[-1]["metrics"] == await current_metrics(owner)  # the last change is in the last push
    await socket.disconnect()


async def test_another_users_change_pushes_nothing(owner: Any, other_user: Any) -> None:
    socket = await open_dashboard(owner)
    await socket.receive_json_from()
    await create_invoice(other_user)
    assert await socket.receive_nothing(timeout=1.5)
    await socket.disconnect()


async def test_a_staff_dashboard_refreshes_on_anyones_change(owner: Any, approver: Any) -> None:
    socket = await open_dashboard(approver)
    await socket.receive_json_from()
    invoice = await create_invoice(owner)
    await database_sync_to_async(services.invoice_submit)(invoice_id=invoice.pk, actor=owner)
    pushed = await socket.receive_json_from(timeout=3)
    assert pushed == {"type": "dashboard.metrics", "metrics": await current_metrics(approver)}
    await socket.disconnect()


async def test_the_dashboard_without_credentials_is_closed_with_4401(db: Any) -> None:
    communicator = WebsocketCommunicator(websocket_application, "/ws/dashboard/")
    assert (await communicator.connect())[0]
    assert await communicator.receive_output(timeout=2) == {"type": "websocket.close", "code": 4401}
    await communicator.disconnect()
