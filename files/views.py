"""Pages of the files app (SPEC section 9): the upload page, an invoice's attachments,
and the review form for a document the pipeline did not save by itself.

The upload page is a form; its script posts to the upload API with the session and
follows the batch's socket, so the page and an API client see the same steps.

Attachments are uploaded and removed through the same validation and services as the
API. The upload view installs `FileSizeLimitUploadHandler` before the body is read, so
an oversized file is refused (413) without being read whole; that is why CSRF is
checked inside the view (`csrf_protect`) rather than by the middleware, which would
parse the body first.
"""

from __future__ import annotations

import uuid
from typing import Any

from csp.constants import SELF
from csp.decorators import csp_replace
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.core.files.uploadhandler import MemoryFileUploadHandler, TemporaryFileUploadHandler
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csrf import csrf_exempt, csrf_protect, ensure_csrf_cookie
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.authenticated import AuthenticatedHttpRequest
from accounts.roles import may_see_owned_by
from core.errors import DomainError, InvalidInput, NotFound
from files import selectors, services
from files.forms import AttachmentForm
from files.models import ProcessingStatus, ProcessingTask
from files.services import MAX_FILES_PER_UPLOAD
from files.validation import FileSizeLimitUploadHandler, FileTooLarge, read_upload, validate_upload
from invoices.forms import ITEMS_PREFIX, InvoiceForm, LineItemFormSet
from invoices.models import Invoice
from invoices.views.common import customers_owned_by, invoice_or_404
from invoices.views.invoice_detail import render_invoice_detail


def invoice_attachments_section(
    *, request: HttpRequest, invoice: Invoice, attachment_form: AttachmentForm | None = None, **other_forms: Any
) -> dict[str, Any]:
    """The attachments card of the invoice page (`settings.INVOICE_PAGE_SECTIONS`).
    Files are attached by the invoice's owner; removed (by the owner or staff) in draft."""
    return {
        "attachments": selectors.invoice_attachment_list(invoice=invoice),
        "can_attach": invoice.owner_id == request.user.pk,
        "can_remove_attachments": invoice.is_editable and may_see_owned_by(request.user, invoice.owner_id),
        "attachment_form": attachment_form or AttachmentForm(),
    }


@login_required
@ensure_csrf_cookie
def upload_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "files/upload.html", {"max_files": MAX_FILES_PER_UPLOAD})


def _refused(request: AuthenticatedHttpRequest, invoice_id: int, *, message: str, status: int) -> HttpResponse:
    invoice = invoice_or_404(request, invoice_id)
    form = AttachmentForm(data={})
    form.is_valid()  # bound and cleaned, so the refusal can take the field's place
    form.errors["file"] = form.error_class([message])
    return render_invoice_detail(request, invoice, attachment_form=form, status=status)


@csrf_exempt
@login_required
@require_POST
def attachment_upload(request: AuthenticatedHttpRequest, invoice_id: int) -> HttpResponse:
    request.upload_handlers = [
        FileSizeLimitUploadHandler(request),
        MemoryFileUploadHandler(request),
        TemporaryFileUploadHandler(request),
    ]
    try:
        return _attachment_upload(request, invoice_id)
    except FileTooLarge as exc:
        # Raised while the body was read (inside the CSRF check): nothing was stored.
        return _refused(request, invoice_id, message=str(exc.detail), status=413)


@csrf_protect
def _attachment_upload(request: AuthenticatedHttpRequest, invoice_id: int) -> HttpResponse:
    invoice = invoice_or_404(request, invoice_id)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        return render_invoice_detail(request, invoice, attachment_form=form, status=400)
    upload = form.cleaned_data["file"]
    try:
        validated = validate_upload(content=read_upload(upload), name=upload.name)
        stored = services.stored_file_create(owner=request.user, upload=validated, invoice_id=invoice.pk)
    except InvalidInput as exc:
        messages_ = [str(text) for texts in (exc.errors or {}).values() for text in texts] or [exc.detail]
        form.add_error("file", messages_)
        return render_invoice_detail(request, invoice, attachment_form=form, status=exc.status_code)
    except DomainError as exc:
        form.add_error("file", exc.detail)
        return render_invoice_detail(request, invoice, attachment_form=form, status=exc.status_code)
    messages.success(request, f"{stored.original_name} is attached.")
    return redirect("invoices:detail", invoice_id=invoice.pk)


@login_required
@require_POST
def attachment_remove(request: AuthenticatedHttpRequest, invoice_id: int, file_id: uuid.UUID) -> HttpResponse:
    invoice = invoice_or_404(request, invoice_id)
    if not selectors.invoice_attachment_list(invoice=invoice).filter(pk=file_id).exists():
        raise Http404("This invoice has no such attachment.")
    try:
        services.stored_file_delete(file_id=file_id, actor=request.user)
    except NotFound as exc:
        raise Http404(exc.detail) from exc
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, "The attachment is removed.")
    return redirect("invoices:detail", invoice_id=invoice.pk)


