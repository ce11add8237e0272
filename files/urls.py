"""Pages of the files app (included at the site root by `billing.urls`)."""

from django.urls import path

from files import views

app_name = "files"
urlpatterns = [
    path("invoices/upload/", views.upload_page, name="upload"),
    path("invoices/<int:invoice_id>/attachments/", views.attachment_upload, name="attachment-upload"),
    path(
        "invoices/<int:invoice_id>/attachments/<uuid:file_id>/remove/",
        views.attachment_remove,
        name="attachment-remove",
    ),
    path("invoices/review/<uuid:task_id>/", views.review_page, name="review"),
    path("files/<uuid:file_id>/preview/", views.file_preview, name="preview"),
]
