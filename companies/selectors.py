"""Every read of company profiles."""

from __future__ import annotations

from typing import TYPE_CHECKING

from companies.models import CompanyProfile

if TYPE_CHECKING:
    from accounts.models import User


def company_profile_get(*, owner: User | int) -> CompanyProfile:
    """The owner's profile, or an unsaved default one when they never saved it, so the
    documents and the API always have a profile to read. `owner` is a user or their id."""
    owner_id = owner if isinstance(owner, int) else owner.pk
    profile = CompanyProfile.objects.filter(owner_id=owner_id).first()
    return profile if profile is not None else CompanyProfile(owner_id=owner_id)
