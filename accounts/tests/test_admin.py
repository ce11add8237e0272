"""Users in the back office: roles column, verified staff-made accounts, revocation on change."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pytest_django.asserts import assertContains

from accounts import services
from accounts.models import User
from accounts.selectors import user_roles
from accounts.tests.factories import AdminFactory, ApproverFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "violet-otter-trampoline-42"


@pytest.fixture
def admin_client(client):
    client.force_login(AdminFactory(username="boss"))
    return client


def test_the_user_list_shows_roles_in_a_bounded_number_of_queries(admin_client, django_assert_max_num_queries):
    UserFactory(username="plain")
    ApproverFactory(username="checker")
    UserFactory.create_batch(10)

    with django_assert_max_num_queries(12):
        response = admin_client.get("/admin/accounts/user/")

    assert response.status_code == 200
    rows = {user.username: user for user in response.context["cl"].result_list}
    assert rows["checker"].has_approve_permission is True
    assertContains(response, "user, approver, admin")
    assertContains(response, "user, approver")


def test_the_user_list_query_count_does_not_grow_with_the_users(admin_client):
    UserFactory.create_batch(2)
    with CaptureQueriesContext(connection) as few:
        admin_client.get("/admin/accounts/user/")
    ApproverFactory.create_batch(10)
    UserFactory.create_batch(10)
    with CaptureQueriesContext(connection) as many:
        admin_client.get("/admin/accounts/user/")

    assert len(many) == len(few)


def test_the_user_list_filters_by_verification(admin_client):
    UserFactory(username="pending", is_verified=False)
    UserFactory(username="confirmed")

    response = admin_client.get("/admin/accounts/user/?is_verified__exact=0")

    assert [user.username for user in response.context["cl"].result_list] == ["pending"]


def test_an_account_made_by_staff_is_verified(admin_client):
    response = admin_client.post(
        "/admin/accounts/user/add/",
        {
            "username": "newbie",
            "email": "newbie@example.com",
            "full_name": "New Person",
            "usable_password": "true",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(username="newbie")
    assert user.is_verified is True
    assert user.email == "newbie@example.com"
    assert user.check_password(NEW_PASSWORD)


def test_staff_cannot_create_a_second_account_with_an_email_in_another_case(admin_client):
    UserFactory(username="ada", email="ada@example.com")

    response = admin_client.post(
        "/admin/accounts/user/add/",
        {
            "username": "ada2",
            "email": "ADA@example.com",
            "usable_password": "true",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"email": ["A user with that e-mail address already exists."]}
    assert not User.objects.filter(username="ada2").exists()


def test_setting_a_password_in_the_admin_revokes_the_users_tokens(admin_client):
    user = UserFactory(username="ada")
    pair = services.token_pair_issue(user=user)

    response = admin_client.post(
        f"/admin/accounts/user/{user.pk}/password/",
        {"usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert user.token_epoch == 1
    with pytest.raises(services.TokenRejected):
        services.token_refresh(refresh_token=pair.refresh_token)


def test_disabling_password_login_in_the_admin_revokes_the_users_tokens(admin_client):
    user = UserFactory(username="ada")
    pair = services.token_pair_issue(user=user)

    response = admin_client.post(
        f"/admin/accounts/user/{user.pk}/password/", {"usable_password": "false", "unset-password": "1"}
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.has_usable_password() is False
    with pytest.raises(services.TokenRejected):
        services.token_refresh(refresh_token=pair.refresh_token)


def test_deactivating_a_user_in_the_admin_revokes_their_tokens(admin_client):
    user = UserFactory(username="ada")
    pair = services.token_pair_issue(user=user)
    change_url = f"/admin/accounts/user/{user.pk}/change/"
    form = admin_client.get(change_url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "password"}
    data.update(
        {
            "is_active": "",
            "groups": [],
            "user_permissions": [],
            "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        }
    )
    data = {key: value for key, value in data.items() if key not in {"date_joined", "last_login", "is_active"}}
    data.update({"is_verified": "on", "is_staff": "", "is_superuser": ""})

    response = admin_client.post(change_url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    user.refresh_from_db()
    assert user.is_active is False
    assert user.token_epoch == 1
    user.is_active = True
    user.save()
    with pytest.raises(services.TokenRejected):
        services.token_refresh(refresh_token=pair.refresh_token)


def test_createsuperuser_makes_a_verified_admin():
    call_command("createsuperuser", interactive=False, username="root", email="root@example.com", verbosity=0)

    root = User.objects.get(username="root")
    assert root.is_verified is True
    assert user_roles(user=root) == ["user", "approver", "admin"]


def test_staff_cannot_create_a_user_named_like_an_email_address_which_could_never_log_in_by_name(admin_client):
    response = admin_client.post(
        "/admin/accounts/user/add/",
        {
            "username": "x@y.example",
            "email": "x@y.example",
            "usable_password": "true",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "username": ['A username may not contain "@"; it is reserved for logging in with an e-mail address.']
    }
    assert not User.objects.filter(email="x@y.example").exists()


def test_staff_cannot_rename_a_user_to_an_email_shaped_name_or_give_them_a_taken_address(admin_client):
    UserFactory(username="grace", email="grace@example.com")
    user = UserFactory(username="ada", email="ada@example.com")
    url = f"/admin/accounts/user/{user.pk}/change/"
    page = admin_client.get(url)
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "password"}
    data.update({"username": "ada@example.com", "email": "GRACE@example.com", "groups": [], "user_permissions": []})
    data["date_joined_0"], data["date_joined_1"] = user.date_joined.strftime("%Y-%m-%d"), "00:00:00"
    data.pop("date_joined", None)
    data.pop("last_login", None)

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "username": ['A username may not contain "@"; it is reserved for logging in with an e-mail address.'],
        "email": ["A user with that e-mail address already exists."],
    }
    user.refresh_from_db()
    assert (user.username, user.email) == ("ada", "ada@example.com")
