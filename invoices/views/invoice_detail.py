"""One invoice: the detail page, its transitions and payments, the print view and the PDF."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.module_loading import import_string
from django.views.decorators.http import require_GET, require_POST

from accounts.authenticated import AuthenticatedHttpRequest
from core.errors import DomainError, InvalidInput, NotFound
from invoices import selectors, services
from invoices.actions import IssueCreditNote
from invoices.events import event_text
from invoices.forms import CreditNoteForm, PaymentForm, RejectForm
from invoices.models import Invoice
from invoices.money import format_money
from invoices.views.common import TRANSITION_LABELS, invoice_or_404


def _render_detail(
    request: AuthenticatedHttpRequest,
    invoice: Invoice,
    *,
    reject_form: RejectForm | None = None,
    payment_form: PaymentForm | None = None,
    credit_form: CreditNoteForm | None = None,
    status: int = 200,
    **section_forms: Any,
) -> HttpResponse:
    """`section_forms` go to the sections other apps add (`attachment_form` to the files
    app's attachments card), so their views can show a refused form in its place."""
    transitions = selectors.invoice_available_transitions(invoice=invoice, user=request.user)
    balance = invoice.outstanding
    return render(
        request,
        "invoices/invoice_detail.html",
        {
            "invoice": invoice,
            "balance_due": balance,
            "items": invoice.items.all(),
            "events": [
                {"event": event, "description": event_text(event, currency=invoice.currency)}
                for event in selectors.invoice_event_list(invoice=invoice)
            ],
            "payments": selectors.payment_list(invoice=invoice),
            "buttons": [(name, TRANSITION_LABELS[name][0]) for name in transitions if name in TRANSITION_LABELS],
            "can_reject": "reject" in transitions,
            "can_pay": "pay" in transitions,
            "reject_form": reject_form or RejectForm(),
            "payment_form": payment_form or PaymentForm(initial={"amount": balance}),
            "credit_notes": selectors.credit_note_list(user=request.user, invoice=invoice),
            "refund_owed": invoice.refund_owed,
            "can_credit": IssueCreditNote(invoice=invoice, actor=request.user).is_allowed(),
            "credit_form": credit_form or CreditNoteForm(),
            **_sections_context(request, invoice, section_forms),
        },
        status=status,
    )


def _sections_context(request: HttpRequest, invoice: Invoice, section_forms: dict[str, Any]) -> dict[str, Any]:
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
            return _render_detail(request, invoice, reject_form=reject_form, status=400)
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
