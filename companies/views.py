"""Settings pages: the company profile, and changing one's password beside it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.authenticated import AuthenticatedHttpRequest
from companies import selectors, services
from companies.forms import CompanyProfileForm


@login_required
@require_http_methods(["GET", "POST"])
def company_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    profile = selectors.company_profile_get(owner=request.user)
    form = CompanyProfileForm(request.POST or None, request.FILES or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        services.company_profile_update(owner=request.user, data=form.profile_data())
        messages.success(request, "Your company profile is saved.")
        return redirect("settings:company")
    status = 400 if form.is_bound else 200
    return render(request, "companies/company_settings.html", {"form": form, "profile": profile}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Django's own form: the old password, and the new one through the password validators."""
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)  # stay signed in on this browser
        messages.success(request, "Your password is changed.")
        return redirect("settings:company")
    status = 400 if form.is_bound else 200
    return render(request, "companies/password_change.html", {"form": form}, status=status)
