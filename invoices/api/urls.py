"""Invoice and customer API routes, included at `/api/v1/`."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from invoices.api.credit_notes import CreditNoteViewSet
from invoices.api.customers import CustomerViewSet
from invoices.api.export import InvoiceExportCsvApi
from invoices.api.views import InvoiceViewSet

router = SimpleRouter(trailing_slash=True)
router.register("invoices", InvoiceViewSet, basename="invoice")
router.register("customers", CustomerViewSet, basename="customer")
router.register("credit-notes", CreditNoteViewSet, basename="credit-note")

urlpatterns = [
    # Before the router, and without a trailing slash: the name ends in `.csv`.
    path("invoices/export.csv", InvoiceExportCsvApi.as_view(), name="invoice-export-csv"),
    *router.urls,
]
