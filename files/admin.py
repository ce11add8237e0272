"""Back office for documents: stored files, upload batches and processing tasks.

Everything here is read-only (the pipeline and the API write these rows); the one
action, "Retry failed", goes through `services.processing_task_retry` and reports per
task what happened.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.authenticated import acting_user
from core.errors import DomainError
from files import services
from files.models import ProcessingBatch, ProcessingTask, StoredFile


class _ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(StoredFile)
class StoredFileAdmin(_ReadOnlyAdmin):
    list_display = ["original_name", "content_type", "size", "owner", "invoice", "created_at", "deleted_at"]
    list_filter = ["content_type", ("deleted_at", admin.EmptyFieldListFilter), "created_at"]
    search_fields = ["original_name", "sha256", "owner__username"]
    list_select_related = ["owner", "invoice"]
    date_hierarchy = "created_at"


class ProcessingTaskInline(admin.TabularInline):
    model = ProcessingTask
    fields = ["id", "status", "progress", "current_stage", "file", "invoice", "error"]
    readonly_fields = fields  # type: ignore[assignment]  # plain field names, no groups
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ProcessingBatch)
class ProcessingBatchAdmin(_ReadOnlyAdmin):
    list_display = ["id", "owner", "auto_save", "confidence_threshold", "created_at"]
    list_filter = ["tasks__status", "auto_save", "created_at"]
    search_fields = ["id", "owner__username"]
    list_select_related = ["owner"]
    inlines = [ProcessingTaskInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProcessingBatch]:
        return super().get_queryset(request).distinct()


@admin.register(ProcessingTask)
class ProcessingTaskAdmin(_ReadOnlyAdmin):
    list_display = ["id", "owner", "status", "progress", "current_stage", "attempts", "invoice", "created_at"]
    list_filter = ["status", "current_stage", "created_at"]
    search_fields = ["id", "owner__username", "error", "file__original_name"]
    list_select_related = ["owner", "invoice"]
    date_hierarchy = "created_at"
    actions = ["retry_failed"]

    @admin.action(description="Retry failed")
    def retry_failed(self, request: HttpRequest, queryset: QuerySet[ProcessingTask]) -> None:
        for task in queryset:
            try:
                services.processing_task_retry(task_id=task.pk, actor=acting_user(request))
            except DomainError as error:
                messages.warning(request, f"Task {task.pk}: not retried: {error.detail}")
            else:
                messages.success(request, f"Task {task.pk}: queued again.")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Actions need change permission to show; the form stays read-only (no editable fields).
        return request.user.is_staff

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in self.model._meta.fields]
