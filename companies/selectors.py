"""Every read of company profiles."""

from __future__ import annotations

from typing import Any

from companies.models import CompanyProfile


def company_profile_get(*, owner: Any) -> CompanyProfile:
    """The owner's profile, or an unsaved default one when they never saved it, so the
    documents and the API always have a profile to read."""
    owner_id = getattr(owner, "pk", owner)
    profile = CompanyProfile.objects.filter(owner_id=owner_id).first()
    return profile if profile is not None else CompanyProfile(owner_id=owner_id)
