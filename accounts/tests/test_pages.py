"""The account pages: session login and logout, sign up, verification, password reset, layout."""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.template.loader import render_to_string
from django.test import RequestFactory
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from accounts.models import User
from accounts.tests.factories import PASSWORD, AdminFactory, UserFactory
from accounts.tests.support import token_from_outbox

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "violet-otter-trampoline-42"


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_the_login_page_has_labelled_fields_a_skip_link_and_our_stylesheet(client):
    response = client.get("/accounts/login/")

    assert response.status_code == 200
    assertContains(response, '<label for="id_username">Username or e-mail:</label>', html=True)
    assertContains(response, '<label for="id_password">Password:</label>', html=True)
    assertContains(response, '<a class="skip-link" href="#main">Skip to main content</a>', html=True)
    assertContains(response, '<main id="main"')
    assertContains(response, "/static/css/app.css")
    assertNotContains(response, "https://cdn")


def test_logging_in_on_the_page_by_username_starts_a_session(client, user):
    response = client.post("/accounts/login/", {"username": "ada", "password": PASSWORD})

    assertRedirects(response, "/", fetch_redirect_response=False)
    assert client.session[SESSION_KEY] == str(user.pk)


def test_logging_in_on_the_page_by_email_follows_next(client, user):
    response = client.post("/accounts/login/?next=/invoices/", {"username": "ada@example.com", "password": PASSWORD})

    assertRedirects(response, "/invoices/", fetch_redirect_response=False)
    assert client.session[SESSION_KEY] == str(user.pk)


def test_the_login_page_refuses_an_unverified_account_with_a_clear_message(client):
    UserFactory(username="ada", is_verified=False)

    response = client.post("/accounts/login/", {"username": "ada", "password": PASSWORD})

    assert response.status_code == 200
    assertContains(response, "E-mail address is not verified.")
    assert SESSION_KEY not in client.session


def test_the_login_page_refuses_a_wrong_password(client, user):
    response = client.post("/accounts/login/", {"username": "ada", "password": "wrong"})

    assert response.status_code == 200
    assertContains(response, "Please enter a correct username or e-mail address and password.")
    assertContains(response, 'role="alert"')
    assert SESSION_KEY not in client.session


def test_the_login_page_shares_the_apis_throttle_and_does_not_check_the_password_when_throttled(
    client, user, throttle_rates
):
    throttle_rates(login_username="1/min", login_ip="100/min")
    client.post("/accounts/login/", {"username": "ada", "password": "wrong"})

    response = client.post("/accounts/login/", {"username": "ada", "password": PASSWORD})

    assert response.status_code == 429
    assert "Retry-After" in response
    assertContains(response, "Too many login attempts.", status_code=429)
    assert SESSION_KEY not in client.session


def test_logging_out_needs_a_post_and_ends_the_session(client, user):
    client.force_login(user)

    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/", follow=True)

    assertRedirects(response, "/accounts/login/")
    assert SESSION_KEY not in client.session
    assert messages_of(response) == ["You have been logged out."]


def test_signing_up_on_the_page_creates_an_unverified_account_and_mails_the_link(client):
    response = client.post(
        "/accounts/register/",
        {
            "username": "grace",
            "email": "grace@example.com",
            "full_name": "Grace Hopper",
            "password": NEW_PASSWORD,
            "password_confirm": NEW_PASSWORD,
        },
        follow=True,
    )

    assertRedirects(response, "/accounts/login/")
    assert messages_of(response) == [
        "Check your inbox: we sent a message to the address you gave. Follow its link to finish signing up."
    ]
    user = User.objects.get(username="grace")
    assert user.is_verified is False
    assert len(mail.outbox) == 1

    verified = client.get(f"/accounts/verify/{token_from_outbox('verify')}/")

    assert verified.status_code == 200
    assertContains(verified, "E-mail address confirmed")
    user.refresh_from_db()
    assert user.is_verified is True


