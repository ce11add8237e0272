"""The settings the test suite runs with: the project's one settings module, in development mode.

`DEBUG` defaults to off in `billing.settings`, so a deploy that forgets it is safe. The
tests turn it on, as `make run` does, before the settings are read (they decide the secret
key check, HTTPS redirects and static files storage at import). pytest-django loads the
settings before any conftest runs, which is why this is a module and not a fixture. An
explicit `DEBUG` in the environment still wins, and subprocesses the tests start inherit it.
"""

import os

os.environ.setdefault("DEBUG", "true")

from billing.settings import *  # noqa: F403
