"""`accounts.roles`: the one approver predicate, the one Approvers group and the one
visibility rule, and the doors that read them."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, Group

from accounts.roles import APPROVERS_GROUP, approvers_group, is_approver, may_see_owned_by, sees_every_owner, visible_to
from accounts.tests.factories import make_user
from dashboard.selectors import dashboard_recent_activity
from invoices import live
from invoices.models import Customer, Invoice
from invoices.tests.factories import make_invoice

pytestmark = pytest.mark.django_db


def test_an_approver_is_active_staff_holding_the_permission(approver: Any, staff_without_permission: Any) -> None:
    in_group_but_not_staff = make_user(username="nonstaff")
    in_group_but_not_staff.groups.add(approvers_group())
    inactive = make_user(username="gone", approver=True, is_active=False)

    assert is_approver(approver) is True
    assert is_approver(make_user(username="boss", superuser=True)) is True
    assert [is_approver(user) for user in (staff_without_permission, in_group_but_not_staff, inactive)] == [
        False,
        False,
        False,
    ]
    assert is_approver(None) is False
    assert is_approver(AnonymousUser()) is False


def test_the_approvers_group_is_built_once_with_the_approve_permission() -> None:
    Group.objects.filter(name=APPROVERS_GROUP).delete()

    first, again = approvers_group(), approvers_group()

    assert first.pk == again.pk
    assert Group.objects.filter(name=APPROVERS_GROUP).count() == 1
    assert list(first.permissions.values_list("content_type__app_label", "codename")) == [
        ("invoices", "approve_invoice")
    ]


def test_staff_see_every_owner_and_everyone_else_their_own(owner: Any, other_user: Any, approver: Any) -> None:
    mine, theirs = make_invoice(owner=owner), make_invoice(owner=other_user)
    invoices = Invoice.objects.order_by("pk")

    assert list(visible_to(invoices, owner)) == [mine]
    assert list(visible_to(invoices, approver)) == [mine, theirs]
    assert list(visible_to(invoices, AnonymousUser())) == []
    assert list(visible_to(Customer.objects.all(), other_user)) == [theirs.customer]
    assert (may_see_owned_by(owner, other_user.pk), may_see_owned_by(approver, other_user.pk)) == (False, True)
    assert (sees_every_owner(owner), sees_every_owner(approver)) == (False, True)


def test_the_dashboard_feed_and_the_socket_groups_follow_the_same_rule(
    owner: Any, other_user: Any, approver: Any
) -> None:
    mine, theirs = make_invoice(owner=owner), make_invoice(owner=other_user)

    owners_feed = {row["invoice"]["id"] for row in dashboard_recent_activity(user=owner)}
    staff_feed = {row["invoice"]["id"] for row in dashboard_recent_activity(user=approver)}

    assert owners_feed == {mine.pk}
    assert staff_feed == {mine.pk, theirs.pk}
    assert live.user_invoices_group(owner) == live.owner_group(owner.pk)
    assert live.user_invoices_group(approver) == live.STAFF_GROUP
