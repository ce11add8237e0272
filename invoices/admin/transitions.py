"""Running invoice transitions from the back office: bulk actions and per-invoice buttons.

Nothing here decides who may do what. Each invoice goes through
`services.invoice_transition` (or `services.invoice_pay_in_full`) on its own, so the
state machine, the permission and four-eyes checks, the row lock, the audit event and
the live message are exactly those of the API: the buttons are the actions whose
`check()` passes (`invoices.actions.available_transitions`) and a refusal's words are
that same `check()`'s. This module only turns each outcome
into a message: "INV-...: approved." or "INV-...: You cannot approve your own invoice
(four-eyes rule)."
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse

from accounts.authenticated import acting_user
from core.errors import DomainError
from invoices import selectors, services
from invoices.admin.display import describe_error
from invoices.models import Invoice

if TYPE_CHECKING:
    from accounts.models import User

# Transitions a person can press a button for, in the order the buttons appear.
BUTTON_LABELS: dict[str, str] = {
    "submit": "Submit for approval",
    "approve": "Approve",
    "reject": "Reject…",
    "revise": "Return to draft",
    "send": "Send to customer",
    "pay": "Record full payment",
    "cancel": "Cancel invoice",
}
DONE: dict[str, str] = {
    "submit": "submitted for approval",
    "approve": "approved",
    "reject": "rejected",
    "revise": "returned to draft",
    "send": "sent to the customer",
    "pay": "paid in full",
    "cancel": "cancelled",
}
REASON_TEMPLATE = "admin/invoices/invoice/reject_reason.html"


class RejectReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text="The owner sees this reason on the invoice and can revise it and submit again.",
    )


def run_transition(*, invoice_id: int, actor: User | None, name: str, reason: str = "") -> None:
    if name == "pay":
        services.invoice_pay_in_full(invoice_id=invoice_id, actor=actor)
    else:
        services.invoice_transition(invoice_id=invoice_id, actor=actor, transition=name, reason=reason)


def run_for_each(request: HttpRequest, invoices: Iterable[tuple[int, str]], *, name: str, reason: str = "") -> int:
    """Run one transition per invoice, each in its own transaction, and report each
    outcome as a message. One refusal never stops the others. Returns the successes."""
    succeeded = 0
    for invoice_id, number in invoices:
        try:
            run_transition(invoice_id=invoice_id, actor=acting_user(request), name=name, reason=reason)
        except DomainError as error:
            messages.error(request, f"{number}: {describe_error(error)}")
        else:
            succeeded += 1
            messages.success(request, f"{number}: {DONE[name]}.")
    return succeeded


class InvoiceTransitionsMixin:
    """Actions ("Approve selected", "Reject selected", "Cancel selected") and the
    change page's transition buttons, for `InvoiceAdmin`."""

    actions = ["approve_selected", "reject_selected", "cancel_selected"]

    # --- bulk actions ---------------------------------------------------------------------

    def _run_action(self, request: HttpRequest, queryset: QuerySet[Invoice], name: str, reason: str = "") -> None:
        rows = list(queryset.order_by("pk").values_list("pk", "invoice_number"))
        run_for_each(request, rows, name=name, reason=reason)

    @admin.action(description="Approve selected invoices")
    def approve_selected(self, request: HttpRequest, queryset: QuerySet[Invoice]) -> None:
        self._run_action(request, queryset, "approve")

    @admin.action(description="Reject selected invoices (asks for a reason)")
    def reject_selected(self, request: HttpRequest, queryset: QuerySet[Invoice]) -> HttpResponse | None:
        form = RejectReasonForm(request.POST if request.POST.get("post") == "yes" else None)
        if form.is_bound and form.is_valid():
            self._run_action(request, queryset, "reject", reason=form.cleaned_data["reason"])
            return None
        invoices = list(queryset.order_by("pk"))
        return self._reason_page(request, invoices=invoices, form=form, from_action=True)

    @admin.action(description="Cancel selected invoices")
    def cancel_selected(self, request: HttpRequest, queryset: QuerySet[Invoice]) -> None:
        self._run_action(request, queryset, "cancel")

    def _reason_page(
        self, request: HttpRequest, *, invoices: list[Invoice], form: RejectReasonForm, from_action: bool
    ) -> TemplateResponse:
        opts = self.model._meta  # type: ignore[attr-defined]
        single = None if from_action else invoices[0]
        context = {
            **self.admin_site.each_context(request),  # type: ignore[attr-defined]
            "title": "Reject invoice" if single else "Reject invoices",
            "opts": opts,
            "invoices": invoices,
            "form": form,
            "from_action": from_action,
            "original": single,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "cancel_url": reverse("admin:invoices_invoice_change", args=[single.pk])
            if single
            else reverse("admin:invoices_invoice_changelist"),
        }
        return TemplateResponse(request, REASON_TEMPLATE, context)

    # --- per-invoice buttons ------------------------------------------------------------------

    def transition_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view(self.transition_view)  # type: ignore[attr-defined]
        return [path("<path:object_id>/transition/<slug:name>/", view, name="invoices_invoice_transition")]

    def transition_buttons(self, request: HttpRequest, invoice: Invoice) -> list[dict[str, str]]:
        """One button per transition this user may run now, as the selector says."""
        available = set(selectors.invoice_available_transitions(invoice=invoice, user=acting_user(request)))
        return [
            {
                "name": name,
                "label": label,
                "url": reverse("admin:invoices_invoice_transition", args=[invoice.pk, name]),
                "method": "get" if name == "reject" else "post",
            }
            for name, label in BUTTON_LABELS.items()
            if name in available
        ]

    def transition_view(self, request: HttpRequest, object_id: str, name: str) -> HttpResponse:
        """POST runs the transition and goes back to the invoice with a message; reject
        first shows the reason page (GET) and runs when the reason is posted."""
        if name not in BUTTON_LABELS:
            raise Http404("Unknown transition.")
        if not self.has_view_permission(request):  # type: ignore[attr-defined]
            raise PermissionDenied
        invoice = self.get_object(request, unquote(object_id))  # type: ignore[attr-defined]
        if invoice is None:
            raise Http404("No invoice matches the given id.")
        reason = ""
        if name == "reject":
            form = RejectReasonForm(request.POST if request.method == "POST" else None)
            if not form.is_bound or not form.is_valid():
                return self._reason_page(request, invoices=[invoice], form=form, from_action=False)
            reason = form.cleaned_data["reason"]
        elif request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        run_for_each(request, [(invoice.pk, invoice.invoice_number)], name=name, reason=reason)
        return HttpResponseRedirect(reverse("admin:invoices_invoice_change", args=[invoice.pk]))
