"""Fixtures for the invoices app: people in every role."""

from __future__ import annotations

from typing import Any

import pytest

from invoices.tests.factories import make_user


@pytest.fixture
def owner(db: Any) -> Any:
    return make_user(username="olivia")


@pytest.fixture
def other_user(db: Any) -> Any:
    return make_user(username="mallory")


@pytest.fixture
def approver(db: Any) -> Any:
    return make_user(username="alice", approver=True)


@pytest.fixture
def second_approver(db: Any) -> Any:
    return make_user(username="bob", approver=True)


@pytest.fixture
def staff_without_permission(db: Any) -> Any:
    return make_user(username="stan", staff=True)


@pytest.fixture
def admin_user(db: Any) -> Any:
    return make_user(username="root", superuser=True)
