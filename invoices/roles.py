"""The approver role: staff in the Approvers group, which holds `invoices.approve_invoice`.

The group is created by migration 0002; `approvers_group()` makes sure it exists with
its permission (for demo data, staff tooling and tests that flush the database).
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType

APPROVERS_GROUP = "Approvers"
APPROVE_PERMISSION = "invoices.approve_invoice"


def approvers_group() -> Group:
    content_type, _ = ContentType.objects.get_or_create(app_label="invoices", model="invoice")
    permission, _ = Permission.objects.get_or_create(
        codename="approve_invoice", content_type=content_type, defaults={"name": "Can approve and reject invoices"}
    )
    group, _ = Group.objects.get_or_create(name=APPROVERS_GROUP)
    group.permissions.add(permission)
    return group
