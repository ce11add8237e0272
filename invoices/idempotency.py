"""`Idempotency-Key` for POSTs that create or pay: a retry replays the first answer.

A client that lost the response to "create this invoice" or "record this payment"
can send the same request again with the same key and get the same answer, without a
second invoice or a second payment. The key is remembered per user and per scope (the
endpoint and its object), together with a hash of the body:

- same key, same body: the stored status and body are sent again (`Idempotent-Replayed: true`);
- same key, another body: 422, since the client is reusing a key for a different request.

The record is written in the same transaction as the write it guards, so a request
that fails leaves no record behind and may be retried with the same key. Two
concurrent requests with one key meet at the unique constraint: on PostgreSQL the
second insert waits for the first transaction, then either replays its committed
answer or, if the first rolled back, runs the request itself.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from core.errors import Conflict, InvalidInput, Unprocessable
from core.integrity import is_violation_of, log_unexpected
from invoices.actions import transaction_for_one_write
from invoices.models import IdempotencyRecord

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255


def request_fingerprint(data: Any) -> str:
    """A stable hash of a request body: key order and whitespace do not matter."""
    canonical = json.dumps(data, cls=JSONEncoder, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _json_ready(data: Any) -> Any:
    """What the client received, as plain JSON (decimals and dates already strings)."""
    return json.loads(json.dumps(data, cls=JSONEncoder))


def _replay(record: IdempotencyRecord, fingerprint: str) -> Response:
    if record.request_hash != fingerprint:
        raise Unprocessable(
            f"This {HEADER} was already used with a different request body; use a new key for a new request."
        )
    if record.response_status is None:
        # Only reachable if a record was stored outside a transaction; never replay half an answer.
        raise Conflict(f"A request with this {HEADER} is still being processed; retry shortly.")
    return Response(record.response_body, status=record.response_status, headers={REPLAYED_HEADER: "true"})


def idempotent_response(*, request: Request, scope: str, handler: Callable[[], Response]) -> Response:
    """Run `handler` at most once per (user, scope, key); without a key, just run it.

    `handler` performs the write and returns the response to remember. It runs inside
    the transaction that stores the record, so both commit or neither does.
    """
    key = (request.headers.get(HEADER) or "").strip()
    if not key:
        return handler()
    if len(key) > MAX_KEY_LENGTH:
        raise InvalidInput(errors={HEADER: [f"At most {MAX_KEY_LENGTH} characters."]})
    fingerprint = request_fingerprint(request.data)
    lookup = {"user": request.user, "scope": scope, "key": key}
    # The record and the write it answers for commit together or not at all; the write
    # service joins this transaction instead of opening its own durable one.
    with transaction_for_one_write():
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(**lookup, request_hash=fingerprint)
        except IntegrityError as exc:
            if not is_violation_of(exc, "invoices_idempotency_key_unique"):
                log_unexpected(exc)
                raise
            # Someone (perhaps a concurrent request) holds this key: answer as they did.
            return _replay(IdempotencyRecord.objects.get(**lookup), fingerprint)
        response = handler()
        record.response_status = response.status_code
        record.response_body = _json_ready(response.data)
        record.save(update_fields=["response_status", "response_body"])
    return response
