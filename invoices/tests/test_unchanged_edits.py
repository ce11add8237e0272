"""An edit that changes nothing writes nothing, whichever door sends it: no event, no new
version or ETag, no live message. The rule is `invoice_update`'s, so every door has it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from invoices import services
from invoices.models import Invoice, InvoiceEvent
from invoices.tests.api_support import client_for, invoice_url
from invoices.tests.factories import item, make_invoice
from invoices.tests.test_admin import form_data

pytestmark = pytest.mark.django_db


def _draft(owner: Any) -> Invoice:
    return make_invoice(
        owner=owner,
        notes="As agreed",
        items=[item(quantity="1.459", unit_price="0.0125", discount_percent="5"), item(tax_rate="19")],
    )


def _as_sent(invoice: Invoice) -> dict[str, Any]:
    """The invoice as a client read it, back in the shape it writes."""
    body = client_for(invoice.owner).get(invoice_url(invoice)).json()
    lines = [
        {name: line[name] for name in ("description", "quantity", "unit_price", "discount_percent", "tax_rate")}
        for line in body["items"]
    ]
    fields = ("customer_email", "customer_address", "currency", "issue_date", "due_date", "notes", "invoice_number")
    return {
        **{name: body[name] for name in fields},
        "customer_id": body["customer"]["id"],
        "items": lines,
        "total_amount": body["total_amount"],
    }


def _record(invoice: Invoice) -> tuple[int, str, list[str]]:
    invoice.refresh_from_db()
    kinds = list(InvoiceEvent.objects.filter(invoice=invoice).order_by("pk").values_list("kind", flat=True))
    return invoice.version, invoice.etag, kinds


@pytest.mark.parametrize("method", ["patch", "put"])
def test_sending_the_invoice_back_unchanged_through_the_api_writes_no_event_and_keeps_the_etag(
    owner: Any, method: str, django_capture_on_commit_callbacks: Any
) -> None:
    invoice = _draft(owner)
    before = _record(invoice)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = getattr(client_for(owner), method)(
            invoice_url(invoice), _as_sent(invoice), format="json", HTTP_IF_MATCH=invoice.etag
        )

    assert response.status_code == 200, response.json()
    assert response["ETag"] == before[1]
    assert _record(invoice) == before == (1, f'"{invoice.pk}-1"', ["created"])
    assert callbacks == []  # no live message


def test_a_real_change_in_the_same_body_still_writes_one_event_naming_it(owner: Any) -> None:
    invoice = _draft(owner)
    body = _as_sent(invoice)
    body["items"][1]["unit_price"] = "120.00"
    body.pop("total_amount")

    response = client_for(owner).patch(invoice_url(invoice), body, format="json")

    assert response.status_code == 200
    assert _record(invoice)[::2] == (2, ["created", "updated"])
    event = InvoiceEvent.objects.filter(invoice=invoice).latest("pk")
    assert event.data == {"changed": {"items": 2, "total_amount": "142.82"}}


def test_the_service_writes_nothing_for_the_same_lines_and_fields_given_in_other_spellings(owner: Any) -> None:
    invoice = _draft(owner)
    before = _record(invoice)
    lines = [
        {"description": "Consulting ", "quantity": "1.4590", "unit_price": "0.01250", "discount_percent": "5.0"},
        {"description": "Consulting", "quantity": "1", "unit_price": "100", "tax_rate": "19.000"},
    ]

    services.invoice_update(
        invoice_id=invoice.pk,
        actor=owner,
        data={"currency": invoice.currency.lower(), "notes": "As agreed"},
        items=lines,
    )

    assert _record(invoice) == before


def test_saving_the_admin_change_page_untouched_writes_nothing(owner: Any, admin_user: Any) -> None:
    invoice = _draft(owner)
    before = _record(invoice)
    client = Client()
    client.force_login(admin_user)
    url = reverse("admin:invoices_invoice_change", args=[invoice.pk])

    response = client.post(url, {**form_data(client.get(url)), "_save": "Save"})

    assert response.status_code == 302
    assert _record(invoice) == before
