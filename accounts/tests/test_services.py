"""Service behaviour the HTTP tests do not reach: rollback, scope of revocation, what is stored."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts import services
from accounts.models import User
from accounts.tests.factories import UserFactory
from core.errors import InvalidInput

pytestmark = pytest.mark.django_db

STRONG_PASSWORD = "violet-otter-trampoline-42"


def test_if_the_verification_email_cannot_be_sent_no_account_is_left_behind():
    with (
        mock.patch("accounts.emails.EmailMultiAlternatives.send", side_effect=ConnectionRefusedError),
        pytest.raises(ConnectionRefusedError),
    ):
        services.user_register(username="grace", email="grace@example.com", password=STRONG_PASSWORD)

    assert not User.objects.exists()
    services.user_register(username="grace", email="grace@example.com", password=STRONG_PASSWORD)
    assert User.objects.get().username == "grace"


def test_registration_reports_every_problem_at_once():
    UserFactory(username="ada", email="ada@example.com")

    with pytest.raises(InvalidInput) as refused:
        services.user_register(username="Ada", email="ADA@example.com", password="123")

    assert set(refused.value.errors or {}) == {"username", "password"}  # never "this address is taken"
    assert mail.outbox == []


def test_registration_trims_and_normalises_the_input():
    user = services.user_register(
        username="  grace ", email=" Grace@EXAMPLE.com ", password=STRONG_PASSWORD, full_name=" Grace Hopper "
    )

    assert (user.username, user.email, user.full_name) == ("grace", "Grace@example.com", "Grace Hopper")


def test_the_outstanding_token_row_holds_the_refresh_token_as_issued():
    user = UserFactory()

    pair = services.token_pair_issue(user=user)

    row = OutstandingToken.objects.get()
    assert row.token == pair.refresh_token
    assert row.user == user


def test_revoking_all_tokens_touches_only_that_users_live_tokens():
    user, other = UserFactory(), UserFactory()
    services.token_pair_issue(user=user)
    services.token_pair_issue(user=user)
    others_pair = services.token_pair_issue(user=other)
    OutstandingToken.objects.filter(user=user).update(expires_at=timezone.now() - timedelta(days=1))
    live = services.token_pair_issue(user=user)

    services.user_tokens_revoke_all(user=user)

    assert list(BlacklistedToken.objects.values_list("token__token", flat=True)) == [live.refresh_token]
    assert user.token_epoch == 1
    other.refresh_from_db()
    assert other.token_epoch == 0
    assert services.token_refresh(refresh_token=others_pair.refresh_token).token_type == "bearer"


def test_revoking_twice_keeps_working():
    user = UserFactory()
    services.token_pair_issue(user=user)

    services.user_tokens_revoke_all(user=user)
    services.user_tokens_revoke_all(user=user)

    assert user.token_epoch == 2
    assert BlacklistedToken.objects.count() == 1


def test_a_password_change_needs_a_strong_new_password():
    user = UserFactory()

    with pytest.raises(InvalidInput) as refused:
        services.user_password_change(user=user, old_password="correct-horse-battery-9", new_password="password")

    assert list(refused.value.errors or {}) == ["new_password"]
    user.refresh_from_db()
    assert user.token_epoch == 0
