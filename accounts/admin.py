"""Users in the back office: roles at a glance, and the same revocation rules as the API.

Staff-created accounts are verified (the model's default). Setting a password here, or
deactivating an account, goes through accounts.services so the user's tokens are
revoked exactly as after a password reset.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, AdminUserCreationForm, UserChangeForm
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts import services
from accounts.models import User
from accounts.selectors import user_list_with_roles, user_roles


class IdentityRulesMixin:
    """Usernames and e-mail addresses follow sign-up's rules (`services.user_identity_errors`),
    so staff cannot make an account named `x@y.example` that could never log in by
    username, or a second account for an address. The service's messages are shown at
    the fields; the database's e-mail constraint stays as the last line of defence."""

    def clean(self) -> dict[str, Any]:
        form: Any = self
        cleaned = super().clean()  # type: ignore[misc]
        username, email = cleaned.get("username"), cleaned.get("email")
        errors = services.user_identity_errors(username=username or "", email=email or "", exclude_id=form.instance.pk)
        for field, messages in errors.items():
            if (field == "username" and username is None) or (field == "email" and email is None):
                continue  # already refused as a field; the shape comes first
            new = [message for message in messages if message not in form.errors.get(field, [])]
            if new:
                form.add_error(field, new)
        return cleaned

    def validate_unique(self) -> None:
        """Unique fields as Django checks them; the e-mail constraint is the service's rule."""
        form: Any = self
        try:
            form.instance.validate_unique(exclude=form._get_validation_exclusions())
        except ValidationError as error:
            form._update_errors(error)


class UserCreationAdminForm(IdentityRulesMixin, AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "email", "full_name")


class UserChangeAdminForm(IdentityRulesMixin, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"


class PasswordSetAdminForm(AdminPasswordChangeForm):
    def save(self, commit: bool = True) -> Any:
        if not commit:
            return super().save(commit=False)
        new_password = self.cleaned_data["password1"] if self.cleaned_data["set_usable_password"] else None
        return services.user_password_set(user=self.user, new_password=new_password)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserChangeAdminForm
    add_form = UserCreationAdminForm
    change_password_form = PasswordSetAdminForm
    list_display = ("username", "email", "full_name", "is_verified", "is_active", "roles")
    list_filter = ("is_verified", "is_active", "is_staff", "is_superuser", "groups")
    search_fields = ("username", "full_name", "email")
    ordering = ("username",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Personal info", {"fields": ("full_name", "email", "is_verified")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "email", "full_name", "usable_password", "password1", "password2"),
            },
        ),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return user_list_with_roles(queryset=super().get_queryset(request))

    @admin.display(description="Roles")
    def roles(self, user: User) -> str:
        return ", ".join(user_roles(user=user))

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            # A deactivated account's tokens are refused anyway; revoking them means
            # reactivating the account later does not bring old sessions back.
            services.user_tokens_revoke_all(user=obj)
