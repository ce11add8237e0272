"""Every write to company profiles and number counters.

The rules for what a profile may hold live here once (tax ids and IBANs checked with
python-stdnum, countries and currencies against their ISO lists, number patterns), so
the API, the settings page and the admin answer bad input with the same messages.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Any

from babel import Locale
from django.db import IntegrityError, transaction
from stdnum import bic as stdnum_bic
from stdnum import get_cc_module
from stdnum import iban as stdnum_iban
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError as StdnumError

from companies.models import CompanyProfile, NumberCounter, Numbering
from companies.numbering import counter_period, format_number, pattern_errors
from core.currencies import ISO_4217_CODES
from core.errors import InvalidInput

if TYPE_CHECKING:
    from accounts.models import User

PROFILE_FIELDS = (
    "legal_name",
    "address",
    "postcode",
    "city",
    "country",
    "tax_id",
    "email",
    "phone",
    "logo",
    "iban",
    "bic",
    "payment_instructions",
    "payment_terms_days",
    "default_currency",
    "footer_text",
    "numbering",
    "number_pattern",
    "credit_note_pattern",
    "reminder_days",
)
# Tax-id modules python-stdnum has per country, tried in this order (VAT first; GST,
# business and employer numbers where a country has no VAT number).
TAX_ID_MODULE_NAMES = ("vat", "gstin", "abn", "bn", "ein")
MAX_PAYMENT_TERMS_DAYS = 365
MAX_REMINDER_DAYS = 365


@cache
def country_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes, from the CLDR data Babel ships."""
    return frozenset(
        code for code in Locale("en").territories if isinstance(code, str) and len(code) == 2 and code.isalpha()
    )


def _tax_id_error(tax_id: str, country: str) -> str | None:
    """Check a VAT/GST number with python-stdnum: by its EU prefix when it has one,
    else by the profile's country. Countries stdnum has no module for get no check
    beyond the shape (letters, digits and separators)."""
    prefix = tax_id[:2].lower()
    if prefix in eu_vat.MEMBER_STATES or prefix == "el":
        module: Any = eu_vat
    else:
        module = (
            next(
                (found for name in TAX_ID_MODULE_NAMES if (found := get_cc_module(country.lower(), name)) is not None),
                None,
            )
            if country
            else None
        )
    if module is None:
        if not all(character.isalnum() or character in " .-/" for character in tax_id):
            return "A tax id holds only letters, digits, spaces, dots, dashes and slashes."
        return None
    try:
        module.validate(tax_id)
    except StdnumError as error:
        return f"This is not a valid tax id ({str(error).rstrip('.').lower()})."
    return None


def company_profile_check(*, profile: CompanyProfile, data: Mapping[str, Any]) -> dict[str, Any]:
    """Normalise and check the given fields against the profile they will be merged into;
    raises `InvalidInput` naming each bad field. Forms call it to show the errors in place."""
    current = profile
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    for name in PROFILE_FIELDS:
        if name not in data:
            continue
        value = data[name]
        values[name] = value.strip() if isinstance(value, str) else value
    merged = {name: values.get(name, getattr(current, name)) for name in PROFILE_FIELDS}

    country = (merged["country"] or "").upper()
    if "country" in values:
        values["country"] = country
        if country and country not in country_codes():
            errors["country"] = [f"Unknown country {country!r}; use an ISO 3166-1 alpha-2 code such as DE."]
    if "tax_id" in values or "country" in values:
        tax_id = (merged["tax_id"] or "").upper()
        if "tax_id" in values:
            values["tax_id"] = tax_id
        if tax_id and "country" not in errors and (problem := _tax_id_error(tax_id, country)):
            errors["tax_id"] = [problem]
    if values.get("iban"):
        try:
            values["iban"] = stdnum_iban.validate(values["iban"])
        except StdnumError as error:
            errors["iban"] = [f"This is not a valid IBAN ({str(error).rstrip('.').lower()})."]
    if values.get("bic"):
        try:
            values["bic"] = stdnum_bic.validate(values["bic"])
        except StdnumError as error:
            errors["bic"] = [f"This is not a valid BIC ({str(error).rstrip('.').lower()})."]
    if values.get("default_currency"):
        values["default_currency"] = values["default_currency"].upper()
        if values["default_currency"] not in ISO_4217_CODES:
            errors["default_currency"] = ["Unknown currency; use an ISO 4217 code such as USD or EUR."]
    for name, limit in (("payment_terms_days", MAX_PAYMENT_TERMS_DAYS), ("reminder_days", MAX_REMINDER_DAYS)):
        if name in values and not (isinstance(values[name], int) and 0 <= values[name] <= limit):
            errors[name] = [f"Must be a whole number of days from 0 to {limit}."]
    if "numbering" in values and values["numbering"] not in Numbering.values:
        errors["numbering"] = [f"Use one of {', '.join(Numbering.values)}."]
    for name in ("number_pattern", "credit_note_pattern"):
        if name in values and (problems := pattern_errors(values[name] or "")):
            errors[name] = problems
    if errors:
        raise InvalidInput(errors=errors)
    return values


def company_profile_update(*, owner: User, data: Mapping[str, Any]) -> CompanyProfile:
    """Create or change the owner's profile with the fields given (PUT and PATCH both
    send what they change; the rest keeps its value). Returns the saved profile."""
    with transaction.atomic():
        profile = CompanyProfile.objects.select_for_update().filter(owner=owner).first()
        if profile is None:
            profile = CompanyProfile(owner=owner)
        values = company_profile_check(profile=profile, data=data)
        for name, value in values.items():
            if name == "logo" and value is None:
                profile.logo = None
                continue
            setattr(profile, name, value if value is not None else "")
        try:
            with transaction.atomic():
                profile.save()
        except IntegrityError:
            # Two first saves at once: the other one created the row; apply ours on top.
            profile = CompanyProfile.objects.select_for_update().get(owner=owner)
            for name, value in values.items():
                setattr(profile, name, value if value is not None else "")
            profile.save()
    return profile


def number_next(
    *, owner_id: int, series: str, pattern: str, on: date, taken: Callable[[str], bool] | None = None
) -> str:
    """Draw the next number of an owner's series, locking its counter row until the
    caller's transaction ends. Must run inside that transaction, so a rollback gives the
    number back. A number someone typed by hand that the pattern would produce again is
    stepped over (`taken`), so the series never collides with it."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("number_next must run inside the transaction that stores the number")
    period = counter_period(pattern, on)
    counter, _ = NumberCounter.objects.select_for_update().get_or_create(
        owner_id=owner_id, series=series, period=period
    )
    while True:
        counter.last_value += 1
        number = format_number(pattern, sequence=counter.last_value, on=on)
        if taken is None or not taken(number):
            break
    counter.save(update_fields=["last_value"])
    return number
