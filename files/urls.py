"""Pages of the files app (included at the site root by `billing.urls`)."""

from django.urls import path

from files import views

app_name = "files"
urlpatterns = [
    path("invoices/upload/", views.upload_page, name="upload"),
]
