"""Error pages in the site's design; API paths get JSON instead."""

from __future__ import annotations

import sys

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from core.unavailable import DEPENDENCY_ERRORS, unavailable_response, wants_json


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Malformed requests Django itself refuses (too many fields, a body over
    DATA_UPLOAD_MAX_MEMORY_SIZE, a bad Host): JSON on the API like every other error."""
    if wants_json(request):
        return JsonResponse({"detail": "Bad request."}, status=400)
    return render(request, "errors/400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if wants_json(request):
        return JsonResponse({"detail": "You do not have permission to perform this action."}, status=403)
    return render(request, "errors/403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if wants_json(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return render(request, "errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # Django calls this inside its `except`, so the error being handled is at hand: an
    # outage of the database or Redis (raised in middleware too) is a 503, not a 500.
    error = sys.exc_info()[1]
    if isinstance(error, DEPENDENCY_ERRORS):
        return unavailable_response(request, error)
    if wants_json(request):
        return JsonResponse({"detail": "Internal server error."}, status=500)
    return render(request, "errors/500.html", status=500)
