"""An outbox handler for the worker-killed test: its effect is a line appended to a file,
so the test can count deliveries. While `<file>.slow` exists it announces that it has
started and then takes long enough for the test to kill the worker in the middle."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any


def deliver(payload: dict[str, Any], *, idempotency_key: str) -> None:
    effect = Path(payload["path"])
    slow = effect.with_suffix(".slow")
    if slow.exists():
        effect.with_suffix(".started").write_text("started\n")
        time.sleep(60)
    with effect.open("a") as handle:
        handle.write(f"{idempotency_key}\n")