# Types a browser shows itself, beside the review form; anything else is only downloaded.
FRAMED_TYPES = frozenset({"application/pdf"})
IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/webp"})


@login_required
@require_GET
@xframe_options_sameorigin
@csp_replace({"frame-ancestors": [SELF]})  # type: ignore[arg-type]  # django-csp types views as taking only the request
def file_preview(request: AuthenticatedHttpRequest, file_id: uuid.UUID) -> HttpResponseBase:
    """A PDF or image shown inline, for a frame or an image on this site's own pages only
    (`frame-ancestors 'self'`, `X-Frame-Options: SAMEORIGIN`, `nosniff`). The bytes go
    through the app on S3 too, so the frame stays same-origin. Other types (XML, TIFF)
    are 404 here: they are downloaded, never rendered."""
    try:
        stored = selectors.stored_file_get(user=request.user, file_id=file_id)
    except NotFound as exc:
        raise Http404(exc.detail) from exc
    if stored.content_type not in FRAMED_TYPES | IMAGE_TYPES:
        raise Http404("This file is not shown inline.")
    response = FileResponse(default_storage.open(stored.storage_key, "rb"), content_type=stored.content_type)
    disposition = content_disposition_header(False, stored.original_name)
    if disposition is not None:  # None for a file without a name: no header rather than "None"
        response["Content-Disposition"] = disposition
    response["Content-Length"] = str(stored.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _task_for_review(request: AuthenticatedHttpRequest, task_id: uuid.UUID) -> ProcessingTask:
    try:
        return selectors.processing_task_get(user=request.user, task_id=task_id, hide_others=True)
    except NotFound as exc:
        raise Http404(exc.detail) from exc


def _render_review(
    request: HttpRequest, task: ProcessingTask, *, form: InvoiceForm, formset: Any, status: int = 200
) -> HttpResponse:
    stored = task.file if task.file is not None and task.file.deleted_at is None else None
    document_kind = None
    if stored is not None:
        document_kind = (
            "frame"
            if stored.content_type in FRAMED_TYPES
            else "image"
            if stored.content_type in IMAGE_TYPES
            else "link"
        )
    context = {
        "form": form,
        "formset": formset,
        "invoice": None,
        "task": task,
        "document": stored,
        "document_kind": document_kind,
        "reason": (task.result or {}).get("message", ""),
    }
    return render(request, "files/review.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def review_page(request: AuthenticatedHttpRequest, task_id: uuid.UUID) -> HttpResponse:
    """The invoice form prefilled from a task that ended `needs_review`, with its document
    beside it. Saving goes through `services.review_invoice_save`; once the task has its
    invoice, the page leads there."""
    task = _task_for_review(request, task_id)
    if task.invoice_id is not None:
        messages.info(request, "This document is already saved as an invoice.")
        return redirect("invoices:detail", invoice_id=task.invoice_id)
    if task.status != ProcessingStatus.NEEDS_REVIEW:
        raise Http404("This document does not wait for review.")
    customers = customers_owned_by(request, request.user)
    if request.method != "POST":
        initial, rows = selectors.review_prefill((task.result or {}).get("structured_data"))
        form = InvoiceForm(customers=customers, initial=initial)
        formset = LineItemFormSet(prefix=ITEMS_PREFIX, initial=rows)
        return _render_review(request, task, form=form, formset=formset)

    form = InvoiceForm(request.POST, customers=customers)
    formset = LineItemFormSet(request.POST, prefix=ITEMS_PREFIX)
    if form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        try:
            invoice = services.review_invoice_save(
                task_id=task.pk,
                actor=request.user,
                fields={
                    "items": formset.items(),
                    **form.customer_arguments(),
                    "invoice_number": data["invoice_number"] or None,
                    "currency": data["currency"],
                    "issue_date": data["issue_date"],
                    "due_date": data["due_date"],
                    "notes": data["notes"],
                    "expected_total": data["expected_total"],
                },
            )
        except InvalidInput as exc:
            formset.add_service_errors(exc)
            form.add_service_errors(exc, exclude=("items",))
        except NotFound as exc:
            raise Http404(exc.detail) from exc
        except DomainError as exc:
            form.add_error(None, exc.detail)
        else:
            messages.success(request, f"Invoice {invoice.invoice_number} is saved as a draft.")
            return redirect("invoices:detail", invoice_id=invoice.pk)
    return _render_review(request, task, form=form, formset=formset, status=400)
