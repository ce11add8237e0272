"""Settings pages, included at `/settings/`."""

from django.urls import path

from companies import views

app_name = "settings"
urlpatterns = [
    path("company/", views.company_settings, name="company"),
    path("password/", views.password_change, name="password"),
]
