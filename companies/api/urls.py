"""Company profile route, included at `/api/v1/`."""

from django.urls import path

from companies.api.views import CompanyProfileApi

urlpatterns = [
    path("company/", CompanyProfileApi.as_view(), name="company-profile"),
]
