"""The company settings form (page and admin): the service checks every rule."""

from __future__ import annotations

from typing import Any

from django import forms

from companies import services
from companies.models import CompanyProfile
from core.errors import InvalidInput

FORM_FIELDS = list(services.PROFILE_FIELDS)


class CompanyProfileForm(forms.ModelForm):
    class Meta:
        model = CompanyProfile
        fields = FORM_FIELDS
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3}),
            "payment_instructions": forms.Textarea(attrs={"rows": 2}),
            "footer_text": forms.Textarea(attrs={"rows": 2}),
        }

    def profile_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in FORM_FIELDS if name in self.cleaned_data}
        logo = data.get("logo")
        if logo is False:  # the "clear" checkbox
            data["logo"] = None
        elif logo is None or logo == self.instance.logo:
            data.pop("logo", None)  # unchanged
        return data

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        if not self.errors:
            try:
                services.company_profile_check(profile=self.instance, data=self.profile_data())
            except InvalidInput as error:
                for field, problems in (error.errors or {}).items():
                    self.add_error(field if field in self.fields else None, problems)
        return cleaned
