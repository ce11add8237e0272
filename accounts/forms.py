"""Forms of the account pages. They collect input; accounts.services decides."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm

from accounts import services
from accounts.errors import AccountNotVerified, InvalidCredentials
from core.errors import InvalidInput


class LoginForm(AuthenticationForm):
    """Django's login form, with our rule for who may log in once the password is right."""

    username = forms.CharField(
        label="Username or e-mail",
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Please enter a correct username or e-mail address and password.",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The parent sizes the field for a username; an e-mail address may be longer.
        cast(forms.CharField, self.fields["username"]).max_length = 254
        self.fields["username"].widget.attrs["maxlength"] = 254

    def get_invalid_login_error(self) -> forms.ValidationError:
        return forms.ValidationError(self.error_messages["invalid_login"], code="invalid_login")

    def confirm_login_allowed(self, user: Any) -> None:
        try:
            services.user_login_check(user=user)
        except AccountNotVerified as exc:
            raise forms.ValidationError(exc.detail, code="unverified") from exc
        except InvalidCredentials as exc:
            raise forms.ValidationError(self.error_messages["inactive"], code="inactive") from exc


class ServiceErrorsMixin:
    """Show a service's field errors on the matching form fields."""

    #: service field name -> form field name, where they differ
    service_fields: dict[str, str] = {}

    def add_service_errors(self, error: InvalidInput) -> None:
        form: forms.Form = self  # type: ignore[assignment]
        if not error.errors:
            form.add_error(None, error.detail)
            return
        for field, messages in error.errors.items():
            name = self.service_fields.get(field, field)
            form.add_error(name if name in form.fields else None, list(messages))


class RegistrationForm(ServiceErrorsMixin, forms.Form):
    """Sign-up. Every field's problem is shown at the first submit: `clean` asks the
    registration service about the fields this form could not parse as well."""

    username = forms.CharField(
        max_length=services.USERNAME_MAX_LENGTH,
        help_text=services.USERNAME_RULE,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    email = forms.EmailField(
        label="E-mail address", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    full_name = forms.CharField(
        label="Full name", max_length=150, required=False, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    password = forms.CharField(
        strip=False,
        help_text=password_validation.password_validators_help_text_html(),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_confirm = forms.CharField(
        label="Password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("password") and cleaned.get("password_confirm") != cleaned["password"]:
            self.add_error("password_confirm", "The two passwords do not match.")
        values = {name: self._submitted_text(name) for name in ("username", "email", "password", "full_name")}
        for field, messages in services.user_registration_errors(**values).items():
            # A field this form already refused keeps its own message, once.
            if field in self.fields and field not in self.errors:
                self.add_error(field, messages)
        return cleaned

    def _submitted_text(self, name: str) -> str:
        """What was typed into a field, parsed if the field accepted it."""
        value = self.cleaned_data.get(name, self.data.get(name, ""))
        return value if isinstance(value, str) else ""


class PasswordResetRequestForm(forms.Form):
    email = forms.EmailField(
        label="E-mail address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )


class VerificationResendForm(forms.Form):
    email = forms.EmailField(
        label="E-mail address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )


class PasswordResetConfirmForm(ServiceErrorsMixin, forms.Form):
    new_password = forms.CharField(
        label="New password",
        strip=False,
        help_text=password_validation.password_validators_help_text_html(),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "autofocus": True}),
    )
    new_password_confirm = forms.CharField(
        label="New password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("new_password") and cleaned.get("new_password_confirm") != cleaned["new_password"]:
            self.add_error("new_password_confirm", "The two passwords do not match.")
        return cleaned
