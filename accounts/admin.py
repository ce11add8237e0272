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
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts import services
from accounts.models import User
from accounts.selectors import user_list_with_roles, user_roles


class UserCreationAdminForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "email", "full_name")


class UserChangeAdminForm(UserChangeForm):
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
    # Recorded by Django, not typed by staff (and their split date/time inputs have no labels).
    readonly_fields = ("last_login", "date_joined")
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
