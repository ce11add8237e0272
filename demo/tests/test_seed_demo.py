"""`seed_demo`, which `make run` and `make stack` run after migrating: one account per role, idempotent."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from demo.management.commands.seed_demo import DEFAULT_DEMO_PASSWORD


def run(command: str, *args: str) -> str:
    out = io.StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_seed_demo_creates_one_verified_account_per_role(monkeypatch) -> None:
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)

    output = run("seed_demo", "--base-url", "http://127.0.0.1:8123")

    users = {user.username: user for user in get_user_model().objects.all()}
    assert set(users) == {"demo", "approver", "admin"}
    assert all(user.is_verified and user.is_active for user in users.values())
    assert all(user.check_password(DEFAULT_DEMO_PASSWORD) for user in users.values())
    assert users["demo"].email == "demo@example.com"
    assert not users["demo"].is_staff
    assert not users["demo"].has_perm("invoices.approve_invoice")
    assert users["approver"].is_staff and not users["approver"].is_superuser
    assert users["approver"].is_approver
    assert list(users["approver"].groups.values_list("name", flat=True)) == ["Approvers"]
    assert users["admin"].is_superuser and users["admin"].is_staff
    assert DEFAULT_DEMO_PASSWORD in output
    assert "http://127.0.0.1:8123/admin/" in output
    assert "http://127.0.0.1:8123/api/docs/" in output


@pytest.mark.django_db
def test_seed_demo_takes_the_password_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("DEMO_PASSWORD", "another-demo-password-42")

    output = run("seed_demo")

    assert get_user_model().objects.get(username="approver").check_password("another-demo-password-42")
    assert "another-demo-password-42" in output


@pytest.mark.django_db
def test_seed_demo_a_second_time_changes_nothing(monkeypatch) -> None:
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    run("seed_demo")
    before = list(get_user_model().objects.order_by("username").values())

    output = run("seed_demo")

    assert list(get_user_model().objects.order_by("username").values()) == before
    assert output.count("[unchanged]") == 3
    assert Group.objects.filter(name="Approvers").count() == 1


@pytest.mark.django_db
def test_seed_demo_keeps_a_changed_password_and_says_so(monkeypatch) -> None:
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    run("seed_demo")
    demo = get_user_model().objects.get(username="demo")
    demo.set_password("my-own-password-2026")
    demo.save()

    output = run("seed_demo")

    demo.refresh_from_db()
    assert demo.check_password("my-own-password-2026")
    assert "its password was changed" in output


@pytest.mark.django_db
def test_seed_demo_restores_the_approvers_group_permission() -> None:
    permission = Permission.objects.get(codename="approve_invoice", content_type__app_label="invoices")
    Group.objects.filter(name="Approvers").delete()

    run("seed_demo")

    group = Group.objects.get(name="Approvers")
    assert list(group.permissions.all()) == [permission]
