"""Back office for company profiles and number counters (counters are read-only: they
move only when a number is drawn)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from companies import services
from companies.forms import FORM_FIELDS, CompanyProfileForm
from companies.models import CompanyProfile, NumberCounter


class CompanyProfileAdminForm(CompanyProfileForm):
    class Meta(CompanyProfileForm.Meta):
        fields = ["owner", *FORM_FIELDS]


@admin.register(CompanyProfile)
class CompanyProfileAdmin(admin.ModelAdmin):
    form = CompanyProfileAdminForm
    list_display = ("legal_name", "owner", "country", "tax_id", "numbering", "updated_at")
    list_filter = ("numbering", "country")
    search_fields = ("legal_name", "tax_id", "owner__username", "email")
    list_select_related = ("owner",)
    raw_id_fields = ("owner",)

    def save_model(self, request: HttpRequest, obj: CompanyProfile, form: Any, change: bool) -> None:
        """Saved through the service, the one writer of profiles (the form already ran its checks)."""
        saved = services.company_profile_update(owner=form.cleaned_data["owner"], data=form.profile_data())
        obj.pk = saved.pk


@admin.register(NumberCounter)
class NumberCounterAdmin(admin.ModelAdmin):
    list_display = ("owner", "series", "period", "last_value")
    list_filter = ("series", "period")
    search_fields = ("owner__username",)
    list_select_related = ("owner",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
