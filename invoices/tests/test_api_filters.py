"""The invoice list: every filter, every ordering (with ties), pagination, and bad values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model

from accounts.tests.factories import make_user
from invoices.models import Invoice
from invoices.tests.api_support import INVOICES, client_for
from invoices.tests.factories import advance, item, make_invoice

pytestmark = pytest.mark.django_db
UTC = ZoneInfo("UTC")


@dataclass
class Book:
    """Four invoices of one owner, with ties on purpose, and one of someone else."""

    a: Invoice
    b: Invoice
    c: Invoice
    d: Invoice
    stranger: Invoice

    def name(self, invoice_id: int) -> str:
        return {self.a.pk: "A", self.b.pk: "B", self.c.pk: "C", self.d.pk: "D", self.stranger.pk: "E"}[invoice_id]


def _created_on(invoice: Invoice, moment: datetime) -> None:
    """Backdate the creation time, as if the invoice had been written that day."""
    Invoice.objects.filter(pk=invoice.pk).update(date_created=moment)


@pytest.fixture
def book(owner: Any, other_user: Any, approver: Any) -> Book:
    a = make_invoice(
        owner=owner,
        invoice_number="A-001",
        customer_name="Acme Ltd",
        currency="EUR",
        issue_date=datetime(2030, 1, 10).date(),
        due_date=datetime(2030, 2, 9).date(),
        notes="rush job",
    )
    b = make_invoice(
        owner=owner,
        invoice_number="B-002",
        customer_name="Globex",
        currency="USD",
        items=[item(unit_price="250.00")],
        issue_date=datetime(2030, 1, 5).date(),
        due_date=datetime(2030, 1, 20).date(),
    )
    c = make_invoice(
        owner=owner,
        invoice_number="C-003",
        customer_name="Initech",
        currency="EUR",
        items=[item(unit_price="50.00")],
        issue_date=datetime(2030, 2, 1).date(),
        due_date=datetime(2030, 3, 1).date(),
    )
    d = make_invoice(
        owner=owner,
        invoice_number="D-004",
        customer_name="Acme Ltd",
        currency="GBP",
        issue_date=datetime(2030, 1, 10).date(),
        due_date=datetime(2030, 2, 9).date(),
    )
    stranger = make_invoice(owner=other_user, invoice_number="E-005", customer_name="Acme Ltd", currency="EUR")
    advance(b, to="pending_approval", approver=approver)
    advance(c, to="sent", approver=approver)
    client_for(owner).post(f"{INVOICES}{d.pk}/cancel/")
    _created_on(a, datetime(2029, 12, 1, 9, tzinfo=UTC))
    _created_on(b, datetime(2029, 12, 15, 9, tzinfo=UTC))
    _created_on(c, datetime(2030, 1, 2, 9, tzinfo=UTC))
    _created_on(d, datetime(2030, 1, 2, 9, tzinfo=UTC))  # same moment as C: a tie broken by id
    _created_on(stranger, datetime(2030, 1, 2, 9, tzinfo=UTC))
    b.customer.email = "AP@globex.example"
    b.customer.save()
    Invoice.objects.filter(pk=b.pk).update(customer_email="AP@globex.example")
    return Book(a, b, c, d, stranger)


def _names(book: Book, client: Any, **params: Any) -> list[str]:
    response = client.get(INVOICES, params)
    assert response.status_code == 200, response.json()
    return [book.name(row["id"]) for row in response.json()["results"]]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["D", "C", "B", "A"]),
        ({"ordering": "date_created"}, ["A", "B", "C", "D"]),
        ({"ordering": "-date_created"}, ["D", "C", "B", "A"]),
        ({"ordering": "total_amount"}, ["C", "A", "D", "B"]),
        ({"ordering": "-total_amount"}, ["B", "D", "A", "C"]),
        ({"ordering": "issue_date"}, ["B", "A", "D", "C"]),
        ({"ordering": "-issue_date"}, ["C", "D", "A", "B"]),
        ({"ordering": "due_date"}, ["B", "A", "D", "C"]),
        ({"ordering": "customer_name"}, ["A", "D", "B", "C"]),
        ({"ordering": "-customer_name"}, ["C", "B", "D", "A"]),
        ({"ordering": "invoice_number"}, ["A", "B", "C", "D"]),
        ({"ordering": "-invoice_number"}, ["D", "C", "B", "A"]),
        ({"ordering": "status"}, ["D", "A", "B", "C"]),
        ({"ordering": "-status"}, ["C", "B", "A", "D"]),
        ({"ordering": "customer_name,-total_amount"}, ["A", "D", "B", "C"]),
        ({"sort_by": "total_amount", "sort_order": "desc"}, ["B", "D", "A", "C"]),
        ({"sort_by": "total_amount", "sort_order": "asc"}, ["C", "A", "D", "B"]),
        ({"sort_by": "customer_name"}, ["A", "D", "B", "C"]),
        ({"sort_by": "due_date", "sort_order": "desc"}, ["C", "D", "A", "B"]),
    ],
)
def test_every_ordering_sorts_with_ties_broken_by_id(
    book: Book, owner: Any, params: dict[str, str], expected: list[str]
) -> None:
    assert _names(book, client_for(owner), **params) == expected


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "draft"}, {"A"}),
        ({"status": "sent,cancelled"}, {"C", "D"}),
        ({"status": " pending_approval "}, {"B"}),
        ({"customer_name": "acme"}, {"A", "D"}),
        ({"customer_email": "GLOBEX"}, {"B"}),
        ({"created_after": "2030-01-02"}, {"C", "D"}),
        ({"created_before": "2029-12-15"}, {"A", "B"}),
        ({"created_after": "2029-12-15", "created_before": "2029-12-15"}, {"B"}),
        ({"due_after": "2030-02-09"}, {"A", "C", "D"}),
        ({"due_before": "2030-02-09"}, {"A", "B", "D"}),
        ({"min_amount": "100"}, {"A", "B", "D"}),
        ({"max_amount": "100.00"}, {"A", "C", "D"}),
        ({"min_amount": "60", "max_amount": "200"}, {"A", "D"}),
        ({"currency": "eur"}, {"A", "C"}),
        ({"search": "rush"}, {"A"}),
        ({"search": "initech"}, {"C"}),
        ({"search": "b-00"}, {"B"}),
        ({"search": "globex.example"}, {"B"}),
        ({"status": "draft,cancelled", "currency": "GBP"}, {"D"}),
        ({"customer_name": "acme", "max_amount": "100", "created_after": "2030-01-01"}, {"D"}),
    ],
)
def test_every_filter_selects_exactly_the_matching_invoices(
    book: Book, owner: Any, params: dict[str, str], expected: set[str]
) -> None:
    assert set(_names(book, client_for(owner), **params)) == expected


def test_the_customer_filter_takes_an_own_customer_id(book: Book, owner: Any) -> None:
    assert set(_names(book, client_for(owner), customer=book.a.customer_id)) == {"A", "D"}


def test_the_customer_filter_refuses_someone_elses_customer(book: Book, owner: Any) -> None:
    response = client_for(owner).get(INVOICES, {"customer": book.stranger.customer_id})

    assert response.status_code == 400
    assert "customer" in response.json()


def test_staff_see_everyones_invoices_and_owners_only_their_own(book: Book, owner: Any, approver: Any) -> None:
    assert set(_names(book, client_for(owner))) == {"A", "B", "C", "D"}
    assert set(_names(book, client_for(approver))) == {"A", "B", "C", "D", "E"}
    assert set(_names(book, client_for(approver), customer=book.stranger.customer_id)) == {"E"}


@pytest.mark.parametrize(
    ("params", "named", "message_part"),
    [
        ({"status": "bogus"}, "status", "valid values: draft, pending_approval, approved"),
        ({"status": "draft,nope"}, "status", "Unknown status nope"),
        ({"created_after": "2030-13-01"}, "created_after", "YYYY-MM-DD"),
        ({"created_before": "yesterday"}, "created_before", "YYYY-MM-DD"),
        ({"due_after": "01/02/2030"}, "due_after", "YYYY-MM-DD"),
        ({"due_before": "2030-02-30"}, "due_before", "YYYY-MM-DD"),
        ({"min_amount": "abc"}, "min_amount", "number"),
        ({"max_amount": "1e"}, "max_amount", "number"),
        ({"customer": "abc"}, "customer", ""),
        ({"ordering": "price"}, "ordering", "valid fields: date_created, issue_date, due_date, total_amount"),
        ({"ordering": "-owner"}, "ordering", "Cannot order by -owner"),
        ({"sort_by": "price"}, "ordering", "Cannot order by price"),
        ({"sort_by": "due_date", "sort_order": "up"}, "sort_order", "up"),
    ],
)
def test_a_bad_filter_value_is_a_400_naming_the_filter(
    book: Book, owner: Any, params: dict[str, str], named: str, message_part: str
) -> None:
    response = client_for(owner).get(INVOICES, params)

    assert response.status_code == 400
    errors = response.json()
    assert named in errors
    assert message_part in " ".join(errors[named])


def test_pages_have_count_links_and_results(owner: Any) -> None:
    for number in range(5):
        make_invoice(owner=owner, invoice_number=f"P-{number}")
    client = client_for(owner)

    first = client.get(INVOICES, {"page_size": 2, "ordering": "invoice_number"}).json()
    last = client.get(INVOICES, {"page_size": 2, "page": 3, "ordering": "invoice_number"}).json()

    assert set(first) == {"count", "next", "previous", "results"}
    assert first["count"] == 5
    assert [row["invoice_number"] for row in first["results"]] == ["P-0", "P-1"]
    assert first["previous"] is None
    assert "page=2" in first["next"] and "ordering=invoice_number" in first["next"]
    assert [row["invoice_number"] for row in last["results"]] == ["P-4"]
    assert last["next"] is None
    assert client.get(INVOICES, {"page": 9}).status_code == 404


def test_the_page_size_defaults_to_20_and_is_capped_at_100(owner: Any) -> None:
    for _ in range(21):
        make_invoice(owner=owner)
    client = client_for(owner)

    assert len(client.get(INVOICES).json()["results"]) == 20
    assert len(client.get(INVOICES, {"page_size": 1000}).json()["results"]) == 21


def _spread_over_states(owner: Any, approver: Any, count: int) -> None:
    """`count` invoices in every state the list shows, so each row computes its transitions."""
    states = [None, "pending_approval", "approved", "sent", "paid"]
    for number in range(count):
        invoice = make_invoice(owner=owner, items=[item(), item("Extra", unit_price="5.00")])
        state = states[number % len(states)]
        if state:
            advance(invoice, to=state, approver=approver)
    make_invoice(owner=owner, items=[])  # a draft without items: `submit` is checked and refused


@pytest.mark.parametrize("count", [5, 40])
@pytest.mark.parametrize("viewer", ["owner", "approver"])
def test_the_list_runs_the_same_number_of_queries_however_many_rows_it_shows(
    owner: Any, approver: Any, count: int, viewer: str, django_assert_max_num_queries: Any
) -> None:
    _spread_over_states(owner, approver, count)
    # A fresh user object, as a request has: permissions are not cached on it yet.
    client = client_for(get_user_model().objects.get(pk={"owner": owner, "approver": approver}[viewer].pk))

    # count, page, items; for an approver also their permissions, once (user's, group's); nothing per row.
    with django_assert_max_num_queries({"owner": 3, "approver": 5}[viewer]):
        response = client.get(INVOICES, {"page_size": 100})

    assert response.status_code == 200
    assert len(response.json()["results"]) == count + 1


def test_a_fresh_user_is_told_they_have_no_invoices(db: Any) -> None:
    newcomer = make_user(username="newcomer")

    assert client_for(newcomer).get(INVOICES).json() == {"count": 0, "next": None, "previous": None, "results": []}


def test_sort_order_is_case_insensitive(owner: Any) -> None:
    cheap = make_invoice(owner=owner, items=[item(unit_price="1.00")])
    dear = make_invoice(owner=owner, items=[item(unit_price="9.00")])
    response = client_for(owner).get(INVOICES, {"sort_by": "total_amount", "sort_order": "DESC"})
    assert response.status_code == 200, response.json()
    assert [row["id"] for row in response.json()["results"]] == [dear.pk, cheap.pk]
