"""Create the PostgreSQL database named in `DATABASE_URL` when it does not exist yet.

`make stack` and the Compose `migrate` service run this before `migrate`, so a fresh
server needs no manual `createdb`. It connects to the `postgres` maintenance database
with the same host, port and credentials. On SQLite there is nothing to do: the file is
created on first connect.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

MAINTENANCE_DATABASE = "postgres"


class Command(BaseCommand):
    help = "Create the configured PostgreSQL database if it is missing (no-op on other databases)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Database alias (default: %(default)s).")

    def handle(self, *args: Any, database: str, **options: Any) -> None:
        connection = connections[database]
        if connection.vendor != "postgresql":
            self.stdout.write(f"{connection.vendor}: nothing to create.")
            return

        import psycopg
        from psycopg import sql

        settings_dict = connection.settings_dict
        name = settings_dict["NAME"]
        params: dict[str, Any] = {
            "dbname": MAINTENANCE_DATABASE,
            "host": settings_dict.get("HOST") or None,
            "port": settings_dict.get("PORT") or None,
            "user": settings_dict.get("USER") or None,
            "password": settings_dict.get("PASSWORD") or None,
            "connect_timeout": 10,
        }
        try:
            with psycopg.connect(**{key: value for key, value in params.items() if value is not None}) as admin:
                admin.autocommit = True  # CREATE DATABASE cannot run inside a transaction
                exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
                if exists:
                    self.stdout.write(f"Database {name!r} exists.")
                    return
                admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        except psycopg.Error as error:
            raise CommandError(f"Could not ensure database {name!r}: {error}") from error
        self.stdout.write(self.style.SUCCESS(f"Created database {name!r}."))
