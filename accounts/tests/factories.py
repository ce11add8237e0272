"""Users for tests, in the three roles: the one user factory every app's tests use.

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

from accounts.models import User
from accounts.roles import approvers_group

PASSWORD = "correct-horse-battery-9"


@cache
def _password_hash(password: str, hashers: tuple[str, ...]) -> str:
    return make_password(password)


def password_hash(password: str = PASSWORD) -> str:
    return _password_hash(password, tuple(settings.PASSWORD_HASHERS))


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


def make_user(
    *,
    username: str | None = None,
    staff: bool = False,
    approver: bool = False,
    superuser: bool = False,
    **fields: Any,
) -> User:
    """A verified user with `PASSWORD`, by keyword: `make_user(approver=True)` is staff in
    the Approvers group, `superuser=True` an admin. Without a `full_name` the user reads as
    their username, as a person who left the name empty would."""
    factory_class = ApproverFactory if approver else AdminFactory if superuser else UserFactory
    if username is not None:
        fields["username"] = username
    fields.setdefault("full_name", "")
    fields.setdefault("is_staff", staff or approver or superuser)
    fields.setdefault("is_superuser", superuser)
    return factory_class(**fields)
