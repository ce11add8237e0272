"""The state machine's actions: submit, approve, reject, revise, send, cancel, pay (the
last payment or credit runs it) and mark overdue (the sweep runs it).

Which states a transition leaves, its conditions and who holds its permission are on the
model (`Invoice.submit` and the others, django-fsm-2). These classes turn them into the
one refusal every door shows, and run the change with its event and live message.
"""

from __future__ import annotations

from typing import Any, ClassVar

from core.errors import InvalidInput
from invoices import events
from invoices.actions.base import InvoiceAction, Refusal, bump_version, record_event
from invoices.models import EventKind, Invoice


def transition_meta(name: str) -> Any:
    """django-fsm's description of a transition method of `Invoice`."""
    return getattr(Invoice, name)._django_fsm


class TransitionAction(InvoiceAction[Invoice]):
    """One transition of `Invoice.status`.

    Refused, in this order: a state the transition does not leave (409), an actor without
    its permission (403; the four-eyes rule says so in its own words), conditions that do
    not hold (409). `system` transitions have no person whose permission to check.
    """

    system: ClassVar[bool] = False
    # The 409 when the model's conditions do not hold.
    conditions_message: ClassVar[str] = ""

    def __init__(self, *, reason: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.reason = (reason or "").strip()

    @property
    def verb(self) -> str:
        return self.name.replace("_", " ")

    def refusal(self) -> Refusal | None:
        invoice = self._invoice()
        if invoice.deleted_at is not None:
            return Refusal.conflict(f"Cannot {self.verb} a deleted invoice.")
        meta = transition_meta(self.name)
        state = invoice.status
        if not meta.has_transition(state):
            return Refusal.conflict(f"Cannot {self.verb} an invoice that is {state}.")
        if not self.system and not meta.has_transition_perm(invoice, state, self.actor):
            return Refusal.forbidden(self.forbidden_message())
        if self.checks_conditions() and not meta.conditions_met(invoice, state):
            return Refusal.conflict(
                self.conditions_message or f"The invoice does not meet the conditions to {self.verb}."
            )
        return None

    def checks_conditions(self) -> bool:
        return True

    def forbidden_message(self) -> str:
        return f"You are not allowed to {self.verb} this invoice."

    def change(self, invoice: Invoice) -> None:
        """Run the model's transition (fields only)."""
        getattr(invoice, self.name)(by=self.actor)

    def after_change(self, invoice: Invoice) -> None:
        """More writes of this transition, once the fields have changed (before the save)."""

    def apply(self) -> Invoice:
        invoice = self._invoice()
        from_status = invoice.status
        self.change(invoice)
        self.after_change(invoice)
        bump_version(invoice)
        invoice.save()
        event = record_event(
            invoice,
            actor=self.actor,
            kind=EventKind.TRANSITION,
            transition=self.name,
            from_status=from_status,
            to_status=invoice.status,
            reason=self.reason,
        )
        events.emit_on_commit(events.build_message(events.INVOICE_STATUS_CHANGED, invoice=invoice, event=event))
        return invoice


class SubmitInvoice(TransitionAction):
    name = "submit"
    conditions_message = "An invoice needs at least one item and a total above zero to be submitted."


class _DecisionAction(TransitionAction):
    """Approve and reject: approvers only, and never on their own invoice (four-eyes)."""

    def forbidden_message(self) -> str:
        invoice = self._invoice()
        if self.actor is not None and invoice.owner_id == self.actor.pk:
            return f"You cannot {self.verb} your own invoice (four-eyes rule)."
        return super().forbidden_message()


class ApproveInvoice(_DecisionAction):
    """With sequential numbering the invoice gets its final number here."""

    name = "approve"

    def after_change(self, invoice: Invoice) -> None:
        from invoices.services.numbering import assign_final_number

        assign_final_number(invoice)


class RejectInvoice(_DecisionAction):
    name = "reject"

    def validate_input(self) -> None:
        if not self.reason:
            raise InvalidInput(errors={"reason": ["A reason is required to reject an invoice."]})

    def change(self, invoice: Invoice) -> None:
        invoice.reject(by=self.actor, reason=self.reason)


class ReviseInvoice(TransitionAction):
    name = "revise"


class SendInvoice(TransitionAction):
    """The customer gets the PDF by e-mail: the status change's event has the outbox row
    written in this transaction by a subscriber (`invoices.notifications`)."""

    name = "send"


class CancelInvoice(TransitionAction):
    name = "cancel"


class MarkInvoicePaid(TransitionAction):
    """Run by the payment or credit that brings the balance to zero, never on its own: a
    person "pays" by recording payments (`invoices.actions.payments`)."""

    name = "pay"

    def checks_conditions(self) -> bool:
        return False


class MarkInvoiceOverdue(TransitionAction):
    """The sweep's transition; its condition judges "past due" by the sweep's date."""

    name = "mark_overdue"
    system = True
