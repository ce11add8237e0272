"""`/ws/dashboard/`: the signed-in user's metrics on connect, and fresh ones whenever an
invoice they may see changes, at most once a second.

The socket listens on the same group as the user's `/ws/invoices/` socket (their own, or
the staff group), so every committed invoice change is a cue to recompute. Bursts are
coalesced: the first change after a quiet second pushes at once, and everything else
within the second is folded into one trailing push. Every member of a group is cued at
the same instant, so a group's sockets each get at most one push a second.

Metrics are computed per socket, by `dashboard.selectors.dashboard_metrics` with the
socket's own user: an approver's figures leave out their own invoices (four-eyes), so
two staff members' dashboards may differ.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from channels.db import database_sync_to_async

from core.sockets import AuthenticatedJsonConsumer
from dashboard.selectors import dashboard_metrics
from invoices import live

if TYPE_CHECKING:
    from accounts.models import User

MESSAGE_TYPE = "dashboard.metrics"


class DashboardConsumer(AuthenticatedJsonConsumer):
    push_interval = 1.0  # seconds between two pushes, at least

    last_push: float
    pending_push: asyncio.Task[None] | None

    async def subscribe(self, user: User) -> list[str]:
        self.last_push = float("-inf")
        self.pending_push = None
        return [live.user_invoices_group(user)]

    async def subscribed(self) -> None:
        await self.push_metrics()

    async def invoice_message(self, event: dict[str, Any]) -> None:
        if self.pending_push is not None:
            return  # already scheduled: this change will be in it
        delay = max(0.0, self.last_push + self.push_interval - asyncio.get_running_loop().time())
        self.pending_push = asyncio.create_task(self._push_after(delay))

    async def _push_after(self, delay: float) -> None:
        await asyncio.sleep(delay)
        # Cleared before computing: a change that lands while the figures are being read
        # schedules the next push instead of being lost.
        self.pending_push = None
        await self.push_metrics()

    async def push_metrics(self) -> None:
        self.last_push = asyncio.get_running_loop().time()
        metrics = await database_sync_to_async(dashboard_metrics)(user=self.scope["user"])
        await self.send_json({"type": MESSAGE_TYPE, "metrics": metrics})

    async def disconnect(self, code: int) -> None:
        pending_push = getattr(self, "pending_push", None)
        if pending_push is not None:
            pending_push.cancel()
        await super().disconnect(code)
