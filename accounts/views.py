"""Account pages: session login and logout, sign up, verification, password reset.

Thin: the forms collect input, accounts.services decides, exactly as for the API.
"""

from __future__ import annotations

import math
from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views import View
from django.views.generic import FormView

from accounts import services
from accounts.errors import InvalidLink
from accounts.forms import (
    LoginForm,
    PasswordResetConfirmForm,
    PasswordResetRequestForm,
    RegistrationForm,
    VerificationResendForm,
)
from accounts.throttles import LOGIN_THROTTLES, VERIFICATION_RESEND_THROTTLES
from accounts.tokens import password_reset_token_user
from core.errors import InvalidInput

LOGIN_URL = reverse_lazy("accounts:login")


class LoginPageView(auth_views.LoginView):
    """Django's LoginView, with our form and the API's login throttles."""

    template_name = "accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        for throttle_class in LOGIN_THROTTLES:
            throttle = throttle_class()
            # The login throttles read only the client address and the posted username.
            if not throttle.allow_request(request, self):  # type: ignore[arg-type]
                # Refuse before the form is validated: a throttled attempt must not test the password.
                wait = math.ceil(throttle.wait() or 1)
                form = self.form_class(request, initial={"username": request.POST.get("username", "")})
                context = self.get_context_data(
                    form=form,
                    throttled_message=f"Too many login attempts. Please try again in {wait} seconds.",
                )
                response = self.render_to_response(context, status=429)
                response["Retry-After"] = str(wait)
                return response
        return super().post(request, *args, **kwargs)


class LogoutPageView(auth_views.LogoutView):
    """POST only (Django's LogoutView refuses GET), then back to the login page."""

    next_page = LOGIN_URL  # type: ignore[assignment]  # a lazy URL, resolved when used

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.info(request, "You have been logged out.")
        return response


class RegisterPageView(FormView):
    template_name = "accounts/register.html"
    form_class = RegistrationForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated:
            return redirect("/")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form: RegistrationForm) -> HttpResponse:
        data = form.cleaned_data
        try:
            services.user_register(
                username=data["username"], email=data["email"], password=data["password"], full_name=data["full_name"]
            )
        except InvalidInput as exc:
            form.add_service_errors(exc)
            return self.form_invalid(form)
        # The same words whether or not the address already had an account.
        messages.success(self.request, services.registration_sent_detail())
        return HttpResponseRedirect(LOGIN_URL)


class VerifyEmailPageView(View):
    """The link in the verification e-mail. Verifying is idempotent, so a GET may do it."""

    template_name = "accounts/verify.html"

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        try:
            services.user_verify_email(token=token)
        except InvalidLink as exc:
            return render(request, self.template_name, {"error": exc.detail}, status=400)
        return render(request, self.template_name, {"verified": True})


class VerificationResendPageView(FormView):
    """ "Send the confirmation link again", for people whose link expired or got lost.
    Throttled per client and per address; the answer is the same whatever the address."""

    template_name = "accounts/verification_resend.html"
    form_class = VerificationResendForm

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        for throttle_class in VERIFICATION_RESEND_THROTTLES:
            throttle = throttle_class()
            # These throttles read only the client address and the posted address.
            if not throttle.allow_request(request, self):  # type: ignore[arg-type]
                wait = math.ceil(throttle.wait() or 1)
                form = self.form_class(initial={"email": request.POST.get("email", "")})
                context = self.get_context_data(
                    form=form, throttled_message=f"Too many requests. Please try again in {wait} seconds."
                )
                response = self.render_to_response(context, status=429)
                response["Retry-After"] = str(wait)
                return response
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: VerificationResendForm) -> HttpResponse:
        services.user_verification_resend(email=form.cleaned_data["email"])
        messages.info(self.request, services.verification_resent_detail())
        return HttpResponseRedirect(LOGIN_URL)


class PasswordResetRequestPageView(FormView):
    template_name = "accounts/password_reset.html"
    form_class = PasswordResetRequestForm

    def form_valid(self, form: PasswordResetRequestForm) -> HttpResponse:
        services.user_password_reset_request(email=form.cleaned_data["email"])
        messages.info(
            self.request,
            "If an account uses that address, we have sent it a link to choose a new password. The link works once.",
        )
        return HttpResponseRedirect(LOGIN_URL)


class PasswordResetConfirmPageView(FormView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = PasswordResetConfirmForm

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if password_reset_token_user(token=self.kwargs["token"]) is None:
            return self._invalid_link(InvalidLink.default_detail)
        return super().get(request, *args, **kwargs)

    def form_valid(self, form: PasswordResetConfirmForm) -> HttpResponse:
        try:
            services.user_password_reset_confirm(
                token=self.kwargs["token"], new_password=form.cleaned_data["new_password"]
            )
        except InvalidLink as exc:
            return self._invalid_link(exc.detail)
        except InvalidInput as exc:
            form.add_service_errors(exc)
            return self.form_invalid(form)
        messages.success(self.request, "Your password has been set. You can log in with it now.")
        return HttpResponseRedirect(LOGIN_URL)

    def _invalid_link(self, detail: str) -> HttpResponse:
        return self.render_to_response(self.get_context_data(invalid_link=detail), status=400)
