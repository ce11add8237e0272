"""The invoice API (SPEC section 5): read through selectors, write through services.

Each endpoint checks access with a selector (an invoice the user may not see is a 404),
makes one service call and renders the fresh invoice. Domain errors raised by the
services become 400/403/404/409/412/422 in `core.exceptions`.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.authenticated import AuthenticatedRequest
from core.errors import InvalidInput, NotFound
from core.negotiation import IgnoreAcceptNegotiation, safe_filename
from core.pagination import PAGINATION_PARAMETERS
from invoices import selectors, services
from invoices.api.credit_notes import (
    EINVOICE_UNAVAILABLE,
    XML_RESPONSE,
    CreditNoteInputSerializer,
    CreditNoteSerializer,
    ubl_response,
)
from invoices.api.schema import (
    BAD_REQUEST,
    CONFLICT,
    FIELDS_PARAMETER,
    FORBIDDEN,
    IDEMPOTENCY_KEY_PARAMETER,
    IF_MATCH_PARAMETER,
    KEY_REUSED,
    NOT_FOUND,
    PAGE_NOT_FOUND,
    PRECONDITION_FAILED,
    invoice_filter_parameters,
    is_plain_id,
)
from invoices.api.serializers import (
    FindQuerySerializer,
    InvoiceCreateInputSerializer,
    InvoiceEventSerializer,
    InvoiceInputSerializer,
    InvoiceReplaceInputSerializer,
    InvoiceSerializer,
    PayInputSerializer,
    PaymentInputSerializer,
    PaymentSerializer,
    RejectInputSerializer,
    SparseInvoiceSerializer,
    StatusInputSerializer,
    sparse_fields,
)
from invoices.filters import InvoiceFilterSet
from invoices.idempotency import idempotent_response
from invoices.models import Invoice

# Every query parameter the list understands; anything else is a 400, never ignored.
LIST_PARAMETERS = (*InvoiceFilterSet.base_filters, "fields", *PAGINATION_PARAMETERS, "format")


def reject_unknown_parameters(request: Request, known: tuple[str, ...]) -> None:
    unknown = sorted(set(request.query_params) - set(known))
    if unknown:
        message = f"Unknown query parameter; valid parameters: {', '.join(sorted(known))}."
        raise InvalidInput(errors={name: [message] for name in unknown})


INVOICE_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The invoice id.")
TRANSITION_RESPONSES = {200: InvoiceSerializer, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT}


def _transition_schema(name: str, description: str, request: Any = None, *, bad_request: bool = False) -> Any:
    responses = {**TRANSITION_RESPONSES, 400: BAD_REQUEST} if bad_request else TRANSITION_RESPONSES
    return extend_schema(
        summary=f"{name.capitalize()} the invoice",
        description=description,
        parameters=[INVOICE_ID],
        request=request,
        responses=responses,
    )


@extend_schema_view(
    list=extend_schema(
        summary="List invoices",
        description="Own invoices (staff: everyone's), filtered and ordered; bad filter values are a 400 naming "
        "the filter, and so is a query parameter not listed here. Pages by `page` and `page_size` (or `per_page`), "
        "or by `skip` and `limit`.",
        parameters=[*invoice_filter_parameters(), FIELDS_PARAMETER],
        responses={200: SparseInvoiceSerializer(many=True), 400: BAD_REQUEST, 404: PAGE_NOT_FOUND},
    ),
    create=extend_schema(
        summary="Create a draft invoice",
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        request=InvoiceCreateInputSerializer,
        responses={201: InvoiceSerializer, 400: BAD_REQUEST, 422: KEY_REUSED},
    ),
    retrieve=extend_schema(
        summary="Read an invoice",
        parameters=[INVOICE_ID, FIELDS_PARAMETER],
        responses={200: SparseInvoiceSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    ),
    partial_update=extend_schema(
        summary="Edit a draft invoice",
        description="`items`, when given, replace every line. `status` is refused: use the transitions.",
        parameters=[INVOICE_ID, IF_MATCH_PARAMETER],
        request=InvoiceInputSerializer,
        responses={200: InvoiceSerializer, 400: BAD_REQUEST, 404: NOT_FOUND, 409: CONFLICT, 412: PRECONDITION_FAILED},
    ),
    update=extend_schema(
        summary="Replace a draft invoice",
        description="The whole editable invoice: `items` and the customer (`customer_id` or `customer_name`) are "
        "required, and replace what was there; left-out e-mail, address and notes become empty. The same edit "
        "as PATCH otherwise (409 outside draft, `status` refused).",
        parameters=[INVOICE_ID, IF_MATCH_PARAMETER],
        request=InvoiceReplaceInputSerializer,
        responses={200: InvoiceSerializer, 400: BAD_REQUEST, 404: NOT_FOUND, 409: CONFLICT, 412: PRECONDITION_FAILED},
    ),
    destroy=extend_schema(
        summary="Delete a draft or cancelled invoice (soft)",
        parameters=[INVOICE_ID],
        responses={204: None, 404: NOT_FOUND, 409: CONFLICT},
    ),
)
class InvoiceViewSet(viewsets.GenericViewSet):
    request: AuthenticatedRequest  # behind IsAuthenticated: `request.user` is a User
    serializer_class = InvoiceSerializer
    filter_backends: list[Any] = []  # the selector applies `InvoiceFilterSet`
    # Any path segment reaches the view, so an id like `abc` is this API's JSON 404 rather than
    # an unrouted URL (Django's HTML debug page when DEBUG is on); `initial` refuses it.
    lookup_value_regex = r"[^/]+"
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]
    # Only tells the schema generator the model; every read goes through `invoices.selectors`.
    queryset = Invoice.objects.none()

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if not is_plain_id(kwargs.get("pk")):
            raise NotFound("No invoice matches the given id.")

    # --- helpers -------------------------------------------------------------------------

    def _render(self, invoice: Invoice, *, fields: list[str] | None = None, code: int = 200) -> Response:
        serializer_class = InvoiceSerializer if fields is None else SparseInvoiceSerializer
        serializer = serializer_class(invoice, context={**self.get_serializer_context(), "fields": fields})
        return Response(serializer.data, status=code, headers={"ETag": invoice.etag})

    def _visible(self, pk: Any) -> Invoice:
        return selectors.invoice_get(user=self.request.user, invoice_id=pk)

    def _fresh(self, pk: Any) -> Response:
        return self._render(self._visible(pk))

    def _transition(self, pk: Any, name: str, reason: str = "") -> Response:
        invoice = self._visible(pk)
        services.invoice_transition(invoice_id=invoice.pk, actor=self.request.user, transition=name, reason=reason)
        return self._fresh(invoice.pk)

    # --- collection ----------------------------------------------------------------------

    def list(self, request: AuthenticatedRequest) -> Response:
        reject_unknown_parameters(request, LIST_PARAMETERS)
        fields = sparse_fields(request.query_params.get("fields"))
        queryset = selectors.invoice_list(user=request.user, filters=request.query_params)
        page = self.paginate_queryset(queryset)
        context = {**self.get_serializer_context(), "fields": fields}
        serializer = SparseInvoiceSerializer(page, many=True, context=context)
        return self.get_paginated_response(serializer.data)

    def create(self, request: AuthenticatedRequest) -> Response:
        def write() -> Response:
            serializer = InvoiceCreateInputSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            invoice = services.invoice_create(owner=request.user, **serializer.service_arguments())
            return self._render(self._visible(invoice.pk), code=status.HTTP_201_CREATED)

        return idempotent_response(request=request, scope="invoices:create", handler=write)

    @extend_schema(
        summary="Find an invoice by number",
        parameters=[
            OpenApiParameter(
                "invoice_number",
                {"type": "string", "minLength": 1, "maxLength": 40, "pattern": r"\S"},  # blank after trimming: 400
                OpenApiParameter.QUERY,
                required=True,
            ),
            FIELDS_PARAMETER,
        ],
        responses={200: SparseInvoiceSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
    @action(detail=False, methods=["get"])
    def find(self, request: AuthenticatedRequest) -> Response:
        fields = sparse_fields(request.query_params.get("fields"))
        query = FindQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        invoice = selectors.invoice_find(user=request.user, invoice_number=query.validated_data["invoice_number"])
        return self._render(invoice, fields=fields)

    # --- one invoice ---------------------------------------------------------------------

    def retrieve(self, request: Request, pk: str) -> Response:
        fields = sparse_fields(request.query_params.get("fields"))
        return self._render(self._visible(pk), fields=fields)

    def partial_update(self, request: Request, pk: str) -> Response:
        return self._edit(pk, InvoiceInputSerializer(data=request.data, partial=True))

    def update(self, request: Request, pk: str) -> Response:
        return self._edit(pk, InvoiceReplaceInputSerializer(data=request.data))

    def _edit(self, pk: str, serializer: InvoiceInputSerializer) -> Response:
        """PATCH and PUT: one update service, which refuses edits outside draft (409)."""
        request = self.request
        invoice = self._visible(pk)
        serializer.is_valid(raise_exception=True)
        services.invoice_update(
            invoice_id=invoice.pk,
            actor=request.user,
            if_match=request.headers.get("If-Match"),
            **serializer.service_arguments(),
        )
        return self._fresh(invoice.pk)

    def destroy(self, request: AuthenticatedRequest, pk: str) -> Response:
        invoice = self._visible(pk)
        services.invoice_delete(invoice_id=invoice.pk, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    # --- transitions ---------------------------------------------------------------------

    @_transition_schema("submit", "Owner only; needs at least one item and a total above zero.")
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        return self._transition(pk, "submit")

    @_transition_schema("approve", "Approvers only, never on their own invoice (four-eyes).")
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        return self._transition(pk, "approve")

    @_transition_schema(
        "reject",
        "Approvers only, never on their own invoice; a reason is required.",
        request=RejectInputSerializer,
        bad_request=True,
    )
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str) -> Response:
        self._visible(pk)  # someone else's invoice is a 404 whatever the body says
        serializer = RejectInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._transition(pk, "reject", reason=serializer.validated_data["reason"])

    @_transition_schema("revise", "Owner only: a rejected invoice goes back to draft.")
    @action(detail=True, methods=["post"])
    def revise(self, request: Request, pk: str) -> Response:
        return self._transition(pk, "revise")

    @_transition_schema("send", "Owner only: the customer is e-mailed the invoice PDF.")
    @action(detail=True, methods=["post"])
    def send(self, request: Request, pk: str) -> Response:
        return self._transition(pk, "send")

    @_transition_schema("cancel", "Owner (or an admin), from any state but paid and cancelled.")
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        return self._transition(pk, "cancel")

    @extend_schema(
        summary="Move the invoice to a status",
        description="Runs the transition that leads from the current status to the one given, or 409.",
        parameters=[INVOICE_ID],
        request=StatusInputSerializer,
        responses={**TRANSITION_RESPONSES, 400: BAD_REQUEST},
    )
    @action(detail=True, methods=["patch"], url_path="status", url_name="status")
    def change_status(self, request: AuthenticatedRequest, pk: str) -> Response:
        invoice = self._visible(pk)
        serializer = StatusInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.invoice_transition_to_status(invoice_id=invoice.pk, actor=request.user, **serializer.validated_data)
        return self._fresh(invoice.pk)

    # --- money ---------------------------------------------------------------------------

    @extend_schema(
        summary="Pay the whole balance",
        parameters=[INVOICE_ID, IDEMPOTENCY_KEY_PARAMETER],
        request=PayInputSerializer,
        responses={**TRANSITION_RESPONSES, 400: BAD_REQUEST, 422: KEY_REUSED},
    )
    @action(detail=True, methods=["post"])
    def pay(self, request: AuthenticatedRequest, pk: str) -> Response:
        invoice = self._visible(pk)

        def write() -> Response:
            serializer = PayInputSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            services.invoice_pay_in_full(invoice_id=invoice.pk, actor=request.user, **serializer.validated_data)
            return self._fresh(invoice.pk)

        return idempotent_response(request=request, scope=f"invoices:{invoice.pk}:pay", handler=write)

    @extend_schema(
        methods=["GET"],
        summary="List the invoice's payments",
        parameters=[INVOICE_ID],
        responses={200: PaymentSerializer(many=True), 404: NOT_FOUND},
    )
    @extend_schema(
        methods=["POST"],
        summary="Record a payment",
        description="Only on sent or overdue invoices; more than the balance is a 400; the invoice is paid when "
        "the balance reaches zero.",
        parameters=[INVOICE_ID, IDEMPOTENCY_KEY_PARAMETER],
        request=PaymentInputSerializer,
        responses={
            201: PaymentSerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
            422: KEY_REUSED,
        },
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def payments(self, request: AuthenticatedRequest, pk: str) -> Response:
        invoice = self._visible(pk)
        if request.method == "GET":
            return Response(PaymentSerializer(selectors.payment_list(invoice=invoice), many=True).data)

        def write() -> Response:
            serializer = PaymentInputSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            payment = services.payment_record(invoice_id=invoice.pk, actor=request.user, **serializer.validated_data)
            return Response(PaymentSerializer(payment).data, status=status.HTTP_201_CREATED)

        return idempotent_response(request=request, scope=f"invoices:{invoice.pk}:payments", handler=write)

    # --- the record ----------------------------------------------------------------------

    @extend_schema(
        summary="The audit trail, oldest first",
        parameters=[INVOICE_ID],
        responses={200: InvoiceEventSerializer(many=True), 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def events(self, request: Request, pk: str) -> Response:
        invoice = self._visible(pk)
        return Response(InvoiceEventSerializer(selectors.invoice_event_list(invoice=invoice), many=True).data)

    @extend_schema(
        summary="The invoice as a PDF",
        parameters=[INVOICE_ID],
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY), 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get"], content_negotiation_class=IgnoreAcceptNegotiation)
    def pdf(self, request: Request, pk: str) -> HttpResponse:
        from invoices.pdf import render_invoice_pdf

        invoice = self._visible(pk)
        response = HttpResponse(render_invoice_pdf(invoice), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{safe_filename(invoice.invoice_number)}.pdf"'
        return response

    @extend_schema(
        summary="The invoice as UBL 2.1 (Invoice)",
        description="EN 16931 UBL; 409 when the company profile lacks the legal name or country.",
        parameters=[INVOICE_ID],
        responses={**XML_RESPONSE, 404: NOT_FOUND, 409: EINVOICE_UNAVAILABLE},
    )
    @action(detail=True, methods=["get"], content_negotiation_class=IgnoreAcceptNegotiation)
    def ubl(self, request: Request, pk: str) -> HttpResponse:
        invoice = self._visible(pk)
        return ubl_response(invoice, filename=invoice.invoice_number)

    # --- credit notes --------------------------------------------------------------------

    @extend_schema(
        methods=["GET"],
        summary="List the invoice's credit notes",
        parameters=[INVOICE_ID],
        responses={200: CreditNoteSerializer(many=True), 404: NOT_FOUND},
    )
    @extend_schema(
        methods=["POST"],
        summary="Issue a credit note",
        description="On a sent, overdue or paid invoice, by its owner. Lowers the balance due (the invoice is "
        "paid once nothing is left to pay), or on a paid invoice records a refund owed. The credited total "
        "can never exceed the invoice total (400).",
        parameters=[INVOICE_ID],
        request=CreditNoteInputSerializer,
        responses={201: CreditNoteSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    @action(
        detail=True, methods=["get", "post"], url_path="credit-notes", url_name="credit-notes", pagination_class=None
    )
    def credit_notes(self, request: AuthenticatedRequest, pk: str) -> Response:
        invoice = self._visible(pk)
        if request.method == "GET":
            credit_notes = selectors.credit_note_list(user=request.user, invoice=invoice)
            return Response(CreditNoteSerializer(credit_notes, many=True).data)
        serializer = CreditNoteInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        credit_note = services.credit_note_create(
            invoice_id=invoice.pk, actor=request.user, **serializer.validated_data
        )
        fresh = selectors.credit_note_get(user=request.user, credit_note_id=credit_note.pk)
        return Response(CreditNoteSerializer(fresh).data, status=status.HTTP_201_CREATED)
