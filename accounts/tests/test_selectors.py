"""Roles: read from staff status, the approve permission and superuser status."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from accounts.models import User
from accounts.selectors import user_list_with_roles, user_roles
from accounts.tests.factories import AdminFactory, ApproverFactory, UserFactory, approvers_group

pytestmark = pytest.mark.django_db


def test_a_plain_user_has_only_the_user_role():
    assert user_roles(user=UserFactory()) == ["user"]


def test_staff_in_the_approvers_group_are_approvers():
    approver = ApproverFactory()

    assert user_roles(user=approver) == ["user", "approver"]
    assert approver.is_approver is True
    assert approver.groups.get().name == "Approvers"


def test_a_superuser_is_an_admin_and_may_approve():
    assert user_roles(user=AdminFactory()) == ["user", "approver", "admin"]


def test_the_approvers_group_does_not_make_a_non_staff_user_an_approver():
    user = UserFactory()
    user.groups.add(approvers_group())

    assert user_roles(user=User.objects.get(pk=user.pk)) == ["user"]


def test_staff_without_the_permission_are_not_approvers():
    assert user_roles(user=UserFactory(is_staff=True)) == ["user"]


def test_the_permission_granted_directly_also_makes_an_approver():
    approvers_group()  # makes sure the permission exists
    user = UserFactory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(content_type__app_label="invoices", codename="approve_invoice"))

    assert user_roles(user=User.objects.get(pk=user.pk)) == ["user", "approver"]


def test_an_inactive_account_holds_no_role_beyond_user():
    assert user_roles(user=AdminFactory(is_active=False)) == ["user"]
    assert user_roles(user=ApproverFactory(is_active=False)) == ["user"]


def test_the_annotated_list_agrees_with_the_per_user_roles(django_assert_num_queries):
    people = [UserFactory(), ApproverFactory(), AdminFactory(), UserFactory(is_staff=True)]
    expected = {person.pk: user_roles(user=User.objects.get(pk=person.pk)) for person in people}

    with django_assert_num_queries(1):
        listed = {user.pk: user_roles(user=user) for user in user_list_with_roles(queryset=User.objects.all())}

    assert listed == expected
