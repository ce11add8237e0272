"""One invoice: the detail page, its transitions and payments, the print view and the PDF."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.module_loading import import_string
from django.views.decorators.http import require_GET, require_POST

from accounts.authenticated import AuthenticatedHttpRequest
from core.errors import DomainError, InvalidInput, NotFound
from invoices import selectors, services
from invoices.actions import IssueCreditNote
from invoices.events import actor_name, event_text
from invoices.forms import CreditNoteForm, PaymentForm, RejectForm
from invoices.models import DELETABLE_STATES, Invoice
from invoices.money import format_money
from invoices.views.common import (
    CONFIRMATIONS,
    CONFIRMED_WORDS,
    DELETE_LABEL,
    TRANSITION_LABELS,
    confirmation,
    invoice_or_404,
)

DETAIL_TEMPLATE = "invoices/invoice_detail.html"
BLOCKS_TEMPLATE = "invoices/partials/detail_blocks.html"
CONFIRM_TEMPLATE = "invoices/invoice_confirm.html"


def _actions(invoice: Invoice, transitions: list[str]) -> list[dict[str, Any]]:
    """The buttons of the Actions card, in the order the state machine offers them; the
    destructive ones carry the confirmation they ask for. Deleting is offered in the
    states the delete service accepts (it still decides)."""
    names = [name for name in transitions if name in TRANSITION_LABELS]
    actions = [
        {
            "name": name,
            "label": TRANSITION_LABELS[name][0],
            "confirm": confirmation(invoice, name) if name in CONFIRMATIONS else None,
        }
        for name in names
    ]
    if invoice.status in DELETABLE_STATES:
        actions.append({"name": "delete", "label": DELETE_LABEL, "confirm": confirmation(invoice, "delete")})
    return actions


def detail_context(
    request: AuthenticatedHttpRequest,
    invoice: Invoice,
    *,
    reject_form: RejectForm | None = None,
    payment_form: PaymentForm | None = None,
    credit_form: CreditNoteForm | None = None,
    **section_forms: Any,
) -> dict[str, Any]:
    """What the invoice page and each of its blocks show; the full page and the live
    refresh of its blocks (`invoice_detail_blocks`) render from this one dictionary.
    `section_forms` go to the sections other apps add (`attachment_form` to the files
    app's attachments card), so their views can show a refused form in its place."""
    transitions = selectors.invoice_available_transitions(invoice=invoice, user=request.user)
    balance = invoice.outstanding
    return {
        "invoice": invoice,
        "balance_due": balance,
        "items": invoice.items.all(),
        "events": [
            {
                "event": event,
                "description": event_text(event, currency=invoice.currency),
                "actor_name": actor_name(event.actor) if event.actor is not None else "",
            }
            for event in selectors.invoice_event_list(invoice=invoice)
        ],
        "owner_name": actor_name(invoice.owner),
        "approver_name": actor_name(invoice.approved_by) if invoice.approved_by is not None else "",
        "payments": selectors.payment_list(invoice=invoice),
        "buttons": [(name, TRANSITION_LABELS[name][0]) for name in transitions if name in TRANSITION_LABELS],
        "actions": _actions(invoice, transitions),
        "can_reject": "reject" in transitions,
        "can_pay": "pay" in transitions,
        "reject_form": reject_form or RejectForm(),
        "payment_form": payment_form or PaymentForm(initial={"amount": balance}),
        "credit_notes": selectors.credit_note_list(user=request.user, invoice=invoice),
        "refund_owed": invoice.refund_owed,
        "can_credit": IssueCreditNote(invoice=invoice, actor=request.user).is_allowed(),
        "credit_form": credit_form or CreditNoteForm(),
        **_sections_context(request, invoice, section_forms),
    }


def _render_detail(
    request: AuthenticatedHttpRequest,
    invoice: Invoice,
    *,
    status: int = 200,
    **forms: Any,
) -> HttpResponse:
    return render(request, DETAIL_TEMPLATE, detail_context(request, invoice, **forms), status=status)


def _sections_context(
    request: AuthenticatedHttpRequest, invoice: Invoice, section_forms: dict[str, Any]
) -> dict[str, Any]:
    """The parts of this page that other apps own (`settings.INVOICE_PAGE_SECTIONS`: the
    files app's attachments). They are named in settings, not imported: those apps build
    on invoices, so an import from here would run the dependency back up."""
    context: dict[str, Any] = {}
    for path in settings.INVOICE_PAGE_SECTIONS:
        context.update(import_string(path)(request=request, invoice=invoice, **section_forms))
    return context


# The detail page with a form's errors, for the views of other apps that post to it.
render_invoice_detail = _render_detail


@login_required
@require_GET
def invoice_detail(request: AuthenticatedHttpRequest, invoice_id: int) -> HttpResponse:
    return _render_detail(request, invoice_or_404(request, invoice_id))


@login_required
@require_GET
def invoice_detail_blocks(request: AuthenticatedHttpRequest, invoice_id: int) -> HttpResponse:
    """Every block of the invoice page, marked for htmx out-of-band swaps: what the page
    fetches when its socket hears of a change, so the buttons, totals, payments, credit
    notes and history show what is true now without a reload."""
    invoice = invoice_or_404(request, invoice_id)
    return render(request, BLOCKS_TEMPLATE, {**detail_context(request, invoice), "oob": True})


def _render_confirm(
    request: AuthenticatedHttpRequest,
    invoice: Invoice,
    name: str,
    *,
    reject_form: RejectForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        CONFIRM_TEMPLATE,
        {"invoice": invoice, "confirm": confirmation(invoice, name), "reject_form": reject_form or RejectForm()},
        status=status,
    )


@login_required
@require_GET
def invoice_confirm(request: AuthenticatedHttpRequest, invoice_id: int, name: str) -> HttpResponse:
    """The question a destructive action asks, as a page: what a browser without
    JavaScript opens instead of the dialog. An action the invoice no longer offers goes
    back to the invoice with the reason, rather than asking about something impossible."""
    invoice = invoice_or_404(request, invoice_id)
    if name not in CONFIRMATIONS:
        raise Http404("No such action.")
    transitions = selectors.invoice_available_transitions(invoice=invoice, user=request.user)
    if name not in [action["name"] for action in _actions(invoice, transitions)]:
        state = invoice.get_status_display().lower()
        messages.error(
            request, f"Invoice {invoice.invoice_number} cannot be {CONFIRMED_WORDS[name]} now; it is {state}."
        )
        return redirect("invoices:detail", invoice_id=invoice.pk)
    return _render_confirm(request, invoice, name)


@login_required
@require_POST
def invoice_delete(request: AuthenticatedHttpRequest, invoice_id: int) -> HttpResponse:
    """Delete (softly) through the delete service, then back to the list with a message."""
    invoice = invoice_or_404(request, invoice_id)
    try:
        services.invoice_delete(invoice_id=invoice.pk, actor=request.user)
    except NotFound as exc:
        raise Http404(exc.detail) from exc
    except DomainError as exc:
        messages.error(request, exc.detail)
        return redirect("invoices:detail", invoice_id=invoice.pk)
    messages.success(request, f"Invoice {invoice.invoice_number} deleted.")
    return redirect("invoices:list")


@login_required
@require_POST
def invoice_transition(request: AuthenticatedHttpRequest, invoice_id: int, name: str) -> HttpResponse:
    """Run one transition through the service; its refusal becomes a message (or, for a
    rejection without a reason, an error under the reason field, keeping what was typed)."""
    invoice = invoice_or_404(request, invoice_id)
    if name not in TRANSITION_LABELS:
        raise Http404("No such action.")
    reject_form = RejectForm(request.POST if name == "reject" else None)
    reason = reject_form.cleaned_data["reason"] if reject_form.is_valid() else ""
    try:
        services.invoice_transition(invoice_id=invoice.pk, actor=request.user, transition=name, reason=reason)
    except NotFound as exc:
        raise Http404(exc.detail) from exc
    except InvalidInput as exc:
        if name == "reject" and exc.errors and "reason" in exc.errors:
            reject_form.add_service_errors(exc)
            return _render_confirm(request, invoice, "reject", reject_form=reject_form, status=400)
        messages.error(request, exc.detail)
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, f"Invoice {invoice.invoice_number} is {TRANSITION_LABELS[name][1]}.")
    return redirect("invoices:detail", invoice_id=invoice.pk)