def test_the_sign_up_page_shows_service_errors_on_their_fields_and_sends_nothing(client, user):
    response = client.post(
        "/accounts/register/",
        {
            "username": "grace",
            "email": "ADA@example.com",
            "password": "password",
            "password_confirm": "password",
        },
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert "email" not in form.errors  # a taken address is never reported as taken
    assert "This password is too common." in form.errors["password"]
    assert User.objects.count() == 1
    assert mail.outbox == []


def test_the_sign_up_page_checks_the_two_passwords_match(client):
    response = client.post(
        "/accounts/register/",
        {"username": "grace", "email": "grace@example.com", "password": NEW_PASSWORD, "password_confirm": "other"},
    )

    assert response.context["form"].errors == {"password_confirm": ["The two passwords do not match."]}
    assert not User.objects.exists()
    assert mail.outbox == []


def test_the_verify_page_answers_400_for_a_bad_link(client):
    response = client.get("/accounts/verify/not-a-token/")

    assert response.status_code == 400
    assertContains(response, "This verification link is invalid.", status_code=400)


def test_resetting_a_password_through_the_pages(client, user):
    response = client.post("/accounts/password-reset/", {"email": "ada@example.com"}, follow=True)

    assertRedirects(response, "/accounts/login/")
    assert len(mail.outbox) == 1
    page = f"/accounts/password-reset/{token_from_outbox('password-reset')}/"
    form_page = client.get(page)
    assert form_page.status_code == 200
    assertContains(form_page, '<label for="id_new_password">New password:</label>', html=True)

    done = client.post(page, {"new_password": NEW_PASSWORD, "new_password_confirm": NEW_PASSWORD}, follow=True)

    assertRedirects(done, "/accounts/login/")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert user.token_epoch == 1
    reused = client.get(page)
    assert reused.status_code == 400
    reposted = client.post(page, {"new_password": "x-" + NEW_PASSWORD, "new_password_confirm": "x-" + NEW_PASSWORD})
    assert reposted.status_code == 400
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_the_reset_request_page_says_the_same_for_an_unknown_address(client):
    response = client.post("/accounts/password-reset/", {"email": "nobody@example.com"}, follow=True)

    assertRedirects(response, "/accounts/login/")
    assert messages_of(response)[0].startswith("If an account uses that address")
    assert mail.outbox == []


def test_the_reset_page_shows_a_weak_password_on_its_field(client, user):
    client.post("/accounts/password-reset/", {"email": "ada@example.com"})
    page = f"/accounts/password-reset/{token_from_outbox('password-reset')}/"

    response = client.post(page, {"new_password": "password", "new_password_confirm": "password"})

    assert response.status_code == 200
    assert "This password is too common." in response.context["form"].errors["new_password"]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_the_layout_shows_the_navigation_and_a_logout_form_to_signed_in_users(client, user):
    client.force_login(user)

    response = client.get("/accounts/verify/not-a-token/")

    for href in ("/dashboard/", "/invoices/", "/customers/"):
        assertContains(response, f'href="{href}"', status_code=400)
    assertContains(response, 'action="/accounts/logout/"', status_code=400)
    assertContains(response, "Ada Lovelace", status_code=400)
    assertNotContains(response, 'href="/admin/"', status_code=400)


def test_the_layout_shows_the_admin_link_to_staff(client):
    client.force_login(AdminFactory())

    response = client.get("/accounts/verify/not-a-token/")

    assertContains(response, 'href="/admin/"', status_code=400)


def test_a_missing_page_uses_the_site_layout(client):
    response = client.get("/no-such-page-anywhere/")

    assert response.status_code == 404
    assertContains(response, "Page not found", status_code=404)
    assertContains(response, '<main id="main"', status_code=404)


def test_the_error_templates_render(rf: RequestFactory, user):
    request = rf.get("/somewhere/")
    request.user = user

    assert "Access denied" in render_to_string("errors/403.html", request=request)
    assert "Something went wrong" in render_to_string("errors/500.html")


def test_signing_up_with_a_taken_address_looks_the_same_and_tells_the_owner(client, user):
    response = client.post(
        "/accounts/register/",
        {
            "username": "mallory",
            "email": "ADA@example.com",
            "password": NEW_PASSWORD,
            "password_confirm": NEW_PASSWORD,
        },
        follow=True,
    )

    assertRedirects(response, "/accounts/login/")
    assert messages_of(response) == [
        "Check your inbox: we sent a message to the address you gave. Follow its link to finish signing up."
    ]
    assert not User.objects.filter(username="mallory").exists()
    [message] = mail.outbox
    assert message.to == [user.email]
    assert message.subject == "Someone tried to sign up for Billing with your address"
