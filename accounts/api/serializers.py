"""Shapes of the auth API's input and output. Parsing only: the rules live in accounts.services."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.selectors import ROLES, user_roles


class RegisterInputSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(write_only=True, trim_whitespace=False, style={"input_type": "password"})
    full_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")


class LoginInputSerializer(serializers.Serializer):
    username = serializers.CharField(help_text="The username or the e-mail address.")
    password = serializers.CharField(write_only=True, trim_whitespace=False, style={"input_type": "password"})


class RefreshTokenInputSerializer(serializers.Serializer):
    refresh_token = serializers.CharField()


class TokenPairSerializer(serializers.Serializer):
    access_token = serializers.CharField()
    refresh_token = serializers.CharField()
    token_type = serializers.ChoiceField(choices=["bearer"])
    expires_in = serializers.IntegerField(help_text="Seconds until the access token expires.")


class MeSerializer(serializers.ModelSerializer):
    # The model allows an empty address (an account made in code without one): "an e-mail or empty".
    email = serializers.EmailField(read_only=True, allow_blank=True)
    roles = serializers.SerializerMethodField()

    class Meta:
        model = get_user_model()
        fields = ["id", "username", "email", "full_name", "is_verified", "is_staff", "roles", "date_joined"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=ROLES)))
    def get_roles(self, user) -> list[str]:
        return list(user_roles(user=user))


class PasswordResetRequestInputSerializer(serializers.Serializer):
    email = serializers.EmailField()


class VerificationResendInputSerializer(serializers.Serializer):
    email = serializers.EmailField()


class PasswordResetConfirmInputSerializer(serializers.Serializer):
    token = serializers.CharField()
    new_password = serializers.CharField(write_only=True, trim_whitespace=False, style={"input_type": "password"})


class PasswordChangeInputSerializer(serializers.Serializer):
    old_password = serializers.CharField(write_only=True, trim_whitespace=False, style={"input_type": "password"})
    new_password = serializers.CharField(write_only=True, trim_whitespace=False, style={"input_type": "password"})


class DetailSerializer(serializers.Serializer):
    """The `{"detail": ...}` body of messages and errors, for the API docs."""

    detail = serializers.CharField()
