"""Helpers shared by the page tests: signed-in clients, messages, form data as a browser posts it."""

from __future__ import annotations

from django.test import Client

from invoices.models import Invoice


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def line_data(rows: list[dict[str, str]], *, prefix: str = "items") -> dict[str, str]:
    """The item table's formset fields, as the page posts them."""
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": "0"}
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"{prefix}-{index}-{name}"] = value
    return data


class InvoiceFormData:
    """What the edit page posts for an invoice nobody has touched yet."""

    @staticmethod
    def of(invoice: Invoice) -> dict[str, str]:
        rows = [
            {
                "description": line.description,
                "quantity": str(line.quantity),
                "unit_price": str(line.unit_price),
                "discount_percent": str(line.discount_percent),
                "tax_rate": str(line.tax_rate),
            }
            for line in invoice.items.all()
        ]
        return {
            "customer": str(invoice.customer_id),
            "customer_name": "",
            "customer_email": invoice.customer_email,
            "customer_address": invoice.customer_address,
            "invoice_number": invoice.invoice_number,
            "currency": invoice.currency,
            "issue_date": invoice.issue_date.isoformat(),
            "due_date": invoice.due_date.isoformat(),
            "notes": invoice.notes,
            "etag": invoice.etag,
            **line_data(rows),
        }
