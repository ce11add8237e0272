"""One rule, four doors: the same bad input gets the same messages, at the same keys,
from the service, the API, the invoice page and the admin, and nothing is written.

Every door's answer is read back into the service's keying (`items[1].unit_price`):
the API's nested field errors, the page's fields and lines, the admin's form and inline.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts import services as account_services
from accounts.models import User
from core.errors import Conflict, InvalidInput
from invoices import services
from invoices.models import Invoice, InvoiceEvent, LineItem
from invoices.tests.api_support import client_for, invoice_url
from invoices.tests.factories import advance, item, make_invoice
from invoices.tests.pages_support import InvoiceFormData
from invoices.tests.test_admin import form_data

pytestmark = pytest.mark.django_db

NEGATIVE_PRICE = "Unit price cannot be negative."
NOT_POSITIVE = "Quantity must be greater than zero."
OUT_OF_RANGE = "Must be between 0 and 100."
DUE_BEFORE_ISSUE = "The due date cannot be before the issue date."
UNKNOWN_XYZ = "Unknown currency 'XYZ'; use an ISO 4217 code such as USD or EUR."
TOO_PRECISE = "Unit price may have at most 12 digits before and 4 after the decimal point."
REQUIRED = "This field is required."
EMAIL_SHAPED = 'A username may not contain "@"; it is reserved for logging in with an e-mail address.'

# (line overrides by line index, invoice field overrides, the errors every door must give)
CASES = {
    "negative unit price": ({1: {"unit_price": "-5"}}, {}, {"items[1].unit_price": [NEGATIVE_PRICE]}),
    "negative quantity": ({1: {"quantity": "-1"}}, {}, {"items[1].quantity": [NOT_POSITIVE]}),
    "discount over 100": ({1: {"discount_percent": "150"}}, {}, {"items[1].discount_percent": [OUT_OF_RANGE]}),
    "due before issue": ({}, {"due_date": "2000-01-01"}, {"due_date": [DUE_BEFORE_ISSUE]}),
    "unknown currency": ({}, {"currency": "XYZ"}, {"currency": [UNKNOWN_XYZ]}),
    "too many decimals": ({1: {"unit_price": "1.00001"}}, {}, {"items[1].unit_price": [TOO_PRECISE]}),
    "empty line": ({1: {"description": ""}}, {}, {"items[1].description": [REQUIRED]}),
    "all at once": (
        {0: {"unit_price": "-5"}, 1: {"quantity": "-1", "discount_percent": "150"}},
        {"due_date": "2000-01-01", "currency": "XYZ"},
        {
            "items[0].unit_price": [NEGATIVE_PRICE],
            "items[1].quantity": [NOT_POSITIVE],
            "items[1].discount_percent": [OUT_OF_RANGE],
            "due_date": [DUE_BEFORE_ISSUE],
            "currency": [UNKNOWN_XYZ],
        },
    ),
}


def _draft(owner: Any) -> Invoice:
    return make_invoice(owner=owner, items=[item(), item(description="Support", unit_price="19.99")])


def _lines(invoice: Invoice, overrides: dict[int, dict[str, str]]) -> list[dict[str, str]]:
    rows = [
        {
            "description": line.description,
            "quantity": str(line.quantity),
            "unit_price": str(line.unit_price),
            "discount_percent": str(line.discount_percent),
            "tax_rate": str(line.tax_rate),
        }
        for line in invoice.items.order_by("line_number")
    ]
    for index, changes in overrides.items():
        rows[index].update(changes)
    return rows


def _snapshot(invoice: Invoice) -> tuple[Any, ...]:
    invoice.refresh_from_db()
    lines = list(LineItem.objects.filter(invoice=invoice).order_by("pk").values_list("pk", "unit_price", "quantity"))
    events = InvoiceEvent.objects.filter(invoice=invoice).count()
    return invoice.version, invoice.currency, invoice.due_date, lines, events


def _flatten_api(errors: Any, prefix: str = "") -> dict[str, list[str]]:
    flat: dict[str, list[str]] = {}
    for key, value in errors.items():
        path = f"{prefix}[{key}]" if key.isdigit() else (f"{prefix}.{key}" if prefix else key)
        if isinstance(value, dict):
            flat.update(_flatten_api(value, path))
        else:
            flat[path] = value
    return flat


def _errors_of_forms(form: Any, line_forms: list[Any]) -> dict[str, list[str]]:
    flat = {name: list(messages) for name, messages in form.errors.items()}
    for index, line_form in enumerate(line_forms):
        flat.update({f"items[{index}].{name}": list(messages) for name, messages in line_form.errors.items()})
    return flat


# --- the four doors ---------------------------------------------------------------------------


def _typed(fields: dict[str, str]) -> dict[str, Any]:
    """Dates as every door hands them to the service: parsed (the numbers stay text)."""
    return {name: date.fromisoformat(value) if name.endswith("_date") else value for name, value in fields.items()}


def through_the_service(invoice: Invoice, lines: list[dict[str, str]], fields: dict[str, str]) -> dict:
    with pytest.raises(InvalidInput) as refused:
        services.invoice_update(invoice_id=invoice.pk, actor=invoice.owner, data=_typed(fields), items=lines)
    return refused.value.errors or {}


def through_the_api(invoice: Invoice, lines: list[dict[str, str]], fields: dict[str, str]) -> dict:
    response = client_for(invoice.owner).patch(invoice_url(invoice), {**fields, "items": lines}, format="json")
    assert response.status_code == 400
    return _flatten_api(response.json())


def through_the_page(invoice: Invoice, lines: list[dict[str, str]], fields: dict[str, str]) -> dict:
    client = Client()
    client.force_login(invoice.owner)
    data = InvoiceFormData.of(invoice)
    for index, row in enumerate(lines):
        data.update({f"items-{index}-{name}": value for name, value in row.items()})
    response = client.post(reverse("invoices:edit", args=[invoice.pk]), {**data, **fields})
    assert response.status_code == 400
    return _errors_of_forms(response.context["form"], response.context["formset"].forms)


def through_the_admin(invoice: Invoice, lines: list[dict[str, str]], fields: dict[str, str]) -> dict:
    client = Client()
    client.force_login(User.objects.get(username="root"))
    url = reverse("admin:invoices_invoice_change", args=[invoice.pk])
    data = form_data(client.get(url))
    for index, row in enumerate(lines):
        data.update({f"items-{index}-{name}": value for name, value in row.items()})
    response = client.post(url, {**data, **fields, "_save": "Save"})
    assert response.status_code == 200
    line_forms = list(response.context["inline_admin_formsets"][0].formset.forms)
    return _errors_of_forms(response.context["adminform"].form, line_forms[: len(lines)])


DOORS = [through_the_service, through_the_api, through_the_page, through_the_admin]


@pytest.fixture
def superuser() -> User:
    return User.objects.create_superuser(username="root", email="root@example.com", password="x-long-Passw0rd")


@pytest.mark.parametrize("door", DOORS, ids=lambda door: door.__name__)
@pytest.mark.parametrize("case", list(CASES))
def test_every_door_gives_the_services_messages_for_bad_input_and_writes_nothing(
    owner: Any, superuser: User, door: Any, case: str
) -> None:
    line_overrides, fields, expected = CASES[case]
    invoice = _draft(owner)
    lines = _lines(invoice, line_overrides)
    before = _snapshot(invoice)

    assert door(invoice, lines, fields) == expected
    assert _snapshot(invoice) == before


def test_creating_with_bad_input_gives_the_same_messages_from_the_service_the_api_and_the_page(owner: Any) -> None:
    lines = [
        {"description": "Design", "quantity": "1", "unit_price": "-5", "discount_percent": "0", "tax_rate": "0"},
        {"description": "", "quantity": "-1", "unit_price": "1.00001", "discount_percent": "150", "tax_rate": "0"},
    ]
    fields = {"customer_name": "Globex", "currency": "XYZ", "issue_date": "2030-01-10", "due_date": "2030-01-01"}
    expected = {
        "items[0].unit_price": [NEGATIVE_PRICE],
        "items[1].description": [REQUIRED],
        "items[1].quantity": [NOT_POSITIVE],
        "items[1].unit_price": [TOO_PRECISE],
        "items[1].discount_percent": [OUT_OF_RANGE],
        "currency": [UNKNOWN_XYZ],
        "due_date": [DUE_BEFORE_ISSUE],
    }
    with pytest.raises(InvalidInput) as refused:
        services.invoice_create(owner=owner, items=lines, **_typed(fields))
    api = client_for(owner).post("/api/v1/invoices/", {**fields, "items": lines}, format="json")
    client = Client()
    client.force_login(owner)
    page_data = {"customer": "", "customer_email": "", "customer_address": "", "notes": "", "invoice_number": ""}
    page_data.update({"items-TOTAL_FORMS": "2", "items-INITIAL_FORMS": "0", **fields})
    for index, row in enumerate(lines):
        page_data.update({f"items-{index}-{name}": value for name, value in row.items()})
    page = client.post(reverse("invoices:create"), page_data)

    assert refused.value.errors == expected
    assert api.status_code == 400 and _flatten_api(api.json()) == expected
    assert page.status_code == 400
    assert _errors_of_forms(page.context["form"], page.context["formset"].forms) == expected
    assert (Invoice.objects.count(), InvoiceEvent.objects.count(), LineItem.objects.count()) == (0, 0, 0)


def test_editing_a_sent_invoice_is_refused_in_the_same_words_by_every_door(
    owner: Any, approver: Any, superuser: User
) -> None:
    invoice = advance(_draft(owner), to="sent", approver=approver)
    before = _snapshot(invoice)
    words = "Only draft invoices can be edited; this one is sent."

    with pytest.raises(Conflict) as refused:
        services.invoice_update(invoice_id=invoice.pk, actor=owner, data={"notes": "late"})
    api = client_for(owner).patch(invoice_url(invoice), {"notes": "late"}, format="json")
    page_client = Client()
    page_client.force_login(owner)
    page = page_client.post(reverse("invoices:edit", args=[invoice.pk]), InvoiceFormData.of(invoice), follow=True)
    admin_client = Client()
    admin_client.force_login(superuser)
    admin_url = reverse("admin:invoices_invoice_change", args=[invoice.pk])
    admin_page = admin_client.get(admin_url)
    admin_post = admin_client.post(admin_url, {"notes": "late", "_save": "Save"})

    assert refused.value.detail == words
    assert (api.status_code, api.json()["detail"]) == (409, words)
    assert [str(message) for message in page.context["messages"]] == [words]
    assert 'name="_save"' not in admin_page.content.decode()  # read-only: transitions only
    assert admin_post.status_code == 403
    assert _snapshot(invoice) == before


def test_an_email_shaped_username_is_refused_in_the_same_words_by_every_door(superuser: User) -> None:
    password = "a-Long-enough-passw0rd"
    body = {"username": "x@y.example", "email": "x@y.example", "password": password, "full_name": "X"}

    with pytest.raises(InvalidInput) as refused:
        account_services.user_register(**body)
    api = Client().post("/api/v1/auth/register/", body, content_type="application/json")
    page = Client().post(reverse("accounts:register"), {**body, "password_confirm": password})
    admin_client = Client()
    admin_client.force_login(superuser)
    admin = admin_client.post(
        reverse("admin:accounts_user_add"),
        {"username": body["username"], "email": body["email"], "usable_password": "true"}
        | {"password1": password, "password2": password},
    )

    assert refused.value.errors == {"username": [EMAIL_SHAPED]}
    assert (api.status_code, api.json()) == (400, {"username": [EMAIL_SHAPED]})
    assert page.status_code in (200, 400)  # the sign-up page re-renders; its status is the page's own
    assert page.context["form"].errors == {"username": [EMAIL_SHAPED]}
    assert admin.status_code == 200
    assert admin.context["adminform"].form.errors == {"username": [EMAIL_SHAPED]}
    assert list(User.objects.values_list("username", flat=True)) == ["root"]
