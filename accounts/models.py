"""The custom user. Set before the first migration so it never has to be swapped later."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower


class User(AbstractUser):
    """A person who signs in.

    `is_verified` defaults to True: only self-registration sets it False, so accounts
    made by staff or `createsuperuser` can sign in at once. `token_epoch` is carried in
    every JWT; bumping it (password change or reset) revokes every token issued before.
    """

    email = models.EmailField("email address")
    full_name = models.CharField(max_length=150, blank=True)
    is_verified = models.BooleanField(default=True)
    token_epoch = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="accounts_user_email_ci_unique",
                violation_error_message="A user with that e-mail address already exists.",
                condition=~models.Q(email=""),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def is_approver(self) -> bool:
        """`accounts.roles.is_approver`, for templates."""
        from accounts.roles import is_approver

        return is_approver(self)
