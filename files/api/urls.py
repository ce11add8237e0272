"""Files, documents, batches and tasks API routes, included at `/api/v1/` ahead of the
invoice router (whose `invoices/{id}/` would otherwise catch `invoices/upload/`)."""

from django.urls import path

from files.api import admin_views, views

urlpatterns = [
    path("files/", views.FileListCreateApi.as_view(), name="file-list"),
    path("files/<uuid:file_id>/", views.FileDetailApi.as_view(), name="file-detail"),
    path("files/<uuid:file_id>/download/", views.FileDownloadApi.as_view(), name="file-download"),
    path("invoices/upload/", views.UploadApi.as_view(), name="invoice-upload"),
    path("invoices/generate-sample/", views.GenerateSampleApi.as_view(), name="invoice-generate-sample"),
    path("invoices/supported-types/", views.SupportedTypesApi.as_view(), name="invoice-supported-types"),
    path("batches/", views.BatchListApi.as_view(), name="batch-list"),
    path("batches/<uuid:batch_id>/", views.BatchDetailApi.as_view(), name="batch-detail"),
    path("tasks/<uuid:task_id>/", views.TaskDetailApi.as_view(), name="task-detail"),
    path("admin/jobs/", admin_views.AdminJobsApi.as_view(), name="admin-jobs"),
    path("admin/health/", admin_views.AdminHealthApi.as_view(), name="admin-health"),
]
