"""Users for tests, in the three roles. Other apps import these.

Every factory user is verified and has the password `PASSWORD` unless told otherwise.
Hashing a password costs a large fraction of a second with the production hasher, so each
hash is computed once per password and hasher configuration and shared; logging in still
runs the real check.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

import factory
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType

from accounts.models import User
from accounts.selectors import APPROVE_PERMISSION_APP_LABEL, APPROVE_PERMISSION_CODENAME, APPROVERS_GROUP_NAME

PASSWORD = "correct-horse-battery-9"


@cache
def _password_hash(password: str, hashers: tuple[str, ...]) -> str:
    return make_password(password)


def password_hash(password: str = PASSWORD) -> str:
    return _password_hash(password, tuple(settings.PASSWORD_HASHERS))


def approvers_group() -> Group:
    """The Approvers group holding `invoices.approve_invoice`, created if the migrations have not."""
    content_type, _ = ContentType.objects.get_or_create(app_label=APPROVE_PERMISSION_APP_LABEL, model="invoice")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename=APPROVE_PERMISSION_CODENAME,
        defaults={"name": "Can approve invoice"},
    )
    group, _ = Group.objects.get_or_create(name=APPROVERS_GROUP_NAME)
    group.permissions.add(permission)
    return group


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    if TYPE_CHECKING:
        # Calling a factory class builds a User, not a factory; factory_boy's own `__new__`
        # is untyped, so tell mypy what the call returns.
        def __new__(cls, *args: Any, **kwargs: Any) -> User: ...  # type: ignore[misc]  # returns the model

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    full_name = factory.LazyAttribute(lambda user: f"{user.username.capitalize()} Tester")
    # Pass a raw password (`UserFactory(password="...")`); it is hashed like the default.
    password = factory.django.Password(PASSWORD, transform=password_hash)
    is_verified = True
    is_active = True


class ApproverFactory(UserFactory):
    username = factory.Sequence(lambda n: f"approver{n}")
    is_staff = True

    @factory.post_generation  # called with the built User as its first argument
    def approver_group(self: User, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.groups.add(approvers_group())


class AdminFactory(UserFactory):
    username = factory.Sequence(lambda n: f"admin{n}")
    is_staff = True
    is_superuser = True
