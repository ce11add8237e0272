"""Credit notes: taking back part or all of a sent, overdue or paid invoice.

A thin wrapper over `invoices.actions.IssueCreditNote`, which holds the rules (who may,
in which states, how much) and the locking body.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from invoices.actions import CREDITABLE_STATES, IssueCreditNote
from invoices.actions.credit_notes import MAX_REASON_LENGTH
from invoices.models import CreditNote

if TYPE_CHECKING:
    from accounts.models import User

__all__ = ["CREDITABLE_STATES", "MAX_REASON_LENGTH", "credit_note_create"]


def credit_note_create(
    *, invoice_id: int, actor: User | None, reason: str, items: Iterable[Mapping[str, Any]]
) -> CreditNote:
    """Issue a credit note on the invoice; its lines are computed like invoice lines."""
    return IssueCreditNote(invoice_id=invoice_id, actor=actor, reason=reason, items=items).execute()