@login_required
@require_POST
def payment_create(request: AuthenticatedHttpRequest, invoice_id: int) -> HttpResponse:
    invoice = invoice_or_404(request, invoice_id)
    form = PaymentForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, invoice, payment_form=form, status=400)
    data = form.cleaned_data
    try:
        # "Paid on" is a day; the service decides the moment it stands for (`payment_time`).
        payment = services.payment_record(
            invoice_id=invoice.pk,
            actor=request.user,
            amount=data["amount"],
            paid_at=data["paid_at"],
            method=data["method"],
            reference=data["reference"],
        )
    except NotFound as exc:
        raise Http404(exc.detail) from exc
    except InvalidInput as exc:
        form.add_service_errors(exc)
        return _render_detail(request, invoice, payment_form=form, status=400)
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(
            request,
            f"Payment of {format_money(payment.amount, invoice.currency)} recorded on {invoice.invoice_number}.",
        )
    return redirect("invoices:detail", invoice_id=invoice.pk)


@login_required
@require_GET
def invoice_print(request: AuthenticatedHttpRequest, invoice_id: int) -> HttpResponse:
    """The invoice document the PDF is printed from, inside a page with print and back
    links that the print stylesheet hides."""
    from invoices.pdf import invoice_document_context

    invoice = invoice_or_404(request, invoice_id)
    return render(request, "invoices/invoice_print.html", invoice_document_context(invoice))


