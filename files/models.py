"""Batches of uploaded documents and the background task that reads each one.

A `ProcessingTask` is one document going through the pipeline (SPEC section 7: stages
read, extract, validate, save, complete); a `ProcessingBatch` groups the tasks of one
upload with the options they share. Progress is written by `files.progress`, which also
pushes it to the task's sockets. What a task produces (an invoice, the extracted data)
is kept in `result` as data: this module knows nothing of invoices.

Ids are UUIDs: they are handed to the browser right after an upload and appear in
socket paths, and the row can be created before the Celery task is queued under the
same id.

`StoredFile` is an uploaded document: the bytes live in the configured storage under a
random key, and the user's own file name is kept only as data (never as a path). A task
that saves a draft records it in `ProcessingTask.invoice`, which is unique: the save is
keyed by the task, so a retry or a redelivered message finds the invoice already there
instead of making a second one.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.roles import visible_to

if TYPE_CHECKING:
    from accounts.models import User


class StoredFileQuerySet(models.QuerySet):
    def alive(self) -> StoredFileQuerySet:
        return self.filter(deleted_at__isnull=True)

    def visible_to(self, user: User) -> StoredFileQuerySet:
        """Owners see their own files, staff everyone's; deleted ones nobody."""
        return visible_to(self.alive(), user)


class StoredFile(models.Model):
    """An uploaded document, validated before it was stored."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="stored_files")
    original_name = models.CharField(max_length=255, help_text="The name the user gave; data only, never a path.")
    storage_key = models.CharField(max_length=255, unique=True, editable=False)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=100, help_text="Decided from the content's magic bytes.")
    sha256 = models.CharField(max_length=64)
    invoice = models.ForeignKey(
        "invoices.Invoice", null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = StoredFileQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(size__gt=0),
                name="files_storedfile_size_positive",
                violation_error_message="The file is empty.",
            )
        ]
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="files_file_owner_created_idx"),
            models.Index(fields=["sha256"], name="files_file_sha256_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.content_type}, {self.size} bytes)"


class ProcessingStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    COMPLETED = "completed", "Completed"
    NEEDS_REVIEW = "needs_review", "Needs review"
    FAILED = "failed", "Failed"


FINISHED_STATUSES = (ProcessingStatus.COMPLETED, ProcessingStatus.NEEDS_REVIEW, ProcessingStatus.FAILED)


class ProcessingStage(models.TextChoices):
    """The pipeline's stages, in order, with the progress range each one covers."""

    READ = "read", "Read"  # 0-20
    EXTRACT = "extract", "Extract"  # 20-80
    VALIDATE = "validate", "Validate"  # 80-90
    SAVE = "save", "Save"  # 90-95
    COMPLETE = "complete", "Complete"  # 100


class ProcessingBatch(models.Model):
    """One upload of one or more documents, and the options they are processed with."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="processing_batches")
    auto_save = models.BooleanField(default=True, help_text="Save a draft invoice when extraction is confident enough.")
    confidence_threshold = models.FloatField(
        default=0.8, help_text="Below this confidence a document waits for review instead of being saved."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "processing batches"
        constraints = [
            models.CheckConstraint(
                condition=Q(confidence_threshold__gte=0) & Q(confidence_threshold__lte=1),
                name="files_batch_confidence_threshold_range",
                violation_error_message="The confidence threshold must be between 0 and 1.",
            ),
        ]
        indexes = [models.Index(fields=["owner", "-created_at"], name="files_batch_owner_created_idx")]

    def __str__(self) -> str:
        return f"batch {self.pk}"


class ProcessingTask(models.Model):
    """One document's way through the pipeline: where it is, and how it ended."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="processing_tasks")
    batch = models.ForeignKey(ProcessingBatch, null=True, blank=True, on_delete=models.CASCADE, related_name="tasks")
    status = models.CharField(max_length=16, choices=ProcessingStatus.choices, default=ProcessingStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    current_stage = models.CharField(max_length=16, choices=ProcessingStage.choices, blank=True)
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    file = models.ForeignKey(
        StoredFile, null=True, blank=True, on_delete=models.SET_NULL, related_name="processing_tasks"
    )
    # Unique: the one draft this task saved. A second save for the same task finds it here.
    invoice = models.OneToOneField(
        "invoices.Invoice", null=True, blank=True, on_delete=models.SET_NULL, related_name="processing_task"
    )
    attempts = models.PositiveSmallIntegerField(default=0, help_text="How many times a worker started this task.")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100),
                name="files_task_progress_at_most_100",
                violation_error_message="Progress cannot pass 100 percent.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ProcessingStatus.values),
                name="files_task_status_valid",
                violation_error_message="The task's status is not one of the known states.",
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="files_task_owner_created_idx"),
            models.Index(fields=["status"], name="files_task_status_idx"),
        ]

    def __str__(self) -> str:
        return f"task {self.pk} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES
