"""Reads about users: their roles, and the user list the back office shows."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from django.contrib.auth.models import Permission
from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.roles import APPROVE_ANNOTATION, APPROVE_PERMISSION_APP_LABEL, APPROVE_PERMISSION_CODENAME, is_approver

if TYPE_CHECKING:
    from accounts.models import User

Role = Literal["user", "approver", "admin"]
ROLES: tuple[Role, ...] = ("user", "approver", "admin")


def user_roles(*, user: User) -> list[Role]:
    """The roles a user holds, lowest first: `approver` as `accounts.roles.is_approver`
    says, `admin` for an active superuser."""
    roles: list[Role] = ["user"]
    if is_approver(user):
        roles.append("approver")
    if user.is_active and user.is_superuser:
        roles.append("admin")
    return roles


def user_list_with_roles(*, queryset: QuerySet[User]) -> QuerySet[User]:
    """Annotate each user with whether they hold the approve permission, directly or by group."""
    approve_permission = Permission.objects.filter(
        Q(group__user=OuterRef("pk")) | Q(user=OuterRef("pk")),
        content_type__app_label=APPROVE_PERMISSION_APP_LABEL,
        codename=APPROVE_PERMISSION_CODENAME,
    )
    return queryset.annotate(**{APPROVE_ANNOTATION: Exists(approve_permission)})
