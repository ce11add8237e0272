"""The e-mails the accounts app sends: plain text with an HTML alternative.

Links are absolute, built from SITE_URL, because an e-mail has no request to build
them from. The token is printed too, for people who use the API rather than the pages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

if TYPE_CHECKING:
    from accounts.models import User


def site_link(path: str) -> str:
    """An absolute URL on this site for a path such as `/accounts/verify/<token>/`.

    The one builder of links in e-mails: every message takes its address from the
    SITE_URL setting here (`make run` sets it to the address it serves)."""
    return settings.SITE_URL.rstrip("/") + path


def email_verification_send(*, user: User, token: str) -> None:
    """Send the "confirm your e-mail address" message with its signed link."""
    max_age = settings.EMAIL_VERIFICATION_MAX_AGE
    _send(
        user=user,
        subject="Confirm your e-mail address for Billing",
        template="emails/accounts/verify_email",
        context={
            "link": site_link(reverse("accounts:verify", kwargs={"token": token})),
            "token": token,
            "valid_days": max(1, round(max_age.total_seconds() / 86400)),
        },
    )


def registration_attempt_send(*, user: User) -> None:
    """Tell an account's owner that someone tried to sign up with its address. The sign-up
    answers as if it had worked, so only the owner of the inbox learns the address is taken."""
    _send(
        user=user,
        subject="Someone tried to sign up for Billing with your address",
        template="emails/accounts/registration_attempt",
        context={
            "login_link": site_link(reverse("accounts:login")),
            "reset_link": site_link(reverse("accounts:password_reset")),
        },
    )


def password_reset_send(*, user: User, token: str) -> None:
    """Send the password-reset message with its single-use link."""
    _send(
        user=user,
        subject="Reset your Billing password",
        template="emails/accounts/password_reset",
        context={
            "link": site_link(reverse("accounts:password_reset_confirm", kwargs={"token": token})),
            "token": token,
            "valid_hours": max(1, round(settings.PASSWORD_RESET_TIMEOUT / 3600)),
        },
    )


def _send(*, user: User, subject: str, template: str, context: dict[str, Any]) -> None:
    context = {"user": user, "site_url": site_link(""), **context}
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    message.send()