@login_required
@require_GET
def invoice_pdf(request: AuthenticatedHttpRequest, invoice_id: int) -> HttpResponse:
    # Imported here: WeasyPrint is heavy, and only this view and the print view need it.
    from invoices.pdf import render_invoice_pdf

    invoice = invoice_or_404(request, invoice_id)
    response = HttpResponse(render_invoice_pdf(invoice), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{invoice.invoice_number}.pdf"
    )
    return response


@login_required
@require_POST
def credit_note_create(request: AuthenticatedHttpRequest, invoice_id: int) -> HttpResponse:
    """The invoice page's credit form: one line, through `credit_note_create`."""
    invoice = invoice_or_404(request, invoice_id)
    form = CreditNoteForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, invoice, credit_form=form, status=400)
    try:
        note = services.credit_note_create(invoice_id=invoice.pk, actor=request.user, **form.service_arguments())
    except NotFound as exc:
        raise Http404(exc.detail) from exc
    except InvalidInput as exc:
        form.add_service_errors(exc)
        return _render_detail(request, invoice, credit_form=form, status=400)
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(
            request,
            f"Credit note {note.number} of {format_money(note.total_amount, invoice.currency)} issued on "
            f"{invoice.invoice_number}.",
        )
    return redirect("invoices:detail", invoice_id=invoice.pk)


@login_required
@require_GET
def credit_note_pdf(request: AuthenticatedHttpRequest, credit_note_id: int) -> HttpResponse:
    from invoices.pdf import render_credit_note_pdf

    try:
        note = selectors.credit_note_get(user=request.user, credit_note_id=credit_note_id)
    except NotFound as exc:
        raise Http404(exc.detail) from exc
    response = HttpResponse(render_credit_note_pdf(note), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=f"{note.number}.pdf")
    return response
