"""`ensure_database`, which `make stack` and the Compose `migrate` service run before migrating."""

from __future__ import annotations

import io
import uuid

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection


def run(command: str, *args: str) -> str:
    out = io.StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_ensure_database_is_a_no_op_on_sqlite(settings) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("runs on SQLite")

    assert run("ensure_database") == "sqlite: nothing to create.\n"


@pytest.mark.postgres
@pytest.mark.django_db
def test_ensure_database_creates_a_missing_postgres_database_once() -> None:
    name = f"billing_ensure_{uuid.uuid4().hex[:12]}"
    original_name = connection.settings_dict["NAME"]
    params = connection.get_connection_params()
    params["dbname"] = "postgres"
    connection.settings_dict["NAME"] = name
    try:
        first = run("ensure_database")
        second = run("ensure_database")
    finally:
        connection.settings_dict["NAME"] = original_name
        with psycopg.connect(**params, autocommit=True) as admin:
            exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')

    assert exists == (1,)
    assert first == f"Created database {name!r}.\n"
    assert second == f"Database {name!r} exists.\n"
