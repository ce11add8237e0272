"""The invoice form starts where the service would: today's issue date, the owner's
currency first among the common ones, and the new customer's name tied to its choice."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from django.test import Client
from django.utils import timezone

from companies.services import company_profile_update
from invoices import services
from invoices.forms import currency_choices
from invoices.tests.factories import make_invoice

pytestmark = pytest.mark.django_db


LATE_ON_THE_14TH_UTC = datetime(2026, 3, 14, 23, 30, tzinfo=UTC)


@pytest.fixture
def late_on_the_14th(monkeypatch) -> None:
    monkeypatch.setattr(timezone, "now", lambda: LATE_ON_THE_14TH_UTC)


@pytest.fixture
def owner_client(client: Client, owner) -> Client:
    client.force_login(owner)
    return client


def currency_options(html: str) -> list[str]:
    select = re.search(r'<select name="currency".*?</select>', html, re.S)
    assert select, html
    return re.findall(r'<option value="([A-Z]{3})"', select.group(0))


def test_the_currency_select_lists_the_site_default_then_usd_eur_gbp_then_the_rest_alphabetically(settings):
    settings.DEFAULT_CURRENCY = "USD"

    common, others = currency_choices()

    assert common == ("Common", [("USD", "USD"), ("EUR", "EUR"), ("GBP", "GBP")])
    assert others[0] == "All currencies"
    codes = [code for code, _ in others[1]]
    assert codes == sorted(codes)
    assert codes[:3] == ["AED", "AFN", "ALL"]
    assert {"USD", "EUR", "GBP"}.isdisjoint(codes)


def test_an_owner_default_currency_comes_first_and_no_code_is_listed_twice():
    common, others = currency_choices("chf")

    assert [code for code, _ in common[1]] == ["CHF", "USD", "EUR", "GBP"]
    assert "CHF" not in [code for code, _ in others[1]]


def test_the_new_invoice_page_puts_the_company_currency_first_and_selects_it(owner_client, owner):
    company_profile_update(owner=owner, data={"default_currency": "SEK"})

    response = owner_client.get("/invoices/new/")

    html = response.content.decode()
    assert currency_options(html)[:5] == ["SEK", "USD", "EUR", "GBP", "AED"]
    assert '<option value="SEK" selected>SEK</option>' in html
    assert '<optgroup label="Common">' in html
    assert '<optgroup label="All currencies">' in html


def test_the_issue_date_is_prefilled_with_today(owner_client, late_on_the_14th):
    response = owner_client.get("/invoices/new/")

    assert response.context["form"]["issue_date"].value() == date(2026, 3, 14)
    assert 'name="issue_date" value="2026-03-14"' in response.content.decode()


def test_today_is_the_date_in_the_active_time_zone(owner_client, settings, late_on_the_14th):
    settings.TIME_ZONE = "Asia/Tokyo"  # already the 15th there

    response = owner_client.get("/invoices/new/")

    assert 'name="issue_date" value="2026-03-15"' in response.content.decode()


def test_the_edit_page_keeps_the_invoices_own_date_and_currency(owner_client, owner):
    invoice = make_invoice(owner=owner, currency="GBP", issue_date=date(2025, 1, 2))

    response = owner_client.get(f"/invoices/{invoice.pk}/edit/")

    html = response.content.decode()
    assert 'name="issue_date" value="2025-01-02"' in html
    assert '<option value="GBP" selected>GBP</option>' in html
    assert currency_options(html)[:3] == ["USD", "EUR", "GBP"]


def test_the_new_customer_name_field_is_rendered_for_no_script_and_wired_to_its_toggle(owner_client, owner):
    services.customer_create(owner=owner, name="Initech")

    response = owner_client.get("/invoices/new/")

    html = response.content.decode()
    start = html.index("data-new-customer-name")
    field = html[html.rindex("<div", 0, start) : html.index('id="id_customer_name"', start)]
    assert field.startswith('<div class="field" data-new-customer-name>')
    assert "hidden" not in field  # visible without JavaScript
    assert "/static/js/customer-choice.js" in html
