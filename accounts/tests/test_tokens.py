"""The e-mailed tokens: verification (signed, expiring) and password reset (single use)."""

from __future__ import annotations

import pytest

from accounts import tokens
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_verification_token_names_the_user_and_the_address_in_lower_case():
    user = UserFactory(email="Mixed@Example.com")

    token = tokens.email_verification_token_make(user=user)

    assert tokens.email_verification_token_read(token=token) == (user.pk, "mixed@example.com")
    assert "/" not in token


def test_a_verification_token_expires_after_the_configured_age(settings):
    user = UserFactory()
    token = tokens.email_verification_token_make(user=user)
    settings.EMAIL_VERIFICATION_MAX_AGE = -1

    with pytest.raises(tokens.EmailVerificationExpired):
        tokens.email_verification_token_read(token=token)


def test_a_verification_token_signed_with_another_key_is_invalid(settings):
    token = tokens.email_verification_token_make(user=UserFactory())
    settings.SECRET_KEY = "another-secret-key-that-is-long-enough-to-be-accepted-by-django"

    with pytest.raises(tokens.EmailVerificationInvalid):
        tokens.email_verification_token_read(token=token)


def test_a_reset_token_finds_its_user_until_the_password_changes():
    user = UserFactory()
    token = tokens.password_reset_token_make(user=user)

    assert tokens.password_reset_token_user(token=token) == user

    user.set_password("violet-otter-trampoline-42")
    user.save()
    assert tokens.password_reset_token_user(token=token) is None


def test_a_reset_token_for_an_inactive_user_finds_nobody():
    user = UserFactory()
    token = tokens.password_reset_token_make(user=user)
    user.is_active = False
    user.save()

    assert tokens.password_reset_token_user(token=token) is None


@pytest.mark.parametrize("token", ["", ".", "abc", "abc.", ".abc", "!!!.abc", "OTk5OTk.abc-def"])
def test_malformed_reset_tokens_find_nobody(token):
    UserFactory()

    assert tokens.password_reset_token_user(token=token) is None
