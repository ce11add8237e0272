"""The client's address, as every door counts it (login lockout, throttles).

`X-Forwarded-For` is trusted exactly `NUM_PROXIES` hops from the right: each proxy we
run appends the address it saw, so the entry our own outermost proxy wrote is the last
one we can believe. Anything further left was typed by the client and is ignored. With
`NUM_PROXIES=0` the header is ignored altogether and the socket's peer is the client.

The web processes run uvicorn with `--no-proxy-headers`, so uvicorn does not rewrite the
peer address from the same header before this code sees it.
"""

from __future__ import annotations

import ipaddress

from django.http import HttpRequest
from rest_framework.settings import api_settings


def client_address(request: HttpRequest) -> str:
    """The address the request came from, trusting forwarding headers only `NUM_PROXIES` hops."""
    remote_addr = request.META.get("REMOTE_ADDR") or ""
    num_proxies = api_settings.NUM_PROXIES or 0
    forwarded_for = request.META.get("HTTP_X_FORWARDED_FOR")
    if num_proxies <= 0 or not forwarded_for:
        return remote_addr
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    if not hops:
        return remote_addr
    candidate = hops[-min(num_proxies, len(hops))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        # Our proxy writes addresses only; garbage here means the header did not come from it.
        return remote_addr
