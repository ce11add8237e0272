"""Shapes of the files API (SPEC section 7): input types only, rules live in the services."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from files import selectors
from files.models import ProcessingBatch, ProcessingStatus, ProcessingTask, StoredFile


class StoredFileSerializer(serializers.ModelSerializer):
    filename = serializers.CharField(source="original_name", read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = StoredFile
        fields = ["id", "filename", "size", "content_type", "sha256", "invoice", "created_at", "download_url"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_download_url(self, stored: StoredFile) -> str:
        return reverse("file-download", kwargs={"file_id": stored.pk}, request=self.context.get("request"))


class FileUploadInputSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="PDF, PNG, JPEG, WebP, TIFF, or a CII/UBL invoice XML.")
    invoice = serializers.IntegerField(required=False, help_text="Attach the file to this invoice of yours.")


class TaskResultSerializer(serializers.Serializer):
    structured_data = serializers.JSONField(allow_null=True)
    confidence_score = serializers.FloatField(allow_null=True)
    auto_saved = serializers.BooleanField()
    invoice_id = serializers.IntegerField(allow_null=True)


class ProcessingTaskSerializer(serializers.ModelSerializer):
    task_id = serializers.UUIDField(source="id", read_only=True)
    file_id = serializers.UUIDField(read_only=True, allow_null=True)
    batch_id = serializers.UUIDField(read_only=True, allow_null=True)
    status = serializers.ChoiceField(choices=ProcessingStatus.choices, read_only=True)
    current_stage = serializers.CharField(read_only=True, allow_null=True)
    result = serializers.SerializerMethodField()
    error = serializers.SerializerMethodField()

    class Meta:
        model = ProcessingTask
        fields = [
            "task_id",
            "batch_id",
            "file_id",
            "status",
            "progress",
            "current_stage",
            "created_at",
            "completed_at",
            "result",
            "error",
        ]
        read_only_fields = fields

    def to_representation(self, task: ProcessingTask) -> dict[str, Any]:
        body = super().to_representation(task)
        body["current_stage"] = body["current_stage"] or None
        return body

    @extend_schema_field(TaskResultSerializer(allow_null=True))
    def get_result(self, task: ProcessingTask) -> dict[str, Any] | None:
        return task.result

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_error(self, task: ProcessingTask) -> str | None:
        return task.error or None


class CountsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    queued = serializers.IntegerField()
    running = serializers.IntegerField()
    completed = serializers.IntegerField()
    needs_review = serializers.IntegerField()
    failed = serializers.IntegerField()


def _batch_tasks(batch: ProcessingBatch) -> list[ProcessingTask]:
    """The batch's tasks in queue order: the prefetched ones (lists) or one query (detail)."""
    prefetched = getattr(batch, "_prefetched_objects_cache", {})
    if "tasks" in prefetched:
        return list(prefetched["tasks"])
    return list(selectors.processing_task_list(batch=batch))


class ProcessingBatchSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=["queued", "running", "completed", "failed"], read_only=True)
    counts = CountsSerializer(read_only=True)
    tasks = ProcessingTaskSerializer(many=True, read_only=True)

    class Meta:
        model = ProcessingBatch
        fields = ["id", "status", "created_at", "auto_save", "confidence_threshold", "counts", "tasks"]
        read_only_fields = fields

    def to_representation(self, batch: ProcessingBatch) -> dict[str, Any]:
        tasks = _batch_tasks(batch)
        return {
            "id": str(batch.pk),
            "status": selectors.processing_batch_status(tasks),
            "created_at": serializers.DateTimeField().to_representation(batch.created_at),
            "auto_save": batch.auto_save,
            "confidence_threshold": batch.confidence_threshold,
            "counts": selectors.processing_batch_counts(tasks),
            "tasks": ProcessingTaskSerializer(tasks, many=True, context=self.context).data,
        }


class UploadInputSerializer(serializers.Serializer):
    """Multipart: `file` or several `files`. JSON: `blob_url` (+ `filename`)."""

    file = serializers.FileField(required=False)
    files = serializers.ListField(child=serializers.FileField(), required=False)
    blob_url = serializers.CharField(required=False, max_length=2048)
    filename = serializers.CharField(required=False, max_length=255, allow_blank=True)
    auto_save = serializers.BooleanField(default=True)
    confidence_threshold = serializers.FloatField(default=0.8)


class UploadedTaskSerializer(serializers.Serializer):
    task_id = serializers.UUIDField()
    file_id = serializers.UUIDField()
    status = serializers.CharField()


class UploadWebsocketSerializer(serializers.Serializer):
    batch = serializers.CharField()
    tasks = serializers.ListField(child=serializers.CharField())


class UploadAcceptedSerializer(serializers.Serializer):
    batch_id = serializers.UUIDField()
    tasks = UploadedTaskSerializer(many=True)
    websocket = UploadWebsocketSerializer()
    estimated_duration_seconds = serializers.IntegerField()


class SampleInputSerializer(serializers.Serializer):
    business_type = serializers.CharField(max_length=64)
    complexity = serializers.CharField(max_length=32, default="simple")
    company_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    seed = serializers.IntegerField(required=False)


class SampleSerializer(serializers.Serializer):
    file = StoredFileSerializer()
    expected = serializers.JSONField()


class SupportedTypesSerializer(serializers.Serializer):
    business_types = serializers.ListField(child=serializers.CharField())
    complexity_levels = serializers.ListField(child=serializers.CharField())
    accepted_formats = serializers.ListField(child=serializers.DictField(child=serializers.CharField()))
