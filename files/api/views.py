"""The files and documents API (SPEC section 7): thin views over the files services.

Uploads are read through `FileSizeLimitUploadHandler`, which stops a file at
`FILE_MAX_BYTES` (413) while the body is still being read; every uploaded file is
validated before any of them is stored, so a bad file in a batch stores nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.files.storage import default_storage
from django.core.files.uploadhandler import MemoryFileUploadHandler, TemporaryFileUploadHandler
from django.http import FileResponse, HttpResponseBase, HttpResponseRedirect
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAdminUser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.authenticated import AuthenticatedRequest
from core.negotiation import IgnoreAcceptNegotiation
from files import selectors, services
from files.api.serializers import (
    FileUploadInputSerializer,
    ProcessingBatchSerializer,
    ProcessingTaskSerializer,
    SampleInputSerializer,
    SampleSerializer,
    StoredFileSerializer,
    SupportedTypesSerializer,
    UploadAcceptedSerializer,
    UploadInputSerializer,
)
from files.blob import fetch_blob
from files.models import ProcessingBatch, StoredFile
from files.storage import serves_signed_urls, signed_download_url
from files.validation import FileSizeLimitUploadHandler, read_upload, validate_upload

ERROR = inline_serializer("FileError", fields={"detail": serializers.CharField()})
BAD_REQUEST = OpenApiResponse(OpenApiTypes.OBJECT, description="`{detail}` or field errors keyed by field.")
ERRORS = {
    400: BAD_REQUEST,
    413: OpenApiResponse(ERROR, description="Larger than FILE_MAX_BYTES."),
    415: OpenApiResponse(ERROR, description="Not a PDF, PNG, JPEG, WebP, TIFF or CII/UBL invoice XML."),
}
NOT_FOUND = OpenApiResponse(ERROR, description="No such object of yours.")
# Every list is paginated (`core.pagination`): a bad page, size, offset or count is a 400,
# a page past the last one a 404.
LIST_ERRORS = {400: BAD_REQUEST, 404: OpenApiResponse(ERROR, description="No such page: past the last one.")}
# A rough figure per document for one worker (measured on text PDFs and scans; see bench/).
ESTIMATED_SECONDS_PER_DOCUMENT = 3


class _LimitedUploadsMixin:
    """Installs the size-limiting upload handler before the body is parsed."""

    max_files = 1

    def initialize_request(self, request: Any, *args: Any, **kwargs: Any) -> Request:
        request.upload_handlers = [
            FileSizeLimitUploadHandler(request, max_files=self.max_files),
            MemoryFileUploadHandler(request),
            TemporaryFileUploadHandler(request),
        ]
        return super().initialize_request(request, *args, **kwargs)  # type: ignore[misc]


def _validated(upload: Any) -> Any:
    return validate_upload(content=read_upload(upload), name=upload.name)


class FileListCreateApi(_LimitedUploadsMixin, GenericAPIView):
    request: AuthenticatedRequest  # behind IsAuthenticated: `request.user` is a User
    parser_classes = [MultiPartParser, FormParser]
    serializer_class = StoredFileSerializer
    queryset = StoredFile.objects.none()  # for the schema; get_queryset is the real one

    def get_queryset(self) -> Any:
        return selectors.stored_file_list(user=self.request.user)

    @extend_schema(summary="List your files", responses={200: StoredFileSerializer(many=True), **LIST_ERRORS})
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(StoredFileSerializer(page, many=True, context={"request": request}).data)

    @extend_schema(
        summary="Upload a file",
        description="The type is decided by the content's magic bytes, never the name or the header.",
        request={"multipart/form-data": FileUploadInputSerializer},
        responses={201: StoredFileSerializer, **ERRORS},
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        data = FileUploadInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        stored = services.stored_file_create(
            owner=request.user,
            upload=_validated(data.validated_data["file"]),
            invoice_id=data.validated_data.get("invoice"),
        )
        return Response(StoredFileSerializer(stored, context={"request": request}).data, status=201)


class FileDetailApi(APIView):
    request: AuthenticatedRequest  # behind IsAuthenticated: `request.user` is a User

    @extend_schema(summary="A file", responses={200: StoredFileSerializer, 404: NOT_FOUND})
    def get(self, request: AuthenticatedRequest, file_id: str) -> Response:
        stored = selectors.stored_file_get(user=request.user, file_id=file_id)
        return Response(StoredFileSerializer(stored, context={"request": request}).data)

    @extend_schema(
        summary="Delete a file",
        description="An invoice's attachment can be removed only while the invoice is a draft (409 otherwise).",
        responses={204: None, 404: NOT_FOUND, 409: OpenApiResponse(ERROR, description="The invoice is not a draft.")},
    )
    def delete(self, request: AuthenticatedRequest, file_id: str) -> Response:
        stored = selectors.stored_file_get(user=request.user, file_id=file_id)
        services.stored_file_delete(file_id=stored.pk, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class FileDownloadApi(APIView):
    content_negotiation_class = IgnoreAcceptNegotiation

    @extend_schema(
        summary="Download a file",
        description="The bytes as an attachment (local storage), or a redirect to a short-lived signed URL (S3).",
        responses={
            (200, "application/octet-stream"): OpenApiResponse(description="The file."),
            302: OpenApiResponse(description="S3: the signed URL is in Location."),
            404: NOT_FOUND,
        },
    )
    def get(self, request: AuthenticatedRequest, file_id: str) -> HttpResponseBase:
        stored = selectors.stored_file_get(user=request.user, file_id=file_id)
        if serves_signed_urls():
            response: HttpResponseBase = HttpResponseRedirect(
                signed_download_url(
                    key=stored.storage_key, filename=stored.original_name, content_type=stored.content_type
                )
            )
        else:
            response = FileResponse(default_storage.open(stored.storage_key, "rb"), content_type=stored.content_type)
            response["Content-Disposition"] = content_disposition_header(True, stored.original_name)
            response["Content-Length"] = str(stored.size)
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response


class UploadApi(_LimitedUploadsMixin, APIView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    max_files = services.MAX_FILES_PER_UPLOAD

    @extend_schema(
        summary="Upload invoice documents for extraction",
        description=(
            "Multipart `file` or up to 50 `files`, or JSON `{blob_url, filename}` from an allowed https host. "
            "Each document becomes a task of one batch; follow them at the websocket paths or poll tasks/{id}/."
        ),
        request={"multipart/form-data": UploadInputSerializer, "application/json": UploadInputSerializer},
        responses={
            202: UploadAcceptedSerializer,
            502: OpenApiResponse(ERROR, description="blob_url failed."),
            **ERRORS,
        },
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        if not isinstance(request.data, Mapping):
            return Response({"detail": "Send a multipart form or a JSON object."}, status=400)
        files = [*request.FILES.getlist("files"), *request.FILES.getlist("file")]
        body = UploadInputSerializer(data={k: v for k, v in request.data.items() if k not in ("file", "files")})
        body.is_valid(raise_exception=True)
        options = body.validated_data
        if files and options.get("blob_url"):
            return Response({"detail": "Send files or a blob_url, not both."}, status=400)
        if options.get("blob_url"):
            blob = fetch_blob(options["blob_url"])
            uploads = [validate_upload(content=blob.content, name=options.get("filename") or blob.filename)]
        else:
            if len(files) > services.MAX_FILES_PER_UPLOAD:
                return Response(
                    {"files": [f"At most {services.MAX_FILES_PER_UPLOAD} files per upload; got {len(files)}."]},
                    status=400,
                )
            if not files:
                return Response({"file": ["Send a file, several files, or a blob_url."]}, status=400)
            uploads = [_validated(upload) for upload in files]
        batch = services.upload_batch_create(
            owner=request.user,
            uploads=uploads,
            auto_save=options["auto_save"],
            confidence_threshold=options["confidence_threshold"],
        )
        tasks = list(selectors.processing_task_list(batch=batch))
        return Response(
            {
                "batch_id": str(batch.pk),
                "tasks": [{"task_id": str(t.pk), "file_id": str(t.file_id), "status": t.status} for t in tasks],
                "websocket": {"batch": f"/ws/batches/{batch.pk}/", "tasks": [f"/ws/tasks/{t.pk}/" for t in tasks]},
                "estimated_duration_seconds": ESTIMATED_SECONDS_PER_DOCUMENT * len(tasks),
            },
            status=status.HTTP_202_ACCEPTED,
        )


class BatchListApi(GenericAPIView):
    request: AuthenticatedRequest  # behind IsAuthenticated: `request.user` is a User
    serializer_class = ProcessingBatchSerializer
    queryset = ProcessingBatch.objects.none()  # for the schema; get_queryset is the real one

    def get_queryset(self) -> Any:
        return selectors.processing_batch_list(user=self.request.user)

    @extend_schema(summary="Your upload batches", responses={200: ProcessingBatchSerializer(many=True), **LIST_ERRORS})
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ProcessingBatchSerializer(page, many=True).data)


class BatchDetailApi(APIView):
    @extend_schema(summary="One batch and its tasks", responses={200: ProcessingBatchSerializer, 404: NOT_FOUND})
    def get(self, request: AuthenticatedRequest, batch_id: str) -> Response:
        batch = selectors.processing_batch_get(user=request.user, batch_id=batch_id, hide_others=True)
        return Response(ProcessingBatchSerializer(batch).data)


class TaskDetailApi(APIView):
    @extend_schema(summary="One processing task", responses={200: ProcessingTaskSerializer, 404: NOT_FOUND})
    def get(self, request: AuthenticatedRequest, task_id: str) -> Response:
        task = selectors.processing_task_get(user=request.user, task_id=task_id, hide_others=True)
        return Response(ProcessingTaskSerializer(task).data)


class GenerateSampleApi(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(
        summary="Render a sample invoice PDF (staff)",
        description="Stores the PDF as one of your files and returns the printed values as `expected`.",
        request=SampleInputSerializer,
        responses={201: SampleSerializer, 400: BAD_REQUEST, 403: OpenApiResponse(ERROR, description="Staff only.")},
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        data = SampleInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        stored, expected = services.sample_file_create(owner=request.user, **data.validated_data)
        return Response(
            {"file": StoredFileSerializer(stored, context={"request": request}).data, "expected": expected},
            status=201,
        )


class SupportedTypesApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []

    @extend_schema(summary="What generate-sample and upload accept", auth=[], responses={200: SupportedTypesSerializer})
    def get(self, request: Request) -> Response:
        from files import samples

        return Response(
            {
                "business_types": list(samples.SUPPORTED_BUSINESS_TYPES),
                "complexity_levels": list(samples.COMPLEXITY_LEVELS),
                "accepted_formats": list(samples.ACCEPTED_FORMATS),
            }
        )
