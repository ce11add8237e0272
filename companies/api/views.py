"""`/api/v1/company/`: the signed-in owner's company profile (read and change)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.authenticated import AuthenticatedRequest
from companies import selectors, services
from companies.api.serializers import CompanyProfileInputSerializer, CompanyProfileSerializer
from core.openapi import BAD_REQUEST


class CompanyProfileApi(APIView):
    """Every owner has exactly one profile; before the first save it reads as the defaults."""

    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(summary="Read your company profile", responses={200: CompanyProfileSerializer})
    def get(self, request: AuthenticatedRequest) -> Response:
        profile = selectors.company_profile_get(owner=request.user)
        return Response(CompanyProfileSerializer(profile, context={"request": request}).data)

    @extend_schema(
        summary="Replace your company profile",
        description="Fields left out keep their value. Tax ids and IBANs are checked; a bad one is a 400 "
        "naming the field.",
        request=CompanyProfileInputSerializer,
        responses={200: CompanyProfileSerializer, 400: BAD_REQUEST},
    )
    def put(self, request: AuthenticatedRequest) -> Response:
        return self._write(request)

    @extend_schema(
        summary="Change some fields of your company profile",
        request=CompanyProfileInputSerializer,
        responses={200: CompanyProfileSerializer, 400: BAD_REQUEST},
    )
    def patch(self, request: AuthenticatedRequest) -> Response:
        return self._write(request)

    def _write(self, request: AuthenticatedRequest) -> Response:
        serializer = CompanyProfileInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        profile = services.company_profile_update(owner=request.user, data=serializer.service_arguments())
        return Response(CompanyProfileSerializer(profile, context={"request": request}).data)
