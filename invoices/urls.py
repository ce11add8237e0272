"""Invoice and customer pages (included at the site root by `billing.urls`)."""

from django.urls import include, path

from invoices.views import customer_pages, invoice_detail, invoice_pages

invoice_patterns = [
    path("", invoice_pages.invoice_list, name="list"),
    path("new/", invoice_pages.invoice_create, name="create"),
    path("search/", invoice_pages.invoice_search, name="search"),
    path("<int:invoice_id>/", invoice_detail.invoice_detail, name="detail"),
    path("<int:invoice_id>/edit/", invoice_pages.invoice_edit, name="edit"),
    path("<int:invoice_id>/blocks/", invoice_detail.invoice_detail_blocks, name="blocks"),
    path("<int:invoice_id>/confirm/<str:name>/", invoice_detail.invoice_confirm, name="confirm"),
    path("<int:invoice_id>/delete/", invoice_detail.invoice_delete, name="delete"),
    path("<int:invoice_id>/print/", invoice_detail.invoice_print, name="print"),
    path("<int:invoice_id>/pdf/", invoice_detail.invoice_pdf, name="pdf"),
    path("<int:invoice_id>/transition/<str:name>/", invoice_detail.invoice_transition, name="transition"),
    path("<int:invoice_id>/payments/", invoice_detail.payment_create, name="payments"),
    path("<int:invoice_id>/credit-notes/", invoice_detail.credit_note_create, name="credit_notes"),
    path("credit-notes/<int:credit_note_id>/pdf/", invoice_detail.credit_note_pdf, name="credit_note_pdf"),
]

customer_patterns = [
    path("", customer_pages.customer_list, name="list"),
    path("new/", customer_pages.customer_create, name="create"),
    path("<int:customer_id>/", customer_pages.customer_detail, name="detail"),
    path("<int:customer_id>/edit/", customer_pages.customer_edit, name="edit"),
    path("<int:customer_id>/delete/", customer_pages.customer_delete, name="delete"),
]

urlpatterns = [
    path("", invoice_pages.home, name="home"),
    path("invoices/", include((invoice_patterns, "invoices"))),
    path("customers/", include((customer_patterns, "customers"))),
]
