"""The invoice pages: the home redirect, the list, and the create and edit forms."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from invoices import services
from invoices.models import EventKind, Invoice, InvoiceEvent, InvoiceStatus
from invoices.tests.factories import item, make_invoice
from invoices.tests.pages_support import InvoiceFormData, client_for, line_data, messages_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_client(client: Client, owner) -> Client:
    client.force_login(owner)
    return client


def invoice_post(**overrides: str) -> dict[str, str]:
    rows = [
        {"description": "Design", "quantity": "2", "unit_price": "150.00", "discount_percent": "0", "tax_rate": "20"},
        {"description": "Hosting", "quantity": "1", "unit_price": "19.99", "discount_percent": "10", "tax_rate": "0"},
        {"description": "", "quantity": "1", "unit_price": "", "discount_percent": "0", "tax_rate": "0"},
    ]
    data = {
        "customer": "",
        "customer_name": "Globex",
        "customer_email": "ap@globex.example",
        "customer_address": "1 Main St",
        "invoice_number": "",
        "currency": "EUR",
        "issue_date": "2025-03-01",
        "due_date": "2025-03-31",
        "notes": "Thanks",
        "expected_total": "",
        **line_data(rows),
    }
    data.update(overrides)
    return data


# --- home and sign-in ----------------------------------------------------------------------


def test_home_sends_visitors_to_the_login_page_and_people_signed_in_to_the_dashboard(client, owner):
    assertRedirects(client.get("/"), "/accounts/login/", fetch_redirect_response=False)
    client.force_login(owner)
    assertRedirects(client.get("/"), "/dashboard/", fetch_redirect_response=False)


@pytest.mark.parametrize(
    "url",
    [
        "/invoices/",
        "/invoices/new/",
        "/invoices/search/?number=X",
        "/invoices/1/",
        "/invoices/1/edit/",
        "/invoices/1/print/",
        "/invoices/1/pdf/",
        "/customers/",
        "/customers/new/",
        "/customers/1/",
    ],
)
def test_every_page_asks_visitors_to_log_in_first(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


# --- the list ------------------------------------------------------------------------------


def test_the_list_shows_only_the_users_invoices_with_badges_totals_and_the_live_script(owner_client, owner, other_user):
    mine = make_invoice(owner=owner, items=[item(unit_price="1234.50")])
    theirs = make_invoice(owner=other_user, customer_name="Hidden Corp")

    response = owner_client.get("/invoices/")

    assert response.status_code == 200
    assertContains(response, mine.invoice_number)
    assertNotContains(response, theirs.invoice_number)
    assertNotContains(response, "Hidden Corp")
    assertContains(response, '<span class="badge badge--draft" data-live-field="status">Draft</span>', html=True)
    assertContains(response, "1,234.50")
    assertContains(response, 'data-live-socket="/ws/invoices/"')
    assertContains(response, "/static/js/live.js")


def test_staff_see_everyones_invoices_in_the_list(owner, approver):
    invoice = make_invoice(owner=owner)

    assertContains(client_for(approver).get("/invoices/"), invoice.invoice_number)


def test_the_list_filters_sorts_and_pages_through_the_query_string(owner_client, owner):
    small = make_invoice(owner=owner, customer_name="Alpha", items=[item(unit_price="10.00")])
    large = make_invoice(owner=owner, customer_name="Beta", items=[item(unit_price="900.00")])
    submitted = make_invoice(owner=owner, customer_name="Gamma", items=[item(unit_price="50.00")])
    services.invoice_submit(invoice_id=submitted.pk, actor=owner)

    by_status = owner_client.get("/invoices/?status=pending_approval")
    assert list(by_status.context["invoices"]) == [submitted]
    by_amount = owner_client.get("/invoices/?min_amount=20&ordering=-total_amount")
    assert list(by_amount.context["invoices"]) == [large, submitted]
    by_name = owner_client.get("/invoices/?customer_name=alp")
    assert list(by_name.context["invoices"]) == [small]
    paged = owner_client.get("/invoices/?ordering=total_amount&page_size=2&page=2")
    assert list(paged.context["invoices"]) == [large]
    assertContains(paged, "Page 2 of 2")
    assertContains(paged, 'href="?ordering=total_amount&amp;page_size=2&amp;page=1"')
    sorted_by_total = owner_client.get("/invoices/?ordering=total_amount")
    assertContains(sorted_by_total, '<th scope="col" class="num" aria-sort="ascending">', count=1)


def test_the_list_totals_add_up_the_filtered_invoices_per_currency(owner_client, owner):
    make_invoice(owner=owner, items=[item(unit_price="1000.00")], currency="EUR")
    make_invoice(owner=owner, items=[item(unit_price="234.56")], currency="EUR")
    make_invoice(owner=owner, items=[item(unit_price="5.00")], currency="USD")

    response = owner_client.get("/invoices/")

    totals = {row["currency"]: (row["count"], row["total"]) for row in response.context["totals"]}
    assert totals == {"EUR": (2, Decimal("1234.56")), "USD": (1, Decimal("5.00"))}
    assertContains(response, "1,234.56 EUR")


def test_the_list_balance_due_counts_only_what_is_owed_like_the_dashboards_outstanding(owner_client, owner, approver):
    from invoices.tests.factories import advance

    make_invoice(owner=owner, items=[item(unit_price="1000.00")], currency="EUR")  # draft: not owed yet
    advance(
        make_invoice(owner=owner, items=[item(unit_price="500.00")], currency="EUR"),
        to="pending_approval",
        approver=approver,
    )
    sent = advance(
        make_invoice(owner=owner, items=[item(unit_price="300.10")], currency="EUR"), to="sent", approver=approver
    )
    services.payment_record(invoice_id=sent.pk, actor=owner, amount="100.00")
    advance(make_invoice(owner=owner, items=[item(unit_price="42.00")], currency="EUR"), to="paid", approver=approver)

    response = owner_client.get("/invoices/")

    (row,) = response.context["totals"]
    assert (row["count"], row["total"], row["balance"]) == (4, Decimal("1842.10"), Decimal("200.10"))
    assertContains(response, "balance due <strong>200.10 EUR</strong>")


def test_the_list_totals_are_exact_for_amounts_a_binary_float_cannot_hold(owner_client, owner):
    amounts = ["0.10", "0.20", "999999999.99", "0.07", "123456789.01"]
    for amount in amounts:
        make_invoice(owner=owner, items=[item(unit_price=amount)], currency="EUR")

    (row,) = owner_client.get("/invoices/").context["totals"]

    assert row["total"] == sum(Decimal(amount) for amount in amounts)


def test_an_invalid_filter_is_shown_next_to_its_field_and_lists_nothing(owner_client, owner):
    make_invoice(owner=owner)

    response = owner_client.get("/invoices/?status=lost&min_amount=lots&ordering=colour")

    assert response.status_code == 400
    assert list(response.context["invoices"]) == []
    form = response.context["filter_form"]
    assert form.errors["status"] == [
        "Unknown status lost; valid values: "
        "draft, pending_approval, approved, rejected, sent, overdue, paid, cancelled."
    ]
    assert form.errors["min_amount"] == ["Enter a number, such as 100 or 99.50."]
    assert "Cannot order by colour" in form.errors["ordering"][0]
    assertContains(response, 'value="lots"', status_code=400)
    assertContains(response, "Some filters are not valid", status_code=400)


def test_filtering_by_another_users_customer_is_an_error_not_their_invoices(owner_client, owner, other_user):
    theirs = make_invoice(owner=other_user, customer_name="Umbrella")

    response = owner_client.get("/invoices/", {"customer": theirs.customer_id})

    assert response.status_code == 400
    assert list(response.context["invoices"]) == []
    assert "customer" in response.context["filter_form"].errors
    assertNotContains(response, theirs.invoice_number, status_code=400)


def test_the_list_runs_the_same_number_of_queries_for_three_or_thirty_invoices(
    owner_client, owner, django_assert_num_queries, django_assert_max_num_queries
):
    for _ in range(3):
        make_invoice(owner=owner)
    # the session, the user, the count, the page of rows and the per-currency totals
    with django_assert_max_num_queries(6) as few:
        first = owner_client.get("/invoices/")
    for _ in range(27):
        make_invoice(owner=owner)
    with django_assert_num_queries(len(few.captured_queries)):
        second = owner_client.get("/invoices/?page_size=30")

    assert (first.status_code, second.status_code) == (200, 200)
    assert (len(first.context["invoices"]), len(second.context["invoices"])) == (3, 30)


# --- create -----------------------------------------------------------------------------


def test_the_new_invoice_page_has_labelled_fields_an_item_table_and_its_script(owner_client, owner, other_user):
    services.customer_create(owner=owner, name="Initech")
    services.customer_create(owner=other_user, name="Not Yours")

    response = owner_client.get("/invoices/new/")

    assert response.status_code == 200
    assertContains(response, '<label for="id_customer">Customer:</label>', html=True)
    assertContains(response, '<label for="id_customer_name">New customer&#x27;s name:</label>', html=True)
    assertContains(response, '<label class="cell-label" for="id_items-0-description" data-line-label>', count=1)
    assertContains(response, 'name="items-TOTAL_FORMS" value="1"')
    assertContains(response, "data-item-row-template")
    assertContains(response, "/static/js/invoice-form.js")
    assertContains(response, 'name="csrfmiddlewaretoken"')
    assertContains(response, ">Initech</option>")
    assertNotContains(response, "Not Yours")
    assertNotContains(response, "https://")


def test_creating_an_invoice_with_two_lines_and_a_typed_customer(owner_client, owner):
    response = owner_client.post("/invoices/new/", invoice_post(expected_total="377.99"))

    invoice = Invoice.objects.get(owner=owner)
    assertRedirects(response, f"/invoices/{invoice.pk}/", fetch_redirect_response=False)
    assert invoice.status == InvoiceStatus.DRAFT
    assert [(line.description, line.line_total) for line in invoice.items.all()] == [
        ("Design", Decimal("300.00")),
        ("Hosting", Decimal("17.99")),
    ]
    assert (invoice.subtotal, invoice.tax_amount, invoice.total_amount) == (
        Decimal("317.99"),
        Decimal("60.00"),
        Decimal("377.99"),
    )
    assert invoice.customer.name == "Globex"
    assert invoice.customer_email == "ap@globex.example"
    assert invoice.currency == "EUR"
    assert messages_of(owner_client.get(response["Location"])) == [
        f"Invoice {invoice.invoice_number} is saved as a draft."
    ]


def test_creating_an_invoice_for_one_of_the_users_customers(owner_client, owner):
    customer = services.customer_create(owner=owner, name="Initech", email="ap@initech.example")

    data = invoice_post(customer=str(customer.pk), customer_name="", customer_email="", customer_address="")
    owner_client.post("/invoices/new/", data)

    invoice = Invoice.objects.get(owner=owner)
    assert invoice.customer == customer
    assert invoice.customer_email == "ap@initech.example"


def test_errors_are_shown_on_the_line_and_field_that_caused_them_and_the_form_keeps_what_was_typed(owner_client, owner):
    rows = [
        {"description": "Design", "quantity": "0", "unit_price": "150.00", "discount_percent": "0", "tax_rate": "20"},
        {"description": "Typed text", "quantity": "1", "unit_price": "1.00001", "discount_percent": "0"},
    ]
    response = owner_client.post("/invoices/new/", {**invoice_post(notes="keep me"), **line_data(rows)})

    assert response.status_code == 400
    assert not Invoice.objects.exists()
    forms = response.context["formset"].forms
    assert forms[0].errors == {"quantity": ["Quantity must be greater than zero."]}
    assert forms[1].errors == {
        "unit_price": ["Unit price may have at most 12 digits before and 4 after the decimal point."]
    }
    assertContains(response, 'value="Typed text"', status_code=400)
    assertContains(response, 'value="1.00001"', status_code=400)
    assertContains(response, "keep me", status_code=400)
    assertContains(response, 'value="Globex"', status_code=400)


def test_form_errors_are_shown_next_to_each_invoice_field_at_once(owner_client):
    response = owner_client.post("/invoices/new/", invoice_post(customer_name="", due_date="2025-02-01"))

    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors == {
        "due_date": ["The due date cannot be before the issue date."],
        "customer_name": ["Give customer_id or customer_name."],
    }
    assertContains(response, "The due date cannot be before the issue date.", status_code=400)


def test_a_missing_customer_is_reported_on_the_customer_name_field(owner_client):
    response = owner_client.post("/invoices/new/", invoice_post(customer_name=""))

    assert response.context["form"].errors == {"customer_name": ["Give customer_id or customer_name."]}


def test_a_total_that_differs_from_the_servers_is_refused_with_the_expected_one(owner_client):
    response = owner_client.post("/invoices/new/", invoice_post(expected_total="377.98"))

    assert response.status_code == 400
    assert not Invoice.objects.exists()
    assert response.context["form"].non_field_errors() == [
        "The total does not match the items: expected 377.99 EUR, got 377.98 EUR."
    ]


def test_another_users_customer_cannot_be_chosen(owner_client, other_user):
    theirs = services.customer_create(owner=other_user, name="Theirs")

    response = owner_client.post("/invoices/new/", invoice_post(customer=str(theirs.pk)))

    assert response.status_code == 400
    assert "customer" in response.context["form"].errors
    assert not Invoice.objects.exists()


# --- edit ---------------------------------------------------------------------------------


def test_the_edit_page_shows_the_invoice_and_its_lines(owner_client, owner):
    invoice = make_invoice(owner=owner, items=[item("Audit", quantity="2.5", unit_price="80.00", tax_rate="7.5")])

    response = owner_client.get(f"/invoices/{invoice.pk}/edit/")

    assert response.status_code == 200
    assertContains(response, 'value="Audit"')
    assertContains(response, 'name="items-0-quantity" value="2.5"')
    assertContains(response, 'name="items-0-tax_rate" value="7.5"')
    assertContains(response, f'name="etag" value="&quot;{invoice.pk}-{invoice.version}&quot;"')


def test_editing_a_draft_changes_its_lines_and_fields_and_records_only_what_changed(owner_client, owner):
    invoice = make_invoice(owner=owner, items=[item("Audit", unit_price="80.00")], currency="EUR")
    rows = [
        {"description": "Audit", "quantity": "1", "unit_price": "80.00", "discount_percent": "0", "tax_rate": "0"},
        {"description": "Report", "quantity": "3", "unit_price": "10.00", "discount_percent": "0", "tax_rate": "0"},
    ]
    data = {
        **InvoiceFormData.of(invoice),
        "notes": "Second version",
        **line_data(rows),
    }

    response = owner_client.post(f"/invoices/{invoice.pk}/edit/", data)

    assertRedirects(response, f"/invoices/{invoice.pk}/", fetch_redirect_response=False)
    invoice.refresh_from_db()
    assert invoice.total_amount == Decimal("110.00")
    assert invoice.notes == "Second version"
    event = InvoiceEvent.objects.filter(invoice=invoice, kind=EventKind.UPDATED).get()
    assert event.data["changed"] == {"notes": "Second version", "items": 2, "total_amount": "110.00"}


def test_saving_an_edit_with_untouched_lines_does_not_rewrite_them(owner_client, owner):
    invoice = make_invoice(owner=owner, items=[item("Audit", quantity="2.5", unit_price="80.00")])
    line_ids = list(invoice.items.values_list("pk", flat=True))
    rows = [{"description": "Audit", "quantity": "2.5", "unit_price": "80", "discount_percent": "0", "tax_rate": "0"}]

    owner_client.post(f"/invoices/{invoice.pk}/edit/", {**InvoiceFormData.of(invoice), "notes": "n", **line_data(rows)})

    assert list(invoice.items.values_list("pk", flat=True)) == line_ids
    event = InvoiceEvent.objects.get(invoice=invoice, kind=EventKind.UPDATED)
    assert event.data["changed"] == {"notes": "n"}


def test_switching_an_edit_to_a_new_customer_without_a_name_is_an_error_on_the_name(owner_client, owner):
    invoice = make_invoice(owner=owner)

    response = owner_client.post(f"/invoices/{invoice.pk}/edit/", {**InvoiceFormData.of(invoice), "customer": ""})

    assert response.status_code == 400
    assert response.context["form"].errors == {"customer_name": ["Give customer_id or customer_name."]}


def test_moving_a_draft_to_a_new_customer_typed_on_the_edit_page(owner_client, owner):
    invoice = make_invoice(owner=owner, customer_name="Acme Ltd")
    data = {**InvoiceFormData.of(invoice), "customer": "", "customer_name": "Globex", "customer_email": ""}

    owner_client.post(f"/invoices/{invoice.pk}/edit/", data)

    invoice.refresh_from_db()
    assert (invoice.customer.name, invoice.customer_name) == ("Globex", "Globex")


def test_an_edit_made_from_a_stale_page_is_refused_and_keeps_what_was_typed(owner_client, owner):
    invoice = make_invoice(owner=owner)
    stale = InvoiceFormData.of(invoice)
    services.invoice_update(invoice_id=invoice.pk, actor=owner, data={"notes": "someone else"})

    response = owner_client.post(f"/invoices/{invoice.pk}/edit/", {**stale, "notes": "mine"})

    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == ["The invoice has changed since you read it (ETag mismatch)."]
    assertContains(response, "mine", status_code=400)
    invoice.refresh_from_db()
    assert invoice.notes == "someone else"


def test_an_invoice_that_left_draft_cannot_be_edited(owner_client, owner):
    invoice = make_invoice(owner=owner)
    services.invoice_submit(invoice_id=invoice.pk, actor=owner)

    response = owner_client.get(f"/invoices/{invoice.pk}/edit/", follow=True)

    assertRedirects(response, f"/invoices/{invoice.pk}/")
    assert messages_of(response) == ["Only draft invoices can be edited; this one is pending approval."]
    assertNotContains(response, "Edit invoice")


def test_one_submit_shows_every_line_error_even_when_an_invoice_field_does_not_parse(owner_client):
    rows = [
        {"description": "Design", "quantity": "2", "unit_price": "abc", "discount_percent": "0", "tax_rate": "0"},
        {"description": "Hosting", "quantity": "-1", "unit_price": "10", "discount_percent": "0", "tax_rate": "0"},
        {"description": "Support", "quantity": "1", "unit_price": "10", "discount_percent": "150", "tax_rate": "0"},
    ]
    post = {**invoice_post(issue_date="not a date"), **line_data(rows)}

    response = owner_client.post("/invoices/new/", post)

    assert response.status_code == 400
    assert response.context["form"].errors == {"issue_date": ["Enter a valid date."]}
    assert [form.errors for form in response.context["formset"].forms] == [
        {"unit_price": ["A valid number is required."]},
        {"quantity": ["Quantity must be greater than zero."]},
        {"discount_percent": ["Must be between 0 and 100."]},
    ]
    assert (Invoice.objects.count(), InvoiceEvent.objects.count()) == (0, 0)


def test_every_line_error_and_the_date_error_come_back_from_one_save(owner_client):
    rows = [
        {"description": "Design", "quantity": "2", "unit_price": "-5", "discount_percent": "0", "tax_rate": "0"},
        {"description": "Hosting", "quantity": "-1", "unit_price": "10", "discount_percent": "150", "tax_rate": "0"},
    ]
    post = {**invoice_post(due_date="2025-02-01"), **line_data(rows)}

    response = owner_client.post("/invoices/new/", post)

    assert response.status_code == 400
    assert response.context["form"].errors == {"due_date": ["The due date cannot be before the issue date."]}
    assert [form.errors for form in response.context["formset"].forms] == [
        {"unit_price": ["Unit price cannot be negative."]},
        {"quantity": ["Quantity must be greater than zero."], "discount_percent": ["Must be between 0 and 100."]},
    ]
    assert (Invoice.objects.count(), InvoiceEvent.objects.count()) == (0, 0)


def test_saving_the_edit_form_untouched_writes_nothing(owner_client, owner):
    invoice = make_invoice(owner=owner, items=[item(quantity="1.459", unit_price="0.0125", discount_percent="5")])
    page = owner_client.get(f"/invoices/{invoice.pk}/edit/")
    form, formset = page.context["form"], page.context["formset"]
    post = {name: "" if value is None else value for name, value in form.initial.items()}
    post["customer"] = invoice.customer_id
    post.update(line_data([dict(line) for line in formset.initial]))

    response = owner_client.post(f"/invoices/{invoice.pk}/edit/", post)

    assert response.status_code == 302
    invoice.refresh_from_db()
    assert invoice.version == 1
    assert list(InvoiceEvent.objects.filter(invoice=invoice).values_list("kind", flat=True)) == [EventKind.CREATED]
