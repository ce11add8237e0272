"""Pages of the files app (SPEC section 9): the upload page, an invoice's attachments.

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

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadhandler import MemoryFileUploadHandler, TemporaryFileUploadHandler
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect, ensure_csrf_cookie
from django.views.decorators.http import require_POST

from billing.errors import DomainError, InvalidInput, NotFound
from files import selectors, services
from files.forms import AttachmentForm
from files.services import MAX_FILES_PER_UPLOAD
from files.validation import FileSizeLimitUploadHandler, FileTooLarge, read_upload, validate_upload
from invoices.views.common import invoice_or_404
from invoices.views.invoice_detail import render_invoice_detail


@login_required
@ensure_csrf_cookie
def upload_page(request: HttpRequest) -> HttpResponse:
    return render(request, "files/upload.html", {"max_files": MAX_FILES_PER_UPLOAD})


def _refused(request: HttpRequest, invoice_id: int, *, message: str, status: int) -> HttpResponse:
    invoice = invoice_or_404(request, invoice_id)
    form = AttachmentForm(data={}, files={})
    form.is_valid()  # bound and cleaned, so the refusal can take the field's place
    form.errors["file"] = form.error_class([message])
    return render_invoice_detail(request, invoice, attachment_form=form, status=status)


@csrf_exempt
@login_required
@require_POST
def attachment_upload(request: HttpRequest, invoice_id: int) -> HttpResponse:
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
def _attachment_upload(request: HttpRequest, invoice_id: int) -> HttpResponse:
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
def attachment_remove(request: HttpRequest, invoice_id: int, file_id: uuid.UUID) -> HttpResponse:
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
