"""Dashboard API routes, included at `/api/v1/dashboard/`."""

from django.urls import path

from dashboard.api import views

urlpatterns = [
    path("metrics/", views.DashboardMetricsApi.as_view(), name="dashboard-metrics"),
    # Without a trailing slash: the name ends in `.csv`.
    path("metrics.csv", views.DashboardMetricsCsvApi.as_view(), name="dashboard-metrics-csv"),
    path("aging/", views.DashboardAgingApi.as_view(), name="dashboard-aging"),
    path("revenue/", views.DashboardRevenueApi.as_view(), name="dashboard-revenue"),
    path("customers/", views.DashboardCustomersApi.as_view(), name="dashboard-customers"),
    path("activity/", views.DashboardActivityApi.as_view(), name="dashboard-activity"),
]
