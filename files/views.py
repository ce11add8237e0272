"""The upload page (SPEC section 9): documents in, live per-file progress out.

The page itself is a form; its script posts to the upload API with the session and
follows the batch's socket, so the page and an API client see the same steps."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import ensure_csrf_cookie

from files.services import MAX_FILES_PER_UPLOAD


@login_required
@ensure_csrf_cookie
def upload_page(request: HttpRequest) -> HttpResponse:
    return render(request, "files/upload.html", {"max_files": MAX_FILES_PER_UPLOAD})
