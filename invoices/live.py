"""The bridge from committed invoice changes to WebSocket clients.

`invoices.events.dispatch` hands every committed `InvoiceMessage` to the subscribers in
`settings.INVOICE_EVENT_SUBSCRIBERS`; `publish_invoice_message` is the one that pushes
it onto the channel layer. It runs in whichever process made the change (a web process,
a Celery worker), and with `channels_redis` the message reaches sockets on every web
process.

Groups: the owner's, the staff group (staff see every invoice) and the invoice's own.
A non-staff socket joins only its owner's group, so nobody hears of another user's
invoice; a staff socket joins only the staff group, so it never gets a message twice.
"""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING, Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.serializers.json import DjangoJSONEncoder

from accounts.roles import sees_every_owner
from invoices.events import InvoiceMessage

if TYPE_CHECKING:
    from accounts.models import User

STAFF_GROUP = "invoices.staff"
# The channel-layer message type; consumers handle it in `invoice_message`.
LAYER_MESSAGE_TYPE = "invoice.message"


def owner_group(user_id: int) -> str:
    return f"invoices.user.{user_id}"


def invoice_group(invoice_id: int) -> str:
    return f"invoices.invoice.{invoice_id}"


def user_invoices_group(user: User) -> str:
    """The one group an `/ws/invoices/` socket (or a dashboard) joins for this user."""
    return STAFF_GROUP if sees_every_owner(user) else owner_group(user.pk)


def message_groups(message: InvoiceMessage) -> list[str]:
    return [owner_group(message.owner_id), STAFF_GROUP, invoice_group(message.invoice_id)]


async def _group_send_all(groups: list[str], layer_message: dict[str, Any]) -> None:
    layer = get_channel_layer()
    await asyncio.gather(*(layer.group_send(group, layer_message) for group in groups))


def publish_invoice_message(message: InvoiceMessage) -> None:
    """Send a committed invoice message to every socket that may see it.

    Called after commit (see `invoices.events.emit_on_commit`), so a rolled-back change
    never gets here. The three group sends run concurrently in one trip to the layer.
    """
    if get_channel_layer() is None:
        return
    # Encoded once here rather than once per socket: a fan-out to a thousand sockets
    # would otherwise encode the same JSON a thousand times.
    layer_message = {"type": LAYER_MESSAGE_TYPE, "text": json.dumps(message.as_payload(), cls=DjangoJSONEncoder)}
    async_to_sync(_group_send_all)(message_groups(message), layer_message)
