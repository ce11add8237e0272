"""What every model admin here shares: the service decides, and its refusals show up
at the fields they name (or as a message), never as a 500 or a model's own wording."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django import forms
from django.contrib import messages
from django.forms.models import construct_instance
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from core.errors import DomainError, InvalidInput
from invoices.admin.display import describe_error

# Where a refused save leaves the service's error for the second rendering of the page.
SERVICE_ERROR_ATTRIBUTE = "_service_error"
_LINE_KEY = re.compile(r"^(?P<prefix>\w+)\[(?P<index>\d+)\](?:\.(?P<field>\w+))?$")


def _messages(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [text for inner in value.values() for text in _messages(inner)]
    if isinstance(value, list | tuple):
        return [text for inner in value for text in _messages(inner)]
    return [str(value)]


def service_error_of(request: HttpRequest) -> InvalidInput | None:
    return getattr(request, SERVICE_ERROR_ATTRIBUTE, None)


class ServiceModelForm(forms.ModelForm):
    """A model form that parses its fields and leaves every rule to the service it saves
    through: no model field validators, no constraint checks (the constraints stay in the
    database as the last line of defence, with readable messages). After a refused save
    it carries the service's error and puts each message on the field it names."""

    service_error: InvalidInput | None = None
    #: service keys that belong to another part of the page (the inline lines)
    foreign_service_keys: tuple[str, ...] = ()

    def _post_clean(self) -> None:
        opts = self._meta
        try:
            self.instance = construct_instance(self, self.instance, opts.fields, opts.exclude)
        except forms.ValidationError as error:
            self._update_errors(error)  # type: ignore[attr-defined]  # Django's private BaseModelForm hook

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        if self.service_error is not None:
            add_service_errors(self, self.service_error, skip=self.foreign_service_keys)
        return cleaned


def add_service_errors(form: forms.BaseForm, error: InvalidInput, *, skip: Iterable[str] = ()) -> None:
    skipped = tuple(skip)
    for key, value in (error.errors or {}).items():
        if key == "expected_total_amount" or any(key == name or key.startswith(f"{name}[") for name in skipped):
            continue
        form.add_error(key if key in form.fields else None, _messages(value))


def add_line_errors(forms_in_order: list[forms.BaseForm], error: InvalidInput, *, prefix: str) -> list[str]:
    """Put `prefix[i].field` errors on the i-th form; return the messages that name no line."""
    unplaced: list[str] = []
    for key, value in (error.errors or {}).items():
        match = _LINE_KEY.match(key)
        if key == prefix:
            unplaced.extend(_messages(value))
        elif match and match["prefix"] == prefix and int(match["index"]) < len(forms_in_order):
            form = forms_in_order[int(match["index"])]
            field = match["field"]
            form.add_error(field if field in form.fields else None, _messages(value))
    return unplaced


class ServiceErrorsAsMessagesMixin:
    """The change form saves through a service, inside the admin's transaction.

    When the service refuses the input (`InvalidInput` naming fields), the save is rolled
    back and the page is built again from the same POST, with the service's messages at
    the fields (and inline lines) they name, so nothing the user typed is lost. Any other
    refusal comes back as an error message above the form."""

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)  # type: ignore[misc]
        except InvalidInput as error:
            if request.method != "POST" or not error.errors or service_error_of(request) is not None:
                messages.error(request, f"Not saved: {describe_error(error)}")
                return HttpResponseRedirect(request.get_full_path())
            setattr(request, SERVICE_ERROR_ATTRIBUTE, error)
            return super().changeform_view(request, object_id, form_url, extra_context)  # type: ignore[misc]
        except DomainError as error:
            messages.error(request, f"Not saved: {describe_error(error)}")
            return HttpResponseRedirect(request.get_full_path())

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form_class = super().get_form(request, obj, change, **kwargs)  # type: ignore[misc]
        error = service_error_of(request)
        if error is None or not issubclass(form_class, ServiceModelForm):
            return form_class
        return type(form_class.__name__, (form_class,), {"service_error": error})
