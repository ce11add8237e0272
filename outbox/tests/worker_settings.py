"""Settings for the worker the worker-killed test starts: the project's, plus the test's
slow outbox handler."""

from billing.settings import *  # noqa: F403
from billing.settings import OUTBOX_HANDLERS

OUTBOX_HANDLERS = {**OUTBOX_HANDLERS, "test.slow_effect": "outbox.tests.slow_effect.deliver"}
