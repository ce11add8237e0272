"""Two writers on the embedded SQLite database wait for each other instead of failing.

`make run` serves on SQLite, and an ASGI server runs each request's transaction in its
own thread. A transaction that reads and then writes while another one commits in
between used to fail at once with "database is locked" (a 500 for one of two people
editing at the same moment): a deferred transaction cannot upgrade a stale read
snapshot, and the busy timeout does not help. Transactions now start IMMEDIATE and
queue on the write lock instead.

Settings are read once per process, so this runs in a fresh interpreter on a file
database of its own.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]

SCRIPT = r"""
import threading
import django
django.setup()
from django.db import connection, connections, transaction

with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE counter (n integer)")
    cursor.execute("INSERT INTO counter VALUES (0)")

first_has_read = threading.Event()
second_is_done = threading.Event()
errors = []

def read_then_write():
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT n FROM counter")
            first_has_read.set()
            second_is_done.wait(timeout=1)  # with IMMEDIATE the second waits for us: don't wait forever
            cursor.execute("UPDATE counter SET n = n + 1")
    except Exception as error:
        errors.append(repr(error))
    finally:
        first_has_read.set()
        connections.close_all()

def write_in_between():
    first_has_read.wait()
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT n FROM counter")
            cursor.execute("UPDATE counter SET n = n + 1")
    except Exception as error:
        errors.append(repr(error))
    finally:
        second_is_done.set()
        connections.close_all()

threads = [threading.Thread(target=read_then_write), threading.Thread(target=write_in_between)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
with connection.cursor() as cursor:
    cursor.execute("SELECT n FROM counter")
    print("errors", errors, "counter", cursor.fetchone()[0])
"""


def test_two_transactions_that_read_then_write_both_commit_on_sqlite(tmp_path: Path) -> None:
    environment = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "REDIS_URL")}
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=PROJECT_DIR,
        env={
            **environment,
            "DJANGO_SETTINGS_MODULE": "billing.settings",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'writers.sqlite3'}",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "errors [] counter 2"
