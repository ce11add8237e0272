"""What every invoice action shares: the refusal, the one write transaction, the row lock
and the audit trail.

An action (Wagtail's `wagtail/actions/` are the model) is built for one invoice and one
actor. `check()` is the only place that decides whether the actor may run it now, and
with which words it is refused: the pages' buttons, the API's `available_transitions`,
the 403/409 text and the admin's per-invoice report all come from it. `execute()` opens
the one transaction, locks the row, calls `check()` again on the locked row (the state
may have moved since the buttons were drawn), writes, records one event and queues the
domain event for after the commit.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from django.db import transaction

from accounts.roles import may_see_owned_by
from core.errors import Conflict, Forbidden, NotFound
from invoices.models import Invoice, InvoiceEvent

if TYPE_CHECKING:
    from accounts.models import User

Result = TypeVar("Result")


class _OneWriteAdmission:
    """Set by `transaction_for_one_write`: admits the next write service into the caller's
    transaction, once."""

    def __init__(self) -> None:
        self.open = True


_ADMISSION: contextvars.ContextVar[_OneWriteAdmission | None] = contextvars.ContextVar(
    "invoices_one_write_admission", default=None
)


@contextmanager
def write_transaction() -> Iterator[None]:
    """The transaction of one write service: durable (Zulip's `@transaction.atomic(durable=True)`
    on every `do_*` action), so calling a locking service from inside another service, or
    from any open transaction, is a `RuntimeError` rather than a second lock and a second 409.

    The single exception is `transaction_for_one_write`, for a caller that must commit one
    write together with a row of its own (the API's idempotency record).
    """
    admission = _ADMISSION.get()
    if admission is not None and admission.open:
        admission.open = False  # a second service, or one nested in this one, fails again
        with transaction.atomic():
            yield
        return
    with transaction.atomic(durable=True):
        yield


@contextmanager
def transaction_for_one_write() -> Iterator[None]:
    """A durable transaction that the next write service joins instead of opening its own:
    the idempotency record and the payment it answers for commit together, or neither.
    Only one service may run inside; a second one, or one nested in it, is a `RuntimeError`."""
    with transaction.atomic(durable=True):
        token = _ADMISSION.set(_OneWriteAdmission())
        try:
            yield
        finally:
            _ADMISSION.reset(token)


@dataclass(frozen=True)
class Refusal:
    """Why an action may not run: a 403 (who you are) or a 409 (the invoice's state)."""

    status_code: int
    message: str

    @classmethod
    def forbidden(cls, message: str) -> Refusal:
        return cls(Forbidden.status_code, message)

    @classmethod
    def conflict(cls, message: str) -> Refusal:
        return cls(Conflict.status_code, message)


def lock_visible_invoice(*, invoice_id: Any, actor: User | None) -> Invoice:
    """Lock the live invoice row for this transaction. An invoice the actor may not see is
    404, not 403, so ids leak nothing. `actor=None` is the system (the overdue sweep)."""
    try:
        invoice = Invoice.objects.select_for_update().alive().get(pk=invoice_id)
    except (Invoice.DoesNotExist, ValueError, TypeError):
        raise NotFound("No invoice matches the given id.") from None
    if actor is not None and not may_see_owned_by(actor, invoice.owner_id):
        raise NotFound("No invoice matches the given id.")
    return invoice


def record_event(
    invoice: Invoice,
    *,
    actor: User | None,
    kind: str,
    transition: str = "",
    from_status: str = "",
    to_status: str = "",
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> InvoiceEvent:
    """Append one line to the audit trail."""
    return InvoiceEvent.objects.create(
        invoice=invoice,
        owner_id=invoice.owner_id,
        actor=actor if actor is not None and getattr(actor, "pk", None) else None,
        kind=kind,
        transition=transition,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        data=data or {},
    )


def bump_version(invoice: Invoice) -> None:
    """Every write moves the version the API's ETag and If-Match are built on."""
    invoice.version = (invoice.version or 0) + 1


class InvoiceAction(Generic[Result]):
    """One thing a person (or the system) does to one invoice.

    Subclasses give `name`, `refusal()` (state, permission, four-eyes, conditions),
    optionally `validate_input()` (the request's own values, checked before any lock) and
    `check_locked()` (rules that weigh the input against the locked row, such as a payment
    above the balance), and `apply()`, the write.
    """

    name: ClassVar[str]

    def __init__(self, *, actor: User | None, invoice: Invoice | None = None, invoice_id: Any = None) -> None:
        if invoice is None and invoice_id is None:
            raise TypeError("An action needs an invoice or an invoice_id.")
        self.actor = actor
        self.invoice = invoice
        self.invoice_id = invoice.pk if invoice is not None else invoice_id

    # --- "may I?" -----------------------------------------------------------------------

    def refusal(self) -> Refusal | None:
        """Why this actor may not run the action on the invoice as it is now, or None."""
        raise NotImplementedError

    def is_allowed(self) -> bool:
        return self.refusal() is None

    def check(self) -> None:
        """Raise the refusal: `Forbidden` (403) or `Conflict` (409, with the state and the
        actions this actor may run instead)."""
        refusal = self.refusal()
        if refusal is None:
            return
        if refusal.status_code == Forbidden.status_code:
            raise Forbidden(refusal.message)
        raise self.conflict(refusal.message)

    def conflict(self, message: str) -> Conflict:
        from invoices.actions.registry import available_transitions

        invoice = self._invoice()
        return Conflict(
            message,
            status=invoice.status,
            available_transitions=available_transitions(invoice=invoice, user=self.actor),
        )

    # --- "do it" ------------------------------------------------------------------------

    def validate_input(self) -> None:
        """Refuse malformed input (400) before anything is locked."""

    def check_locked(self) -> None:
        """Rules that weigh the input against the locked invoice (400)."""

    def apply(self) -> Result:
        """The write, on the locked invoice, after every check has passed."""
        raise NotImplementedError

    def execute(self) -> Result:
        """Validate, open the one write transaction, lock the row, check again and write."""
        self.validate_input()
        with write_transaction():
            self.invoice = lock_visible_invoice(invoice_id=self.invoice_id, actor=self.actor)
            return self.execute_locked()

    def execute_locked(self) -> Result:
        """The locking body: for a caller already holding the row lock in its write
        transaction (the overdue sweep, a transition chosen by target status)."""
        self.check()
        self.check_locked()
        return self.apply()

    def _invoice(self) -> Invoice:
        if self.invoice is None:
            raise RuntimeError(f"{type(self).__name__} has no invoice loaded yet.")
        return self.invoice
