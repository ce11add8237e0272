"""The auth API: each view parses, calls one service or selector, and renders."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib.auth import update_session_auth_hash
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from accounts import services
from accounts.api.serializers import (
    DetailSerializer,
    LoginInputSerializer,
    MeSerializer,
    PasswordChangeInputSerializer,
    PasswordResetConfirmInputSerializer,
    PasswordResetRequestInputSerializer,
    RefreshTokenInputSerializer,
    RegisterInputSerializer,
    TokenPairSerializer,
    VerificationResendInputSerializer,
)
from accounts.authenticated import AuthenticatedRequest
from accounts.throttles import LOGIN_THROTTLES, VERIFICATION_RESEND_THROTTLES, AuthAnonThrottle
from core.parsers import BoundedJSONParser

TAGS = ["auth"]
DETAIL = OpenApiResponse(DetailSerializer)
VALIDATION_ERROR = OpenApiResponse(description="Field errors: `{field: [message, ...]}` or `{detail}`.")
THROTTLED = OpenApiResponse(DetailSerializer, description="Too many attempts; see the Retry-After header.")


def _token_pair_body(pair: services.TokenPair) -> dict:
    return TokenPairSerializer(pair).data


class AnonymousAuthApi(APIView):
    """Endpoints used before one has a token.

    They ignore any Authorization header (a stale access token must not block logging
    in again) and still answer 401 with a WWW-Authenticate challenge, as HTTP wants.
    """

    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes: Sequence[type[BaseThrottle]] = (AuthAnonThrottle,)

    def get_authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'

    def handle_exception(self, exc: Exception) -> Response:
        response = super().handle_exception(exc)
        if response.status_code == status.HTTP_401_UNAUTHORIZED and not response.has_header("WWW-Authenticate"):
            response["WWW-Authenticate"] = self.get_authenticate_header(self.request)
        return response


class RegisterApi(AnonymousAuthApi):
    @extend_schema(
        tags=TAGS,
        summary="Create an account",
        description=(
            "Creates an unverified account and e-mails it a verification link. The answer is the "
            "same 202 whether or not the address already has an account (that account's owner "
            "is e-mailed instead), so the answer never tells which addresses have accounts."
        ),
        request=RegisterInputSerializer,
        responses={202: DETAIL, 400: VALIDATION_ERROR, 429: THROTTLED},
    )
    def post(self, request: Request) -> Response:
        serializer = RegisterInputSerializer(data=request.data)
        if not serializer.is_valid():
            raise ValidationError(_every_registration_error(request.data, serializer.errors))
        services.user_register(**serializer.validated_data)
        return Response({"detail": services.registration_sent_detail()}, status=status.HTTP_202_ACCEPTED)


def _every_registration_error(data: Any, shape_errors: dict[str, Any]) -> dict[str, Any]:
    """The serializer's errors, plus the service's on the fields it did parse, so one
    answer lists every problem (a bad address no longer hides a weak password)."""
    values = {}
    for name in ("username", "email", "password", "full_name"):
        value = data.get(name, "") if hasattr(data, "get") else ""
        values[name] = value if isinstance(value, str) else ""
    service_errors = services.user_registration_errors(**values)
    merged = {field: messages for field, messages in service_errors.items() if field not in shape_errors}
    return {**merged, **shape_errors}


class VerifyEmailApi(AnonymousAuthApi):
    @extend_schema(
        tags=TAGS,
        summary="Confirm an e-mail address",
        request=None,
        responses={200: DETAIL, 400: DETAIL, 429: THROTTLED},
    )
    def post(self, request: Request, token: str) -> Response:
        services.user_verify_email(token=token)
        return Response({"detail": "E-mail address verified. You can log in now."})


class VerificationResendApi(AnonymousAuthApi):
    throttle_classes = VERIFICATION_RESEND_THROTTLES

    @extend_schema(
        tags=TAGS,
        summary="Send the verification e-mail again",
        description=(
            "E-mails a new verification link to the unverified account using this address. Always 202, "
            "whether or not such an account exists; throttled per client and per address."
        ),
        request=VerificationResendInputSerializer,
        responses={202: DETAIL, 400: VALIDATION_ERROR, 429: THROTTLED},
    )
    def post(self, request: Request) -> Response:
        serializer = VerificationResendInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.user_verification_resend(**serializer.validated_data)
        return Response({"detail": services.verification_resent_detail()}, status=status.HTTP_202_ACCEPTED)


class LoginApi(AnonymousAuthApi):
    parser_classes = (BoundedJSONParser, FormParser, MultiPartParser)
    throttle_classes = LOGIN_THROTTLES

    @extend_schema(
        tags=TAGS,
        summary="Log in",
        description="`username` may be the username or the e-mail address. JSON or form data.",
        request=LoginInputSerializer,
        responses={
            200: TokenPairSerializer,
            400: VALIDATION_ERROR,
            401: OpenApiResponse(DetailSerializer, description="Wrong credentials."),
            403: OpenApiResponse(DetailSerializer, description="The e-mail address is not verified yet."),
            429: THROTTLED,
        },
    )
    def post(self, request: Request) -> Response:
        serializer = LoginInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        pair = services.token_obtain(**serializer.validated_data, request=request._request)
        return Response(_token_pair_body(pair))


class RefreshApi(AnonymousAuthApi):
    throttle_classes = ()

    @extend_schema(
        tags=TAGS,
        summary="Rotate the tokens",
        description="Returns a new pair; the refresh token sent is blacklisted.",
        request=RefreshTokenInputSerializer,
        responses={200: TokenPairSerializer, 400: VALIDATION_ERROR, 401: DETAIL},
    )
    def post(self, request: Request) -> Response:
        serializer = RefreshTokenInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        pair = services.token_refresh(**serializer.validated_data)
        return Response(_token_pair_body(pair))


class LogoutApi(AnonymousAuthApi):
    throttle_classes = ()

    @extend_schema(
        tags=TAGS,
        summary="Log out",
        description="Blacklists the refresh token sent. No access token needed: holding the refresh token is enough.",
        request=RefreshTokenInputSerializer,
        responses={204: None, 400: VALIDATION_ERROR},
    )
    def post(self, request: Request) -> Response:
        serializer = RefreshTokenInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.token_revoke(**serializer.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeApi(APIView):
    permission_classes = (IsAuthenticated,)

    @extend_schema(tags=TAGS, summary="The signed-in user", responses={200: MeSerializer, 401: DETAIL})
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request.user).data)


class PasswordResetRequestApi(AnonymousAuthApi):
    @extend_schema(
        tags=TAGS,
        summary="Ask for a password reset e-mail",
        description="Always 202, whether or not an account uses the address.",
        request=PasswordResetRequestInputSerializer,
        responses={202: DETAIL, 400: VALIDATION_ERROR, 429: THROTTLED},
    )
    def post(self, request: Request) -> Response:
        serializer = PasswordResetRequestInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.user_password_reset_request(**serializer.validated_data)
        return Response(
            {"detail": "If an account uses that address, we have sent it a link to reset the password."},
            status=status.HTTP_202_ACCEPTED,
        )


class PasswordResetConfirmApi(AnonymousAuthApi):
    @extend_schema(
        tags=TAGS,
        summary="Set a new password with a reset token",
        description="The token works once. Every token issued to the account before is revoked.",
        request=PasswordResetConfirmInputSerializer,
        responses={200: DETAIL, 400: VALIDATION_ERROR, 429: THROTTLED},
    )
    def post(self, request: Request) -> Response:
        serializer = PasswordResetConfirmInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.user_password_reset_confirm(**serializer.validated_data)
        return Response({"detail": "Your password has been set. You can log in with it now."})


class PasswordChangeApi(APIView):
    permission_classes = (IsAuthenticated,)

    @extend_schema(
        tags=TAGS,
        summary="Change my password",
        description="Revokes every token issued before and returns a fresh pair for this client.",
        request=PasswordChangeInputSerializer,
        responses={200: TokenPairSerializer, 400: VALIDATION_ERROR, 401: DETAIL},
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        serializer = PasswordChangeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.user_password_change(user=request.user, **serializer.validated_data)
        if request.auth is None:
            # Signed in by session: keep this browser signed in, as Django's own view does.
            update_session_auth_hash(request._request, user)
        return Response(_token_pair_body(services.token_pair_issue(user=user)))
