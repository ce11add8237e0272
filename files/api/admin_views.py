"""Staff-only operations API: the processing jobs of every user, and the system's health."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import IsAdminUser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import InvalidInput
from files import selectors
from files.api.serializers import ProcessingTaskSerializer
from files.models import ProcessingStatus
from files.operations import system_health

MAX_PER_PAGE = 100


class AdminJobSerializer(ProcessingTaskSerializer):
    owner = serializers.CharField(source="owner.username", read_only=True)
    attempts = serializers.IntegerField(read_only=True)

    class Meta(ProcessingTaskSerializer.Meta):
        fields = [*ProcessingTaskSerializer.Meta.fields, "owner", "attempts"]
        read_only_fields = fields


class JobsQuerySerializer(serializers.Serializer):
    page = serializers.IntegerField(default=1, min_value=1)
    per_page = serializers.IntegerField(default=20, min_value=1, max_value=MAX_PER_PAGE)
    status = serializers.ChoiceField(choices=ProcessingStatus.choices, required=False)


JOBS_RESPONSE = inline_serializer(
    "AdminJobs",
    fields={
        "jobs": AdminJobSerializer(many=True),
        "page": serializers.IntegerField(),
        "per_page": serializers.IntegerField(),
        "total": serializers.IntegerField(),
        "pages": serializers.IntegerField(),
        "statistics": inline_serializer(
            "AdminJobStatistics",
            fields={
                "total": serializers.IntegerField(),
                "last_24h": serializers.IntegerField(),
                "by_status": serializers.DictField(child=serializers.IntegerField()),
            },
        ),
    },
)


class AdminJobsApi(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(
        summary="Every processing job (staff)",
        parameters=[
            OpenApiParameter("page", OpenApiTypes.INT, description="From 1."),
            OpenApiParameter("per_page", OpenApiTypes.INT, description=f"1 to {MAX_PER_PAGE}, default 20."),
            OpenApiParameter("status", OpenApiTypes.STR, enum=ProcessingStatus.values),
        ],
        responses={200: JOBS_RESPONSE, 400: OpenApiResponse(description="A bad page, per_page or status.")},
    )
    def get(self, request: Request) -> Response:
        query = JobsQuerySerializer(data=request.query_params)
        if not query.is_valid():
            raise InvalidInput(errors=query.errors)
        page, per_page = query.validated_data["page"], query.validated_data["per_page"]
        jobs = selectors.processing_job_list(status=query.validated_data.get("status"))
        total = jobs.count()
        rows = jobs[(page - 1) * per_page : page * per_page]
        return Response(
            {
                "jobs": AdminJobSerializer(rows, many=True).data,
                "page": page,
                "per_page": per_page,
                "total": total,
                "pages": max(1, -(-total // per_page)),
                "statistics": selectors.processing_job_statistics(),
            }
        )


class AdminHealthApi(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(
        summary="System health (staff)",
        description="Database connections, Redis memory and clients, Celery workers, this process's CPU and memory.",
        responses={200: OpenApiResponse(description="Each component with status up or down.")},
    )
    def get(self, request: Request) -> Response:
        body: dict[str, Any] = system_health()
        return Response(body)
