"""The request types of doors that only a signed-in user gets through.

django-stubs and djangorestframework-stubs type `request.user` as `User | AnonymousUser`,
which is right before authentication and wrong after it: a page behind `login_required`,
an API view behind `IsAuthenticated` and the admin behind its staff login always hold a
`User`. Views annotate their request with these names so the services and selectors
can ask for a `User` (the person acting) rather than `Any`. At run time they are the
framework's own classes; only the type checker sees the narrower `user`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from rest_framework.request import Request

if TYPE_CHECKING:
    from accounts.models import User

    class AuthenticatedHttpRequest(HttpRequest):
        """A page or admin request past `login_required` (or the admin's own login)."""

        user: User

    class AuthenticatedRequest(Request):
        """An API request past `IsAuthenticated`."""

        @property
        def user(self) -> User: ...

        @user.setter
        def user(self, value: User) -> None: ...

else:
    AuthenticatedHttpRequest = HttpRequest
    AuthenticatedRequest = Request

__all__ = ["AuthenticatedHttpRequest", "AuthenticatedRequest", "acting_user"]


def acting_user(request: HttpRequest) -> User:
    """The signed-in user of a request the framework has already let in.

    For the admin's overrides, whose `request` parameter must stay an `HttpRequest`: the
    admin site only serves active staff, so an anonymous visitor here is a wiring mistake,
    refused with 403 rather than passed on to a service as its actor.
    """
    user = request.user
    if isinstance(user, AnonymousUser):
        raise PermissionDenied("Sign in to do this.")
    return user
