"""WebSocket delivery latency against the running stack (`make stack`).

Connects N clients to `/ws/invoices/` (signed in as the invoice owner, split evenly over
the web processes), approves one invoice through the API as the approver, and prints
p50/p95/p99 of the time from sending the approving request to each client's receipt of
the `invoice.status_changed` message; then the same for a burst of approvals sent
back to back. Every client must receive every message: missing ones are counted and
reported, never silently dropped from the figures.

    .venv/bin/python bench/ws_latency.py                       # N = 100 and 1000, burst of 100
    .venv/bin/python bench/ws_latency.py --clients 1000 --burst 100 --hosts 127.0.0.1:8001,127.0.0.1:8002

It creates and submits the pending invoices it needs through the API first (as the
demo owner), so it runs against a fresh `make stack` with its demo data. See
bench/README.md for how to run it and what was measured.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import json
import os
import resource
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

DEFAULT_PASSWORD = os.environ.get("DEMO_PASSWORD", "billing-demo-2026")


# --- HTTP: a keep-alive connection per thread -----------------------------------------------


class Api:
    def __init__(self, host: str) -> None:
        self.host = host
        self.local = threading.local()

    def _connection(self) -> http.client.HTTPConnection:
        if not hasattr(self.local, "connection"):
            hostname, port = self.host.split(":")
            self.local.connection = http.client.HTTPConnection(hostname, int(port), timeout=30)
        return self.local.connection

    def post(self, path: str, body: dict[str, Any], token: str | None = None) -> tuple[int, Any, float]:
        """POST JSON; returns (status, body, the perf_counter() at which the request was sent)."""
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        payload = json.dumps(body)
        for attempt in range(2):  # a kept-alive connection the server closed is retried once
            connection = self._connection()
            sent_at = time.perf_counter()
            try:
                connection.request("POST", path, body=payload, headers=headers)
                response = connection.getresponse()
                data = response.read()
            except (http.client.HTTPException, ConnectionError):
                connection.close()
                del self.local.connection
                if attempt:
                    raise
                continue
            return response.status, json.loads(data or b"null"), sent_at
        raise AssertionError("unreachable")


def login(api: Api, username: str, password: str) -> str:
    status, body, _ = api.post("/api/v1/auth/login", {"username": username, "password": password})
    if status != 200:
        raise SystemExit(f"login as {username} on {api.host} failed ({status}): {body}")
    return body["access_token"]


def pending_invoices(api: Api, token: str, count: int) -> list[int]:
    """Create and submit `count` invoices as the owner; returns their ids."""

    def one(number: int) -> int:
        status, body, _ = api.post(
            "/api/v1/invoices/",
            {
                "customer_name": "Benchmark Customer",
                "items": [{"description": f"Latency probe {number}", "quantity": "1", "unit_price": "10.00"}],
            },
            token,
        )
        if status != 201:
            raise SystemExit(f"creating an invoice failed ({status}): {body}")
        status, body, _ = api.post(f"/api/v1/invoices/{body['id']}/submit/", {}, token)
        if status != 200:
            raise SystemExit(f"submitting invoice failed ({status}): {body}")
        return body["id"]

    # The first one creates the customer; the rest reuse it, in parallel.
    first = [one(0)] if count else []
    with ThreadPoolExecutor(max_workers=8) as pool:
        return first + list(pool.map(one, range(1, count)))


# --- WebSocket clients ------------------------------------------------------------------------


@dataclass
class Client:
    websocket: ClientConnection
    # invoice id -> (perf_counter() at receipt, ms since the server recorded the event)
    received: dict[int, tuple[float, float]] = field(default_factory=dict)
    task: asyncio.Task[None] | None = None

    async def listen(self, wanted: set[int], all_arrived: asyncio.Event, counter: list[int]) -> None:
        async for raw in self.websocket:
            now, wall = time.perf_counter(), time.time()
            message = json.loads(raw)
            invoice_id = message.get("invoice", {}).get("id")
            if (
                message.get("type") == "invoice.status_changed"
                and invoice_id in wanted
                and message["invoice"]["status"] == "approved"
                and invoice_id not in self.received
            ):
                recorded = datetime.fromisoformat(message["event"]["at"]).timestamp()
                self.received[invoice_id] = (now, (wall - recorded) * 1000)
                counter[0] -= 1
                if counter[0] == 0:
                    all_arrived.set()


async def open_clients(hosts: list[str], token: str, count: int) -> list[Client]:
    """Connect `count` clients round-robin over `hosts`, each proven subscribed by a ping."""
    gate = asyncio.Semaphore(100)

    async def one(number: int) -> Client:
        async with gate:
            websocket = await connect(
                f"ws://{hosts[number % len(hosts)]}/ws/invoices/",
                additional_headers={"Authorization": f"Bearer {token}"},
                open_timeout=30,
                max_queue=None,
            )
            await websocket.send('{"type": "ping"}')
            reply = json.loads(await asyncio.wait_for(websocket.recv(), 30))
            if reply != {"type": "pong"}:
                raise SystemExit(f"unexpected first message: {reply}")
            return Client(websocket)

    return list(await asyncio.gather(*(one(number) for number in range(count))))


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))
    return ordered[index]


def figures(values: list[float]) -> str:
    return (
        f"p50 {statistics.median(values):7.1f} ms | p95 {percentile(values, 0.95):7.1f} ms"
        f" | p99 {percentile(values, 0.99):7.1f} ms | max {max(values):7.1f} ms"
    )


def report(label: str, result: Measurement, expected: int) -> None:
    delivered = len(result.latencies_ms)
    missing = f" ({expected - delivered} MISSING)" if delivered < expected else ""
    print(f"  {label}: {delivered}/{expected} messages delivered{missing} in {result.elapsed:.2f} s")
    if not delivered:
        return
    print(f"    request sent -> received     {figures(result.latencies_ms)}")
    print(f"    event recorded -> received   {figures(result.since_event_ms)}")
    print(f"    approving request answered   {figures(result.response_ms)}")
    print(f"    throughput {delivered / result.elapsed:,.0f} messages/s")


@dataclass
class Measurement:
    latencies_ms: list[float]  # approving request sent -> client received
    since_event_ms: list[float]  # event recorded in the server's transaction -> client received
    response_ms: list[float]  # the approving requests' own response times
    elapsed: float


async def measure(
    clients: list[Client], approvals: list[tuple[Api, int]], token: str, concurrency: int, timeout: float
) -> Measurement:
    """Approve the invoices and wait for every client to hear of every one."""
    wanted = {invoice_id for _, invoice_id in approvals}
    arrived = asyncio.Event()
    counter = [len(clients) * len(wanted)]
    for client in clients:
        client.received.clear()
        client.task = asyncio.create_task(client.listen(wanted, arrived, counter))
    await asyncio.sleep(0.2)  # every listener is in its receive loop

    sent_at: dict[int, float] = {}
    response_ms: list[float] = []

    def approve(target: tuple[Api, int]) -> None:
        api, invoice_id = target
        status, body, started = api.post(f"/api/v1/invoices/{invoice_id}/approve/", {}, token)
        response_ms.append((time.perf_counter() - started) * 1000)
        if status != 200:
            raise SystemExit(f"approving {invoice_id} failed ({status}): {body}")
        sent_at[invoice_id] = started

    loop = asyncio.get_running_loop()
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        await asyncio.gather(*(loop.run_in_executor(pool, approve, target) for target in approvals))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(arrived.wait(), timeout)
    elapsed = time.perf_counter() - started
    for client in clients:
        assert client.task is not None
        client.task.cancel()
    await asyncio.gather(*(client.task for client in clients if client.task), return_exceptions=True)
    receipts = [(invoice_id, *times) for client in clients for invoice_id, times in client.received.items()]
    return Measurement(
        latencies_ms=[(received - sent_at[invoice_id]) * 1000 for invoice_id, received, _ in receipts],
        since_event_ms=[since_event for _, _, since_event in receipts],
        response_ms=response_ms,
        elapsed=elapsed,
    )


async def run(arguments: argparse.Namespace) -> None:
    hosts = arguments.hosts.split(",")
    apis = [Api(host) for host in hosts]
    owner_token = login(apis[0], arguments.owner, arguments.password)
    approver_token = login(apis[-1], arguments.approver, arguments.password)
    needed = len(arguments.clients) * (1 + arguments.burst)
    print(f"creating {needed} pending invoices through the API ...", flush=True)
    invoice_ids = await asyncio.to_thread(pending_invoices, apis[0], owner_token, needed)

    for count in arguments.clients:
        started = time.perf_counter()
        clients = await open_clients(hosts, owner_token, count)
        print(f"\n{count} clients connected over {', '.join(hosts)} in {time.perf_counter() - started:.1f} s")
        # Approvals go to the last web process, clients sit on all of them: most messages
        # cross processes through Redis, as in production behind a load balancer.
        single = [(apis[-1], invoice_ids.pop())]
        result = await measure(clients, single, approver_token, 1, arguments.timeout)
        report("one approval", result, count)
        burst = [(apis[number % len(apis)], invoice_ids.pop()) for number in range(arguments.burst)]
        result = await measure(clients, burst, approver_token, arguments.concurrency, arguments.timeout)
        report(f"burst of {arguments.burst} approvals", result, count * arguments.burst)
        await asyncio.gather(*(client.websocket.close() for client in clients), return_exceptions=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hosts", default="127.0.0.1:8001,127.0.0.1:8002", help="web processes, comma separated")
    parser.add_argument("--clients", type=int, nargs="+", default=[100, 1000], help="client counts to measure")
    parser.add_argument("--burst", type=int, default=100, help="approvals in the burst")
    parser.add_argument("--concurrency", type=int, default=8, help="approving requests in flight during the burst")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for every message")
    parser.add_argument("--owner", default="demo")
    parser.add_argument("--approver", default="approver")
    parser.add_argument("--password", default=DEFAULT_PASSWORD)
    arguments = parser.parse_args()

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = max(arguments.clients) * 2 + 256
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(wanted, hard), hard))
    try:
        import uvloop
    except ImportError:
        asyncio.run(run(arguments))
    else:
        uvloop.run(run(arguments))


if __name__ == "__main__":
    main()
