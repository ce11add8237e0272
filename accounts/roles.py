"""Who a user is to the application: the approver predicate, the Approvers group, and
who sees whose data. Every door asks these functions, so each answer lives here once.

- An *approver* is an active staff member holding `invoices.approve_invoice` (normally
  through the Approvers group; granted directly works too, and a superuser holds every
  permission). The four-eyes rule (never one's own invoice) is the invoice actions' part.
- *Visibility*: staff see everyone's rows, everyone else only their own. Invoices, credit
  notes, stored files, customers, the dashboard feed and the sockets all scope by
  `visible_to` (and `sees_every_owner` for the socket groups); anything invisible is
  reported as missing, never as forbidden.

Migration `invoices.0002_approvers_group` keeps its own frozen copy of the group's
making, as migrations must (they run against historical models, not this module).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeGuard, TypeVar

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet

if TYPE_CHECKING:
    from accounts.models import User

APPROVERS_GROUP = "Approvers"
APPROVE_PERMISSION_APP_LABEL = "invoices"
APPROVE_PERMISSION_CODENAME = "approve_invoice"
APPROVE_PERMISSION = f"{APPROVE_PERMISSION_APP_LABEL}.{APPROVE_PERMISSION_CODENAME}"
APPROVE_PERMISSION_NAME = "Can approve and reject invoices"

# Set by `accounts.selectors.user_list_with_roles`, so a page of users costs one query
# rather than two per row; `is_approver` reads it when present.
APPROVE_ANNOTATION = "has_approve_permission"

RowQuerySet = TypeVar("RowQuerySet", bound=QuerySet[Any])


def _signed_in(user: User | Any | None) -> TypeGuard[User]:
    return user is not None and bool(getattr(user, "is_authenticated", False))


def is_approver(user: User | Any | None) -> TypeGuard[User]:
    """Active staff holding the approve permission, directly, by group or as superuser."""
    if not _signed_in(user) or not (user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    annotated = getattr(user, APPROVE_ANNOTATION, None)
    if annotated is not None:
        return bool(annotated)
    return bool(user.has_perm(APPROVE_PERMISSION))


def sees_every_owner(user: User | Any | None) -> bool:
    """Staff see every owner's invoices, files and customers; everyone else their own."""
    return _signed_in(user) and bool(user.is_staff)


def visible_to(queryset: RowQuerySet, user: User | Any | None, *, owner_field: str = "owner") -> RowQuerySet:
    """The rows of `queryset` this user may see: all of them for staff, their own otherwise,
    none for nobody. `owner_field` names the path to the owner (`invoice__owner`)."""
    if not _signed_in(user):
        return queryset.none()
    if sees_every_owner(user):
        return queryset
    return queryset.filter(**{owner_field: user})


def may_see_owned_by(user: User | Any | None, owner_id: int | None) -> bool:
    """`visible_to` for one row already in hand, by its owner's id."""
    return _signed_in(user) and (sees_every_owner(user) or owner_id == user.pk)


def approvers_group() -> Group:
    """The Approvers group holding `invoices.approve_invoice`, made (with the permission,
    as Django's post-migrate step would) if it is missing: for demo data, staff tooling
    and tests that flush the database. The one place outside migration 0002 that builds it."""
    content_type, _ = ContentType.objects.get_or_create(app_label=APPROVE_PERMISSION_APP_LABEL, model="invoice")
    permission, _ = Permission.objects.get_or_create(
        codename=APPROVE_PERMISSION_CODENAME, content_type=content_type, defaults={"name": APPROVE_PERMISSION_NAME}
    )
    group, _ = Group.objects.get_or_create(name=APPROVERS_GROUP)
    group.permissions.add(permission)
    return group
