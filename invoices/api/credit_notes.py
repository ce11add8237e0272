"""Credit notes in the API: issue one on an invoice, list and read them, their PDF and UBL.

`POST /api/v1/invoices/{id}/credit-notes/` is an action of the invoice viewset (it
calls `credit_note_create`); `/api/v1/credit-notes/` is read-only, through the selectors,
so another user's credit note is a 404 like another user's invoice.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.authenticated import AuthenticatedRequest
from core.errors import Conflict, NotFound
from core.negotiation import IgnoreAcceptNegotiation, safe_filename
from invoices import selectors
from invoices.api.schema import BAD_REQUEST, NOT_FOUND, PAGE_NOT_FOUND, is_plain_id
from invoices.api.serializers import ItemListField, LineItemSerializer
from invoices.einvoice import UBL, EInvoiceUnavailable, einvoice_xml
from invoices.models import CreditNote, CreditNoteItem


class EInvoiceUnavailableSerializer(serializers.Serializer):
    """The 409 of the UBL endpoints: what the company profile still lacks."""

    detail = serializers.CharField()
    missing = serializers.ListField(child=serializers.CharField())


EINVOICE_UNAVAILABLE = OpenApiResponse(
    EInvoiceUnavailableSerializer, description="The company profile lacks what an e-invoice needs."
)
CREDIT_NOTE_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The credit note id.")
XML_RESPONSE = {(200, "application/xml"): OpenApiResponse(OpenApiTypes.BINARY)}


class CreditNoteItemSerializer(LineItemSerializer):
    """A credited line reads like an invoice line: quantities, prices and rates as given."""

    class Meta(LineItemSerializer.Meta):
        model = CreditNoteItem  # type: ignore[assignment]  # the same fields on the credit note's line


class CreditNoteSerializer(serializers.ModelSerializer):
    items = CreditNoteItemSerializer(many=True, read_only=True)
    invoice_number = serializers.CharField(source="invoice.invoice_number", read_only=True)

    class Meta:
        model = CreditNote
        fields = (
            "id",
            "number",
            "invoice",
            "invoice_number",
            "reason",
            "currency",
            "issue_date",
            "items",
            "subtotal",
            "tax_amount",
            "total_amount",
            "created_at",
        )
        read_only_fields = fields


class CreditNoteInputSerializer(serializers.Serializer):
    """Shapes only; the service checks the invoice's state and the credit limit."""

    reason = serializers.CharField(max_length=2000)
    items = ItemListField()


def xml_response(content: bytes, *, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/xml")
    response["Content-Disposition"] = f'inline; filename="{safe_filename(filename)}.xml"'
    return response


def ubl_response(document: Any, *, filename: str) -> HttpResponse:
    """UBL 2.1 XML, or 409 naming what the company profile lacks for an e-invoice."""
    try:
        return xml_response(einvoice_xml(document, flavor=UBL), filename=filename)
    except EInvoiceUnavailable as error:
        raise Conflict(str(error), missing=error.missing) from None


@extend_schema_view(
    list=extend_schema(
        summary="List credit notes",
        description="Own credit notes (staff: everyone's), newest first.",
        responses={200: CreditNoteSerializer(many=True), 400: BAD_REQUEST, 404: PAGE_NOT_FOUND},
    ),
    retrieve=extend_schema(
        summary="Read a credit note", parameters=[CREDIT_NOTE_ID], responses={200: CreditNoteSerializer, 404: NOT_FOUND}
    ),
)
class CreditNoteViewSet(viewsets.GenericViewSet):
    request: AuthenticatedRequest  # behind IsAuthenticated: `request.user` is a User
    serializer_class = CreditNoteSerializer
    filter_backends: list[Any] = []
    lookup_value_regex = r"[^/]+"
    queryset = CreditNote.objects.none()  # for the schema; reads go through the selectors

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if not is_plain_id(kwargs.get("pk")):
            raise NotFound("No credit note matches the given id.")

    def _visible(self, pk: Any) -> CreditNote:
        return selectors.credit_note_get(user=self.request.user, credit_note_id=pk)

    def list(self, request: AuthenticatedRequest) -> Response:
        page = self.paginate_queryset(selectors.credit_note_list(user=request.user))
        return self.get_paginated_response(CreditNoteSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(CreditNoteSerializer(self._visible(pk)).data)

    @extend_schema(
        summary="The credit note as a Factur-X PDF",
        parameters=[CREDIT_NOTE_ID],
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY), 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get"], content_negotiation_class=IgnoreAcceptNegotiation)
    def pdf(self, request: Request, pk: str) -> HttpResponse:
        from invoices.pdf import render_credit_note_pdf

        credit_note = self._visible(pk)
        response = HttpResponse(render_credit_note_pdf(credit_note), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{safe_filename(credit_note.number)}.pdf"'
        return response

    @extend_schema(
        summary="The credit note as UBL 2.1 (CreditNote)",
        parameters=[CREDIT_NOTE_ID],
        responses={**XML_RESPONSE, 404: NOT_FOUND, 409: EINVOICE_UNAVAILABLE},
    )
    @action(detail=True, methods=["get"], content_negotiation_class=IgnoreAcceptNegotiation)
    def ubl(self, request: Request, pk: str) -> HttpResponse:
        credit_note = self._visible(pk)
        return ubl_response(credit_note, filename=credit_note.number)
