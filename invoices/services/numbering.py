"""Which number an invoice or credit note gets, and when.

Random numbering (the default) gives `INV-YYYYMM-XXXXXX` at creation, as before.
Sequential numbering (the owner's `CompanyProfile.numbering`) gives the number at
approval, the moment an invoice becomes final: `companies.services.number_next` locks the
owner's counter row inside the approval's transaction, so concurrent approvals queue on
it, and a rolled-back approval gives its number back. Drafts cancelled before approval
never take one, so the series has no gaps.

Until then a sequential-numbering invoice carries a placeholder, `DRAFT-` and twelve
random characters: unique per owner like any number (the same unique constraint), and
marked `number_is_provisional` so approval knows to replace it. A number the user types
is kept as it is, and the series steps over it if the pattern would produce it again.

Credit notes are final when issued, so they are numbered at once from their own series
(`credit_note_pattern`), whatever the invoice numbering is.
"""

from __future__ import annotations

import secrets
import string
from datetime import date

from companies.models import CompanyProfile, Numbering, NumberSeries
from companies.selectors import company_profile_get
from companies.services import number_next
from core.errors import Conflict
from invoices.models import CreditNote, Invoice

NUMBER_ALPHABET = string.ascii_uppercase + string.digits
PROVISIONAL_PREFIX = "DRAFT-"


def _random_unique(*, owner_id: int, prefix: str, length: int) -> str:
    for _ in range(10):
        candidate = prefix + "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(length))
        if not Invoice.objects.filter(owner_id=owner_id, invoice_number=candidate).exists():
            return candidate
    raise Conflict("Could not allocate a unique invoice number; please retry.")


def random_invoice_number(*, owner_id: int, on: date) -> str:
    return _random_unique(owner_id=owner_id, prefix=f"INV-{on:%Y%m}-", length=6)


def invoice_number_at_creation(*, owner_id: int, on: date, profile: CompanyProfile | None = None) -> tuple[str, bool]:
    """The number a new invoice without a given number starts with, and whether it is
    provisional (sequential numbering: the real one comes at approval)."""
    profile = profile or company_profile_get(owner=owner_id)
    if profile.numbering == Numbering.SEQUENTIAL:
        return _random_unique(owner_id=owner_id, prefix=PROVISIONAL_PREFIX, length=12), True
    return random_invoice_number(owner_id=owner_id, on=on), False


def assign_final_number(invoice: Invoice) -> None:
    """Replace a provisional number with the next one of the owner's series. The caller
    holds the invoice's row lock and the approval's transaction (the counter is locked
    after the invoice, always in that order)."""
    if not invoice.number_is_provisional:
        return
    profile = company_profile_get(owner=invoice.owner_id)
    if profile.numbering == Numbering.SEQUENTIAL:
        invoice.invoice_number = number_next(
            owner_id=invoice.owner_id,
            series=NumberSeries.INVOICE,
            pattern=profile.number_pattern,
            on=invoice.issue_date,
            taken=lambda number: Invoice.objects.filter(owner_id=invoice.owner_id, invoice_number=number).exists(),
        )
    else:  # the owner switched back to random numbering while this one waited
        invoice.invoice_number = random_invoice_number(owner_id=invoice.owner_id, on=invoice.issue_date)
    invoice.number_is_provisional = False


def credit_note_number(*, owner_id: int, on: date) -> str:
    profile = company_profile_get(owner=owner_id)

    def taken(number: str) -> bool:
        return CreditNote.objects.filter(owner_id=owner_id, number=number).exists()

    return number_next(
        owner_id=owner_id, series=NumberSeries.CREDIT_NOTE, pattern=profile.credit_note_pattern, on=on, taken=taken
    )


__all__ = [
    "PROVISIONAL_PREFIX",
    "assign_final_number",
    "credit_note_number",
    "invoice_number_at_creation",
    "random_invoice_number",
]
