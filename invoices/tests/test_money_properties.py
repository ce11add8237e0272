"""Property tests: any invoice people write is saved, and its money is exact, on SQLite
and on PostgreSQL alike (the suite runs on both in CI).

`MONEY_EXAMPLES` sets how many random invoices each property tries (CI's default keeps
the suite fast; the closing figures came from `MONEY_EXAMPLES=10000`).
"""

from __future__ import annotations

import os
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from invoices import services
from invoices.models import Invoice, LineItem
from invoices.tests.api_support import INVOICES, client_for, invoice_body, invoice_url
from invoices.tests.factories import advance
from invoices.tests.money_strategies import cents_text, expected_totals, invoice_lines, parts_of

# Hundreds of API calls within one test: without the general API rate limit.
pytestmark = pytest.mark.usefixtures("no_general_rate_limit")

EXAMPLES = int(os.environ.get("MONEY_EXAMPLES", "120"))
property_settings = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _stored(invoice_id: int) -> tuple[str, str, str, str]:
    """The amounts as the database holds them, read back (balance_due is the generated column)."""
    row = Invoice.objects.values_list("subtotal", "tax_amount", "total_amount", "balance_due").get(pk=invoice_id)
    return tuple(f"{value:.2f}" for value in row)  # type: ignore[return-value]


def _assert_exact(invoice_id: int, lines: list[dict[str, str]]) -> None:
    expected = expected_totals(lines)
    assert _stored(invoice_id) == (expected.subtotal, expected.tax_amount, expected.total_amount, expected.total_amount)
    stored_lines = LineItem.objects.filter(invoice_id=invoice_id).order_by("line_number")
    assert [f"{line.line_total:.2f}" for line in stored_lines] == [cents_text(c) for c in expected.lines]
    # The database itself agrees: an equality filter on each stored amount finds the row.
    assert Invoice.objects.filter(
        pk=invoice_id,
        total_amount=Decimal(expected.total_amount),
        balance_due=Decimal(expected.total_amount),
    ).exists()


@property_settings
@given(lines=invoice_lines, edited=invoice_lines)
def test_every_random_invoice_created_and_edited_through_the_service_is_saved_with_exact_totals(
    owner: Any, lines: list[dict[str, str]], edited: list[dict[str, str]]
) -> None:
    invoice = services.invoice_create(owner=owner, customer_name="Acme Ltd", items=lines)
    _assert_exact(invoice.pk, lines)

    services.invoice_update(invoice_id=invoice.pk, actor=owner, data={}, items=edited)
    _assert_exact(invoice.pk, edited)


@property_settings
@given(lines=invoice_lines, edited=invoice_lines)
def test_every_random_invoice_created_and_edited_through_the_api_is_saved_with_exact_totals(
    owner: Any, lines: list[dict[str, str]], edited: list[dict[str, str]]
) -> None:
    client = client_for(owner)
    expected = expected_totals(lines)

    # The client states the total it computed: the server must agree to the cent.
    created = client.post(INVOICES, invoice_body(items=lines, total_amount=expected.total_amount), format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["subtotal"], body["tax_amount"], body["total_amount"], body["balance_due"]) == (
        expected.subtotal,
        expected.tax_amount,
        expected.total_amount,
        expected.total_amount,
    )
    _assert_exact(body["id"], lines)

    patched = client.patch(invoice_url(body["id"]), {"items": edited}, format="json")
    assert patched.status_code == 200, patched.json()
    assert patched.json()["total_amount"] == expected_totals(edited).total_amount
    _assert_exact(body["id"], edited)


@property_settings
@given(data=st.data(), lines=invoice_lines)
def test_payments_in_random_parts_that_add_up_to_the_total_leave_the_invoice_paid_with_a_zero_balance(
    owner: Any, approver: Any, data: st.DataObject, lines: list[dict[str, str]]
) -> None:
    expected = expected_totals(lines)
    total_cents = int(expected.total_amount.replace(".", ""))
    if total_cents == 0:
        return  # nothing to pay: such an invoice cannot even be submitted
    invoice = advance(
        services.invoice_create(owner=owner, customer_name="Acme Ltd", items=lines), to="sent", approver=approver
    )

    parts = data.draw(parts_of(total_cents), label="payments in cents")
    for cents in parts:
        services.payment_record(invoice_id=invoice.pk, actor=owner, amount=cents_text(cents))

    invoice.refresh_from_db()
    assert invoice.status == "paid"
    assert (f"{invoice.amount_paid:.2f}", f"{invoice.balance_due:.2f}") == (expected.total_amount, "0.00")
    assert Invoice.objects.filter(pk=invoice.pk, balance_due=0).exists()


def test_a_three_place_sales_tax_rate_is_taken_and_rounded_per_line(owner: Any) -> None:
    response = client_for(owner).post(
        INVOICES,
        invoice_body(items=[{"description": "Dinner", "quantity": "1", "unit_price": "86.40", "tax_rate": "8.875"}]),
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert (response.json()["items"][0]["tax_rate"], response.json()["tax_amount"]) == ("8.875", "7.67")


def test_four_at_19_99_with_19_percent_tax_is_saved_on_every_database(owner: Any) -> None:
    """The invoice a new user could not save on SQLite: 79.96 + 15.19 = 95.15 exactly."""
    response = client_for(owner).post(
        INVOICES,
        invoice_body(items=[{"description": "Widget", "quantity": "4", "unit_price": "19.99", "tax_rate": "19"}]),
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert (response.json()["subtotal"], response.json()["tax_amount"], response.json()["total_amount"]) == (
        "79.96",
        "15.19",
        "95.15",
    )


@pytest.mark.parametrize(
    ("quantity", "unit_price", "line_total"),
    [("37.5", "1.459", "54.71"), ("1234", "0.0125", "15.43"), ("0.3333", "3.3333", "1.11"), ("1.0005", "1", "1.00")],
)
def test_four_place_quantities_and_prices_round_the_line_half_up_to_cents(
    owner: Any, quantity: str, unit_price: str, line_total: str
) -> None:
    body = (
        client_for(owner)
        .post(
            INVOICES,
            invoice_body(items=[{"description": "Usage", "quantity": quantity, "unit_price": unit_price}]),
            format="json",
        )
        .json()
    )

    assert (body["items"][0]["quantity"], body["items"][0]["unit_price"], body["items"][0]["line_total"]) == (
        quantity,
        unit_price if "." in unit_price and len(unit_price.split(".")[1]) >= 2 else f"{Decimal(unit_price):.2f}",
        line_total,
    )
