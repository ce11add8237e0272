"""Demo accounts for `make run` and `make stack`: one of each role, safe to run again.

- `demo`      a regular user (own data only)
- `approver`  staff in the Approvers group, which holds `invoices.approve_invoice`
- `admin`     superuser

Each gets the password from `DEMO_PASSWORD` (default `billing-demo-2026`) when it is
created. A second run creates nothing, changes nothing and never resets a password
someone has changed since; it says so when the printed password no longer works.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings

from accounts.roles import approvers_group
from demo.invoices import seed_demo_invoices

if TYPE_CHECKING:
    from accounts.models import User

DEFAULT_DEMO_PASSWORD = "billing-demo-2026"  # noqa: S105 (documented demo login, local only)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    email: str
    full_name: str
    role: str
    is_staff: bool = False
    is_superuser: bool = False
    approver: bool = False


DEMO_ACCOUNTS = (
    DemoAccount("demo", "demo@example.com", "Demo User", "user"),
    DemoAccount("approver", "approver@example.com", "Avery Approver", "approver", is_staff=True, approver=True),
    DemoAccount("admin", "admin@example.com", "Ada Admin", "admin", is_staff=True, is_superuser=True),
)


class Command(BaseCommand):
    help = "Create the demo accounts (demo, approver, admin) if they are missing, and print the logins."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--base-url",
            default=None,
            help="Where the app is served, for the printed links (default: the SITE_URL setting).",
        )

    def handle(self, *args: Any, base_url: str | None, **options: Any) -> None:
        password = os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD
        base_url = (base_url or settings.SITE_URL).rstrip("/")
        User = get_user_model()
        report: list[tuple[DemoAccount, str]] = []

        # The demo customers are example.com addresses: sending their invoices (after
        # commit) would only flood the console, so demo seeding sends no e-mail.
        dummy_mail = override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend")
        with transaction.atomic():
            group = approvers_group()
            for account in DEMO_ACCOUNTS:
                user = User.objects.filter(username=account.username).first()
                if user is None:
                    user = User(
                        username=account.username,
                        email=account.email,
                        full_name=account.full_name,
                        is_staff=account.is_staff,
                        is_superuser=account.is_superuser,
                        is_verified=True,
                    )
                    user.set_password(password)
                    user.save()
                    state = "created"
                else:
                    state = self._ensure_role(user, account)
                if account.approver and not user.groups.filter(pk=group.pk).exists():
                    user.groups.add(group)
                    state = "updated" if state == "unchanged" else state
                if not user.check_password(password):
                    state += "; its password was changed, the one below does not work"
                report.append((account, state))

        # Outside the accounts' transaction: each invoice service is a durable
        # transaction of its own (see `invoices.services.transactions`).
        with dummy_mail:
            owner = User.objects.get(username="demo")
            approver = User.objects.get(username="approver")
            made = seed_demo_invoices(owner=owner, approver=approver)
        if made:
            self.stdout.write(f"Created {made} demo invoices for demo.")
        self._print(report, password, base_url)

    def _ensure_role(self, user: User, account: DemoAccount) -> str:
        """Give an existing demo account back its role flags; never touch its password."""
        wanted = {
            "is_active": True,
            "is_verified": True,
            "is_staff": account.is_staff,
            "is_superuser": account.is_superuser,
        }
        changed = [field for field, value in wanted.items() if getattr(user, field) != value]
        if not changed:
            return "unchanged"
        for field in changed:
            setattr(user, field, wanted[field])
        user.save(update_fields=changed)
        return "updated"

    def _print(self, report: list[tuple[DemoAccount, str]], password: str, base_url: str) -> None:
        write = self.stdout.write
        write("")
        write(self.style.MIGRATE_HEADING(f"Demo logins (password for each: {password})"))
        for account, state in report:
            write(f"  {account.username:<9} {account.email:<22} {account.role:<9} [{state}]")
        write("")
        write(self.style.MIGRATE_HEADING("Open"))
        for label, path in (
            ("App", "/"),
            ("Back office", "/admin/"),
            ("API", "/api/v1/"),
            ("API docs", "/api/docs/"),
            ("Health", "/health/detailed"),
        ):
            write(f"  {label:<12} {base_url}{path}")
        write("")
