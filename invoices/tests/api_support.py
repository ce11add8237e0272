"""Helpers shared by the invoice API tests: clients signed in as someone, request bodies."""

from __future__ import annotations

from typing import Any

from rest_framework.test import APIClient

from invoices.models import Invoice, InvoiceEvent

INVOICES = "/api/v1/invoices/"
CUSTOMERS = "/api/v1/customers/"


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


def invoice_url(invoice: Invoice | int, action: str = "") -> str:
    pk = invoice if isinstance(invoice, int) else invoice.pk
    return f"{INVOICES}{pk}/{action + '/' if action else ''}"


def line(
    description: str = "Consulting",
    quantity: str = "1",
    unit_price: str = "100.00",
    discount_percent: str = "0",
    tax_rate: str = "0",
) -> dict[str, str]:
    """One line item as a client sends it: numbers as strings."""
    return {
        "description": description,
        "quantity": quantity,
        "unit_price": unit_price,
        "discount_percent": discount_percent,
        "tax_rate": tax_rate,
    }


def invoice_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "customer_name": "Acme Ltd",
        "customer_email": "billing@acme.example",
        "currency": "EUR",
        "issue_date": "2030-01-10",
        "due_date": "2030-02-09",
        "items": [line()],
    }
    body.update(overrides)
    return body


def event_count(invoice: Invoice) -> int:
    return InvoiceEvent.objects.filter(invoice=invoice).count()
