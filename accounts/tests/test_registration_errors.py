"""Sign-up shows every field's problem at the first submit, on the page and in the API,
and the username's help text is the rule the service applies."""

from __future__ import annotations

import pytest
from django.core import mail
from pytest_django.asserts import assertContains

from accounts import services
from accounts.models import User

pytestmark = pytest.mark.django_db

STRONG_PASSWORD = "violet-otter-trampoline-42"
USERNAME_INVALID = "Enter a valid username. Up to 150 characters: letters, digits and . + - _ only (no spaces, no @)."
USERNAME_WITH_AT = 'A username may not contain "@"; it is reserved for logging in with an e-mail address.'


def test_one_sign_up_submit_shows_the_username_email_password_and_confirmation_errors_together(client):
    response = client.post(
        "/accounts/register/",
        {"username": "grace hopper", "email": "not-an-address", "password": "12345", "password_confirm": "54321"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "username": [USERNAME_INVALID],
        "email": ["Enter a valid email address."],
        "password": [
            "This password is too short. It must contain at least 8 characters.",
            "This password is too common.",
            "This password is entirely numeric.",
        ],
        "password_confirm": ["The two passwords do not match."],
    }
    assert not User.objects.exists()
    assert mail.outbox == []


def test_a_taken_username_shows_beside_a_mismatched_confirmation_at_once(client, user):
    response = client.post(
        "/accounts/register/",
        {"username": "ADA", "email": "grace@example.com", "password": STRONG_PASSWORD, "password_confirm": "other"},
    )

    assert response.context["form"].errors == {
        "username": ["A user with that username already exists."],
        "password_confirm": ["The two passwords do not match."],
    }
    assert User.objects.count() == 1
    assert mail.outbox == []


def test_a_field_the_form_refused_keeps_one_message(client):
    response = client.post(
        "/accounts/register/",
        {"username": "", "email": "", "password": "", "password_confirm": ""},
    )

    assert response.context["form"].errors == {
        "username": ["This field is required."],
        "email": ["This field is required."],
        "password": ["This field is required."],
        "password_confirm": ["This field is required."],
    }


def test_the_api_lists_every_field_error_in_one_answer(api_client):
    response = api_client.post(
        "/api/v1/auth/register/", {"username": "grace@home", "email": "not-an-address", "password": "12345"}
    )

    assert response.status_code == 400
    assert response.json() == {
        "username": [USERNAME_WITH_AT],
        "email": ["Enter a valid email address."],
        "password": [
            "This password is too short. It must contain at least 8 characters.",
            "This password is too common.",
            "This password is entirely numeric.",
        ],
    }
    assert not User.objects.exists()
    assert mail.outbox == []


def test_the_username_help_text_is_the_rule_the_service_applies(client):
    response = client.get("/accounts/register/")

    assertContains(response, services.USERNAME_RULE)
    assert services.USERNAME_RULE == "Up to 150 characters: letters, digits and . + - _ only (no spaces, no @)."


@pytest.mark.parametrize("username", ["grace.hopper", "grace+work", "grace-h_1", "Grâce"])
def test_usernames_the_help_text_allows_are_accepted(username):
    errors = services.user_registration_errors(username=username, email="g@example.com", password=STRONG_PASSWORD)

    assert errors == {}


@pytest.mark.parametrize("username", ["grace hopper", "grace/h", "grace!"])
def test_usernames_the_help_text_forbids_get_its_words(username):
    errors = services.user_registration_errors(username=username, email="g@example.com", password=STRONG_PASSWORD)

    assert errors == {"username": [USERNAME_INVALID]}


def test_a_username_with_an_at_sign_is_told_why_in_particular():
    errors = services.user_registration_errors(username="grace@home", email="g@example.com", password=STRONG_PASSWORD)

    assert errors == {"username": [USERNAME_WITH_AT]}


def test_a_username_over_150_characters_is_refused_with_the_length(client):
    errors = services.user_registration_errors(username="g" * 151, email="g@example.com", password=STRONG_PASSWORD)

    assert errors == {"username": ["Ensure this value has at most 150 characters (it has 151)."]}
