"""Live invoice events: `/ws/invoices/` (every invoice the user may see) and
`/ws/invoices/{id}/` (one invoice). Auth, ping/pong and close codes come from
`core.sockets.AuthenticatedJsonConsumer`; which invoices a user may see is
the selectors' rule; the groups are `invoices.live`'s."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from channels.db import database_sync_to_async

from core.sockets import CLOSE_NOT_FOUND, AuthenticatedJsonConsumer, SocketRefused
from invoices import live
from invoices.selectors import invoice_is_visible

if TYPE_CHECKING:
    from accounts.models import User


class InvoiceEventsMixin:
    async def invoice_message(self, event: dict[str, Any]) -> None:
        await self.send(text_data=event["text"])  # type: ignore[attr-defined]  # the consumer mixed into sends; the text is JSON the publisher encoded


class InvoiceListConsumer(InvoiceEventsMixin, AuthenticatedJsonConsumer):
    """Events of every invoice the user may see: their own, or everyone's for staff."""

    async def subscribe(self, user: User) -> list[str]:
        return [live.user_invoices_group(user)]


_invoice_visible = database_sync_to_async(invoice_is_visible)


class InvoiceDetailConsumer(InvoiceEventsMixin, AuthenticatedJsonConsumer):
    """Events of one invoice. An invoice the user may not see is reported as missing (4404),
    exactly as the API does, so ids leak nothing."""

    async def subscribe(self, user: User) -> list[str]:
        invoice_id = self.scope["url_route"]["kwargs"]["invoice_id"]
        if not await _invoice_visible(user=user, invoice_id=invoice_id):
            raise SocketRefused(CLOSE_NOT_FOUND)
        return [live.invoice_group(int(invoice_id))]
