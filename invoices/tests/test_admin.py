"""The back office pages: the invoice changelist, the change form, and the read-only
admins of payments and the audit trail. Transitions are in test_admin_transitions.py."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import make_user
from invoices import services
from invoices.admin.display import STATUS_COLORS
from invoices.models import Customer, EventKind, Invoice, InvoiceEvent
from invoices.tests.factories import advance, item, make_invoice

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:invoices_invoice_changelist")


class _FormFields(HTMLParser):
    """What a browser would submit from one <form>: inputs, checked boxes, textareas
    and selected options."""

    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.data: dict[str, str] = {}
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        if tag == "form":
            self.inside = attributes.get("id") == self.form_id
        if not self.inside or "name" not in attributes:
            if tag == "option" and self.inside and self._select and "selected" in attributes:
                self.data[self._select] = attributes.get("value", "")
            return
        name = attributes["name"]
        if tag == "input":
            kind = attributes.get("type", "text")
            if kind in {"submit", "button", "file"} or (kind in {"checkbox", "radio"} and "checked" not in attributes):
                return
            self.data[name] = attributes.get("value", "on" if kind == "checkbox" else "")
        elif tag == "textarea":
            self._textarea = name
            self.data[name] = ""
        elif tag == "select":
            self._select = name
            self.data.setdefault(name, "")

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.data[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            if self._textarea:
                self.data[self._textarea] = self.data[self._textarea].removeprefix("\n")
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self.inside = False


def form_data(response: Any, form_id: str = "invoice_form") -> dict[str, str]:
    parser = _FormFields(form_id)
    parser.feed(response.content.decode())
    return parser.data


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def messages_of(response: Any) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def change_url(invoice: Invoice) -> str:
    return reverse("admin:invoices_invoice_change", args=[invoice.pk])


def updated_events(invoice: Invoice) -> list[InvoiceEvent]:
    return list(InvoiceEvent.objects.filter(invoice=invoice, kind=EventKind.UPDATED))


# --- the changelist ---------------------------------------------------------------------------


def test_changelist_shows_colored_statuses_and_amounts_with_currency(
    admin_user: Any, owner: Any, approver: Any
) -> None:
    draft = make_invoice(owner=owner, currency="EUR", items=[item(quantity="2", unit_price="617.25")])
    approved = advance(make_invoice(owner=owner), to="approved", approver=approver)
    paid = advance(make_invoice(owner=owner), to="paid", approver=approver)

    page = login(admin_user).get(CHANGELIST).content.decode()

    for invoice in (draft, approved, paid):
        assert invoice.invoice_number in page
        background, color = STATUS_COLORS[invoice.status]
        assert f"background:{background};color:{color};" in page
    assert "1,234.50 EUR" in page
    assert "Paid</span>" in page and "Approved</span>" in page


def test_changelist_queries_do_not_grow_with_the_number_of_invoices(
    admin_user: Any, owner: Any, other_user: Any, django_assert_max_num_queries: Any
) -> None:
    client = login(admin_user)
    make_invoice(owner=owner)
    client.get(CHANGELIST)  # warm up: sessions, content types
    with CaptureQueriesContext(connection) as few:
        assert client.get(CHANGELIST).status_code == 200

    for number in range(30):
        make_invoice(owner=owner if number % 2 else other_user, customer_name=f"Customer {number % 5}")
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        response = client.get(CHANGELIST)

    assert response.status_code == 200
    assert response.content.decode().count('class="invoice-status ') == 31
    assert len(many.captured_queries) <= 12, [query["sql"] for query in many.captured_queries]


def test_soft_deleted_invoices_are_hidden_unless_the_filter_asks_for_them(admin_user: Any, owner: Any) -> None:
    kept, deleted = make_invoice(owner=owner), make_invoice(owner=owner)
    services.invoice_delete(invoice_id=deleted.pk, actor=owner)
    client = login(admin_user)

    default = client.get(CHANGELIST).content.decode()
    only_deleted = client.get(CHANGELIST, {"deleted": "yes"}).content.decode()
    everything = client.get(CHANGELIST, {"deleted": "all"}).content.decode()

    assert kept.invoice_number in default and deleted.invoice_number not in default
    assert deleted.invoice_number in only_deleted and kept.invoice_number not in only_deleted
    assert kept.invoice_number in everything and deleted.invoice_number in everything


def test_search_and_filters_narrow_the_list(admin_user: Any, owner: Any, approver: Any) -> None:
    acme = make_invoice(owner=owner, customer_name="Acme Ltd", notes="rush order")
    globex = services.invoice_create(
        owner=owner, customer_name="Globex", customer_email="ap@globex.example", items=[item()]
    )
    long_ago = timezone.localdate() - timedelta(days=60)
    late = advance(
        make_invoice(owner=owner, customer_name="Initech", issue_date=long_ago, due_date=long_ago + timedelta(days=10)),
        to="sent",
        approver=approver,
    )
    client = login(admin_user)

    def listed(**query: str) -> set[str]:
        page = client.get(CHANGELIST, query).content.decode()
        return {invoice.invoice_number for invoice in (acme, globex, late) if invoice.invoice_number in page}

    assert listed(q="globex.example") == {globex.invoice_number}
    assert listed(q="rush") == {acme.invoice_number}
    assert listed(q=late.invoice_number) == {late.invoice_number}
    assert listed(status__exact="sent") == {late.invoice_number}
    assert listed(payment_due="past_due") == {late.invoice_number}
    assert listed(payment_due="soon") == set()
    assert listed(currency="USD") == {acme.invoice_number, globex.invoice_number, late.invoice_number}


def test_approvers_can_work_from_the_changelist_without_model_permissions(approver: Any, owner: Any) -> None:
    invoice = make_invoice(owner=owner)
    client = login(approver)

    response = client.get(CHANGELIST)

    assert response.status_code == 200 and invoice.invoice_number in response.content.decode()
    assert client.get(change_url(invoice)).status_code == 200
    assert client.post(change_url(invoice), {"notes": "sneaky"}).status_code == 403


def test_invoices_are_not_added_or_deleted_in_the_back_office(admin_user: Any, owner: Any) -> None:
    invoice = make_invoice(owner=owner)
    client = login(admin_user)

    assert client.get(reverse("admin:invoices_invoice_add")).status_code == 403
    assert client.post(reverse("admin:invoices_invoice_delete", args=[invoice.pk])).status_code == 403
    page = client.get(CHANGELIST).content.decode()
    assert "created by their owners on the site or through the API" in page
    assert 'value="delete_selected"' not in page
    assert Invoice.objects.filter(pk=invoice.pk).exists()


# --- the change form ------------------------------------------------------------------------------


def test_editing_a_draft_goes_through_the_service_as_one_update(admin_user: Any, owner: Any) -> None:
    invoice = make_invoice(owner=owner, items=[item("Consulting", quantity="1", unit_price="100.00")])
    client = login(admin_user)
    data = form_data(client.get(change_url(invoice)))
    data.update({"notes": "Net 15", "items-0-quantity": "3", "items-0-tax_rate": "10", "_save": "Save"})

    response = client.post(change_url(invoice), data)

    assert response.status_code == 302, response.context["errors"] if response.context else response
    invoice.refresh_from_db()
    assert invoice.notes == "Net 15"
    assert (invoice.subtotal, invoice.tax_amount, invoice.total_amount) == (
        Decimal("300.00"),
        Decimal("30.00"),
        Decimal("330.00"),
    )
    assert invoice.version == 2
    [event] = updated_events(invoice)
    assert event.actor == admin_user
    assert event.data["changed"]["notes"] == "Net 15"
    assert event.data["changed"]["total_amount"] == "330.00"


def test_lines_can_be_added_and_removed_on_a_draft(admin_user: Any, owner: Any) -> None:
    invoice = make_invoice(owner=owner, items=[item("Old line", unit_price="50.00")])
    client = login(admin_user)
    data = form_data(client.get(change_url(invoice)))
    data.update(
        {
            "items-0-DELETE": "on",
            "items-1-description": "New line",
            "items-1-quantity": "2",
            "items-1-unit_price": "75.00",
            "items-1-discount_percent": "0",
            "items-1-tax_rate": "0",
            "_save": "Save",
        }
    )

    response = client.post(change_url(invoice), data)

    assert response.status_code == 302
    invoice.refresh_from_db()
    assert list(invoice.items.values_list("line_number", "description", "line_total")) == [
        (1, "New line", Decimal("150.00"))
    ]
    assert invoice.total_amount == Decimal("150.00")
    assert len(updated_events(invoice)) == 1


def test_saving_without_changes_writes_no_event(admin_user: Any, owner: Any) -> None:
    invoice = make_invoice(owner=owner)
    client = login(admin_user)
    data = form_data(client.get(change_url(invoice)))

    response = client.post(change_url(invoice), {**data, "_save": "Save"})

    assert response.status_code == 302
    assert updated_events(invoice) == []


def test_an_edit_the_service_refuses_is_shown_at_the_field_keeping_the_input_and_rolled_back(
    admin_user: Any, owner: Any
) -> None:
    taken = make_invoice(owner=owner, invoice_number="ACME-001")
    invoice = make_invoice(owner=owner, invoice_number="ACME-002")
    client = login(admin_user)
    data = form_data(client.get(change_url(invoice)))
    data.update({"invoice_number": taken.invoice_number, "notes": "changed too", "_save": "Save"})

    response = client.post(change_url(invoice), data)

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors == {"invoice_number": ["You already have an invoice with this number."]}
    assert form["notes"].value() == "changed too"
    invoice.refresh_from_db()
    assert (invoice.invoice_number, invoice.notes, invoice.version) == ("ACME-002", "", 1)
    assert updated_events(invoice) == []


def test_an_invoice_past_draft_is_read_only(admin_user: Any, owner: Any, approver: Any) -> None:
    invoice = advance(make_invoice(owner=owner), to="pending_approval", approver=approver)
    client = login(admin_user)

    page = client.get(change_url(invoice))

    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert 'name="items-0-quantity"' not in page.content.decode()
    assert client.post(change_url(invoice), {"notes": "late edit", "_save": "Save"}).status_code == 403
    assert updated_events(invoice) == []


def test_change_page_shows_lines_payments_and_the_audit_trail(admin_user: Any, owner: Any, approver: Any) -> None:
    invoice = advance(make_invoice(owner=owner, items=[item("Workshop day")]), to="paid", approver=approver)

    response = login(admin_user).get(change_url(invoice))

    page = response.content.decode()
    assert "Workshop day" in page
    assert [formset.formset.prefix for formset in response.context["inline_admin_formsets"]] == [
        "items",
        "payments",
        "credit_notes",
        "events",
    ]
    events = response.context["inline_admin_formsets"][3].formset.queryset
    assert [event.transition or event.kind for event in events] == [
        "created",
        "submit",
        "approve",
        "send",
        "payment",
        "pay",
    ]
    assert 'name="events-0-DELETE"' not in page and 'name="payments-0-amount"' not in page


# --- customers, payments and events ------------------------------------------------------------


def test_customers_are_added_and_renamed_through_the_services(admin_user: Any, owner: Any) -> None:
    make_invoice(owner=owner, customer_name="Acme Ltd")
    client = login(admin_user)

    added = client.post(
        reverse("admin:invoices_customer_add"),
        {"owner": owner.pk, "name": "  Globex  ", "email": "ap@globex.example", "_save": "Save"},
    )

    assert added.status_code == 302
    globex = Customer.objects.get(owner=owner, name="Globex")
    assert globex.email == "ap@globex.example"
    edit_url = reverse("admin:invoices_customer_change", args=[globex.pk])
    data = form_data(client.get(edit_url), form_id="customer_form")
    refused = client.post(edit_url, {**data, "name": "acme ltd", "_save": "Save"})
    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors == {"name": ["You already have a customer with this name."]}
    globex.refresh_from_db()
    assert globex.name == "Globex"


def test_customer_delete_action_is_a_soft_delete(admin_user: Any, owner: Any) -> None:
    invoice = make_invoice(owner=owner, customer_name="Acme Ltd")
    client = login(admin_user)

    response = client.post(
        reverse("admin:invoices_customer_changelist"),
        {"action": "soft_delete_selected", "_selected_action": [invoice.customer_id]},
    )

    assert messages_of(response) == ["Deleted 1 customer."]
    customer = Customer.objects.get(pk=invoice.customer_id)
    assert customer.deleted_at is not None
    assert "Acme Ltd" not in client.get(reverse("admin:invoices_customer_changelist")).content.decode()


def test_payments_and_events_are_browsable_but_never_edited(admin_user: Any, owner: Any, approver: Any) -> None:
    invoice = advance(make_invoice(owner=owner, currency="EUR"), to="paid", approver=approver)
    event = InvoiceEvent.objects.filter(invoice=invoice).first()
    payment = invoice.payments.get()
    client = login(admin_user)

    payments_page = client.get(reverse("admin:invoices_payment_changelist")).content.decode()
    events_page = client.get(reverse("admin:invoices_invoiceevent_changelist")).content.decode()

    assert "100.00 EUR" in payments_page
    assert invoice.invoice_number in events_page
    for name, obj in (("payment", payment), ("invoiceevent", event)):
        assert client.get(reverse(f"admin:invoices_{name}_add")).status_code == 403
        change = client.get(reverse(f"admin:invoices_{name}_change", args=[obj.pk]))
        assert change.status_code == 200 and 'name="_save"' not in change.content.decode()
        assert client.post(reverse(f"admin:invoices_{name}_change", args=[obj.pk]), {}).status_code == 403
        assert client.post(reverse(f"admin:invoices_{name}_delete", args=[obj.pk]), {"post": "yes"}).status_code == 403
    assert InvoiceEvent.objects.filter(pk=event.pk).exists()


def test_staff_without_permissions_see_none_of_it(staff_without_permission: Any, owner: Any) -> None:
    make_invoice(owner=owner)
    client = login(staff_without_permission)

    for name in ("invoice", "customer", "payment", "invoiceevent"):
        assert client.get(reverse(f"admin:invoices_{name}_changelist")).status_code == 403


def test_owner_filter_lists_only_that_owners_invoices(admin_user: Any) -> None:
    owners = [make_user(username=f"owner{number}") for number in range(3)]
    invoices = [make_invoice(owner=person) for person in owners]

    page = login(admin_user).get(CHANGELIST, {"owner__id__exact": owners[1].pk}).content.decode()

    assert invoices[1].invoice_number in page
    assert invoices[0].invoice_number not in page and invoices[2].invoice_number not in page
