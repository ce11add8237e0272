"""Reads about users: their roles, and the user list the back office shows."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from django.contrib.auth.models import Permission
from django.db.models import Exists, OuterRef, Q, QuerySet

if TYPE_CHECKING:
    from accounts.models import User

Role = Literal["user", "approver", "admin"]
ROLES: tuple[Role, ...] = ("user", "approver", "admin")

APPROVE_PERMISSION_APP_LABEL = "invoices"
APPROVE_PERMISSION_CODENAME = "approve_invoice"
APPROVERS_GROUP_NAME = "Approvers"

# Set by `user_list_with_roles` so a page of users costs one query, not two per row.
APPROVE_ANNOTATION = "has_approve_permission"


def user_roles(*, user: User) -> list[Role]:
    """The roles a user holds, lowest first.

    `approver` is staff holding `invoices.approve_invoice` (normally through the Approvers
    group); `admin` is a superuser. The permission is read, not the group name, so granting
    it directly works too, and a superuser, who holds every permission, approves as well.
    """
    roles: list[Role] = ["user"]
    if _can_approve(user):
        roles.append("approver")
    if user.is_active and user.is_superuser:
        roles.append("admin")
    return roles


def _can_approve(user: User) -> bool:
    if not (user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    annotated = getattr(user, APPROVE_ANNOTATION, None)
    if annotated is not None:
        return bool(annotated)
    return user.has_perm(f"{APPROVE_PERMISSION_APP_LABEL}.{APPROVE_PERMISSION_CODENAME}")


def user_list_with_roles(*, queryset: QuerySet[User]) -> QuerySet[User]:
    """Annotate each user with whether they hold the approve permission, directly or by group."""
    approve_permission = Permission.objects.filter(
        Q(group__user=OuterRef("pk")) | Q(user=OuterRef("pk")),
        content_type__app_label=APPROVE_PERMISSION_APP_LABEL,
        codename=APPROVE_PERMISSION_CODENAME,
    )
    return queryset.annotate(**{APPROVE_ANNOTATION: Exists(approve_permission)})
