"""Which database constraint an `IntegrityError` broke, in words.

A service that expects one constraint to fail (a duplicate invoice number in a race)
asks `violated_constraint(exc)` and turns that one into a 400; any other failure is a
bug, not bad input, so it is logged with the constraint's own message and re-raised
(a 500), never reported as a guess. `except IntegrityError` stays narrow that way.

PostgreSQL names the constraint in the error's diagnostics. SQLite names CHECK
constraints in the message (`CHECK constraint failed: <name>`), UNIQUE ones by their
columns (`UNIQUE constraint failed: table.a, table.b`) or, for expression indexes, by
the index name; we map those back through the models' `Meta.constraints`.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.db import IntegrityError, models

logger = logging.getLogger("core.integrity")

_SQLITE_CHECK = re.compile(r"CHECK constraint failed: (?P<name>[\w$]+)")
_SQLITE_UNIQUE_INDEX = re.compile(r"UNIQUE constraint failed: index '(?P<name>[\w$]+)'")
_SQLITE_UNIQUE_COLUMNS = re.compile(r"UNIQUE constraint failed: (?P<columns>[\w$.]+(?:, [\w$.]+)*)")


@dataclass(frozen=True)
class ConstraintViolation:
    name: str
    message: str
    model: type[models.Model] | None = None

    def __str__(self) -> str:
        return f"{self.name}: {self.message}"


@cache
def _constraints_by_name() -> dict[str, tuple[type[models.Model], models.BaseConstraint]]:
    return {
        constraint.name: (model, constraint) for model in apps.get_models() for constraint in model._meta.constraints
    }


@cache
def _unique_columns() -> dict[tuple[str, frozenset[str]], str]:
    """(table, columns) of every unique constraint and unique field, to its name."""
    found: dict[tuple[str, frozenset[str]], str] = {}
    for model in apps.get_models():
        table = model._meta.db_table
        for constraint in model._meta.constraints:
            if isinstance(constraint, models.UniqueConstraint) and constraint.fields:
                columns = frozenset(_column(model, name) for name in constraint.fields)
                found[(table, columns)] = constraint.name
        for field in model._meta.concrete_fields:
            if field.unique and not field.primary_key:
                # PostgreSQL's own name for an inline UNIQUE column, so both databases agree.
                found.setdefault(
                    (table, frozenset([_column(model, field.name)])), unique_field_constraint_name(model, field.name)
                )
    return found


def unique_field_constraint_name(model: type[models.Model], field_name: str) -> str:
    """The name a `unique=True` field's constraint has: `<table>_<column>_key`."""
    return f"{model._meta.db_table}_{_column(model, field_name)}_key"


def _column(model: type[models.Model], field_name: str) -> str:
    """The column of a concrete field: constraints and unique fields name only those, never a relation's far side."""
    field = model._meta.get_field(field_name)
    assert isinstance(field, models.Field) and field.column is not None
    return field.column


def _name_from_error(exc: IntegrityError) -> str | None:
    diagnostics = getattr(exc.__cause__, "diag", None)
    if diagnostics is not None and getattr(diagnostics, "constraint_name", None):
        return str(diagnostics.constraint_name)
    text = str(exc)
    for pattern in (_SQLITE_CHECK, _SQLITE_UNIQUE_INDEX):
        match = pattern.search(text)
        if match:
            return match.group("name")
    match = _SQLITE_UNIQUE_COLUMNS.search(text)
    if match:
        qualified = [part.strip() for part in match.group("columns").split(",")]
        tables = {name.rsplit(".", 1)[0] for name in qualified}
        if len(tables) == 1:
            key = (tables.pop(), frozenset(name.rsplit(".", 1)[1] for name in qualified))
            return _unique_columns().get(key)
    return None


def violated_constraint(exc: IntegrityError) -> ConstraintViolation | None:
    """The constraint behind `exc` with its readable message, or None (NOT NULL, FK...)."""
    name = _name_from_error(exc)
    if name is None:
        return None
    model, constraint = _constraints_by_name().get(name, (None, None))
    if constraint is None and name.endswith("_key"):
        return ConstraintViolation(name=name, message="This value is already taken.")
    if constraint is None:
        return ConstraintViolation(name=name, message=f"The database refused the change ({name}).")
    return ConstraintViolation(name=name, message=str(constraint.get_violation_error_message()), model=model)


def is_violation_of(exc: IntegrityError, name: str) -> bool:
    violation = violated_constraint(exc)
    return violation is not None and violation.name == name


def log_unexpected(exc: IntegrityError) -> None:
    """Say what broke before the error becomes a 500: the constraint and its message."""
    violation = violated_constraint(exc)
    logger.error("Unexpected integrity failure: %s", violation or exc)
