"""`/api/v1/customers/`: an owner's customers (staff: everyone's), CRUD with soft delete."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.authenticated import AuthenticatedRequest
from core.errors import NotFound
from invoices import selectors, services
from invoices.api.schema import BAD_REQUEST, PAGE_NOT_FOUND, is_plain_id
from invoices.api.serializers import CustomerSerializer, ErrorSerializer
from invoices.filters import CUSTOMER_ORDERING_FIELDS
from invoices.models import Customer

CUSTOMER_NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such customer, or not yours.")
CUSTOMER_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The customer id.")


@extend_schema_view(
    list=extend_schema(
        summary="List customers",
        parameters=[
            OpenApiParameter("search", OpenApiTypes.STR, description="Part of the name or e-mail."),
            OpenApiParameter(
                "ordering",
                OpenApiTypes.STR,
                description=f"One of {', '.join(CUSTOMER_ORDERING_FIELDS)}; '-' for descending. Default name.",
            ),
        ],
        responses={200: CustomerSerializer(many=True), 400: BAD_REQUEST, 404: PAGE_NOT_FOUND},
    ),
    create=extend_schema(summary="Create a customer", responses={201: CustomerSerializer, 400: BAD_REQUEST}),
    retrieve=extend_schema(
        summary="Read a customer",
        parameters=[CUSTOMER_ID],
        responses={200: CustomerSerializer, 404: CUSTOMER_NOT_FOUND},
    ),
    update=extend_schema(
        summary="Replace a customer's details",
        parameters=[CUSTOMER_ID],
        responses={200: CustomerSerializer, 400: BAD_REQUEST, 404: CUSTOMER_NOT_FOUND},
    ),
    partial_update=extend_schema(
        summary="Change a customer's details",
        parameters=[CUSTOMER_ID],
        responses={200: CustomerSerializer, 400: BAD_REQUEST, 404: CUSTOMER_NOT_FOUND},
    ),
    destroy=extend_schema(
        summary="Delete a customer (soft)", parameters=[CUSTOMER_ID], responses={204: None, 404: CUSTOMER_NOT_FOUND}
    ),
)
class CustomerViewSet(viewsets.GenericViewSet):
    serializer_class = CustomerSerializer
    filter_backends: list[Any] = []  # `CustomerFilterSet` is applied by `selectors.customer_list`
    lookup_value_regex = r"[^/]+"  # see InvoiceViewSet: a non-numeric id is a JSON 404 from `initial`
    # Only tells the schema generator the model; reads go through `invoices.selectors`.
    queryset = Customer.objects.none()

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if not is_plain_id(kwargs.get("pk")):
            raise NotFound("No customer matches the given id.")

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(selectors.customer_list(user=request.user, filters=request.query_params))
        return self.get_paginated_response(CustomerSerializer(page, many=True).data)

    def create(self, request: AuthenticatedRequest) -> Response:
        serializer = CustomerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        customer = services.customer_create(owner=request.user, **serializer.validated_data)
        return Response(CustomerSerializer(customer).data, status=status.HTTP_201_CREATED)

    def retrieve(self, request: AuthenticatedRequest, pk: str) -> Response:
        return Response(CustomerSerializer(selectors.customer_get(user=request.user, customer_id=pk)).data)

    def update(self, request: AuthenticatedRequest, pk: str) -> Response:
        return self._update(request, pk, partial=False)

    def partial_update(self, request: AuthenticatedRequest, pk: str) -> Response:
        return self._update(request, pk, partial=True)

    def _update(self, request: AuthenticatedRequest, pk: str, *, partial: bool) -> Response:
        customer = selectors.customer_get(user=request.user, customer_id=pk)
        serializer = CustomerSerializer(customer, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        customer = services.customer_update(customer=customer, data=serializer.validated_data)
        return Response(CustomerSerializer(customer).data)

    def destroy(self, request: AuthenticatedRequest, pk: str) -> Response:
        customer = selectors.customer_get(user=request.user, customer_id=pk)
        services.customer_delete(customer=customer)
        return Response(status=status.HTTP_204_NO_CONTENT)
