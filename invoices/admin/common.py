"""What every model admin here shares: service refusals become messages, not 500s."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from core.errors import DomainError
from invoices.admin.display import describe_error


class ServiceErrorsAsMessagesMixin:
    """The change form saves through a service. Anything the form could not check
    beforehand and the service refuses rolls the whole save back (the admin wraps it in
    a transaction) and comes back to the same page with the reason as an error."""

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)  # type: ignore[misc]
        except DomainError as error:
            messages.error(request, f"Not saved: {describe_error(error)}")
            return HttpResponseRedirect(request.get_full_path())
