"""Small helpers shared by the accounts tests."""

from __future__ import annotations

import re

from django.core import mail

SITE_URL = "https://billing.example.test"


def token_from_outbox(kind: str, index: int = -1) -> str:
    """The token in the link of an e-mail in the outbox; `kind` is `verify` or `password-reset`."""
    body = mail.outbox[index].body
    match = re.search(rf"{re.escape(SITE_URL)}/accounts/{kind}/(?P<token>[^/\s]+)/", str(body))
    assert match, body
    return match["token"]


def bearer(access_token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {access_token}"}
