"""A transaction subscriber that always fails, for the test that a failure rolls the change back."""

from __future__ import annotations

from typing import Any


def refuse(message: Any) -> None:
    raise RuntimeError("the subscriber refused")
