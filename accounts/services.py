"""Every write the accounts app makes, and the login rules every door shares.

The API, the pages and the admin call these functions; none of them re-implements a
rule. Tokens: each JWT carries the user's `token_epoch` (see `accounts.authentication`).
Bumping the epoch and blacklisting the outstanding refresh tokens is how a password
change, a reset or a deactivation ends every session at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth import authenticate, get_user_model, password_validation
from django.contrib.auth.models import update_last_login
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.utils import datetime_from_epoch

from accounts import emails
from accounts.authentication import EPOCH_CLAIM
from accounts.errors import AccountNotVerified, InvalidCredentials, InvalidLink, TokenRejected
from accounts.tokens import (
    EmailVerificationExpired,
    EmailVerificationInvalid,
    email_verification_token_make,
    email_verification_token_read,
    password_reset_token_make,
    password_reset_token_user,
)
from core.errors import InvalidInput
from core.integrity import log_unexpected, violated_constraint

if TYPE_CHECKING:
    from accounts.models import User

# A taken username or e-mail, when a concurrent sign-up wins the race past our checks.
USER_UNIQUE_CONSTRAINTS = frozenset({"accounts_user_username_key", "accounts_user_email_ci_unique"})
TOKEN_TYPE = "bearer"  # noqa: S105 (the OAuth 2 token type, not a secret)


@dataclass(frozen=True)
class TokenPair:
    """What a login or a refresh hands back. `expires_in` is the access token's lifetime in seconds."""

    access_token: str
    refresh_token: str
    expires_in: int
    token_type: str = TOKEN_TYPE


# --- Registration and verification ----------------------------------------------------


# The username rule, in the words every door shows (help text and error alike). Django's
# own validator allows "@"; we refuse it, because at login "@" marks an e-mail address.
USERNAME_MAX_LENGTH = 150
USERNAME_RULE = f"Up to {USERNAME_MAX_LENGTH} characters: letters, digits and . + - _ only (no spaces, no @)."
USERNAME_INVALID = f"Enter a valid username. {USERNAME_RULE}"
_USERNAME_PATTERN = re.compile(r"[\w.+-]+")


def user_register(*, username: str, email: str, password: str, full_name: str = "") -> User | None:
    """Create a self-registered account, unverified, and e-mail it a verification link.

    An address that already has an account is never reported as taken, since that would
    tell anyone which addresses have accounts: nothing is created, the account's owner is
    e-mailed that someone tried, and every door answers exactly as for a new account.
    Returns the new user, or None in that case.

    Usernames and addresses are unique ignoring case, because login looks them up ignoring
    case. A username may not contain "@": at login, "@" is what marks an e-mail address.
    The e-mail is sent inside the transaction: if it cannot be sent, no account is left
    behind holding the username and address, and the person can simply try again.
    """
    user = _unsaved_user(username=username, email=email, full_name=full_name)
    errors = _registration_errors(user=user, password=password)
    if errors:
        raise InvalidInput("The account could not be created.", errors=errors)
    if _registration_attempt_on_existing_account(email=user.email):
        return None
    user.set_password(password)
    with transaction.atomic():
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError as exc:
            violation = violated_constraint(exc)
            if violation is None or violation.name not in USER_UNIQUE_CONSTRAINTS:
                log_unexpected(exc)
                raise
            # Someone took the name or address between our check and the insert.
            if _registration_attempt_on_existing_account(email=user.email):
                return None
            raise InvalidInput(
                "The account could not be created.",
                errors=_registration_errors(user=user, password=None)
                or {"username": ["Please choose another username."]},
            ) from exc
        emails.email_verification_send(user=user, token=email_verification_token_make(user=user))
    return user


def user_registration_errors(*, username: str, email: str, password: str, full_name: str = "") -> dict[str, list[str]]:
    """Every reason a sign-up with these values would be refused, field by field, in one pass.

    Writes nothing. The sign-up page asks it even when its own parsing already failed on
    one field (a malformed address, two passwords that differ), so a person sees the
    username and password problems at the first submit rather than one field per try.
    """
    user = _unsaved_user(username=username, email=email, full_name=full_name)
    return _registration_errors(user=user, password=password)


def registration_sent_detail() -> str:
    """What every door answers after a sign-up, new address or not."""
    return "Check your inbox: we sent a message to the address you gave. Follow its link to finish signing up."


def _unsaved_user(*, username: str, email: str, full_name: str) -> User:
    user_model = get_user_model()
    return user_model(
        username=user_model.normalize_username(username.strip()),
        email=user_model._default_manager.normalize_email(email.strip()),
        full_name=full_name.strip(),
        is_verified=False,
    )


def _registration_attempt_on_existing_account(*, email: str) -> bool:
    """If `email` belongs to an account, tell its owner someone tried to sign up with it."""
    existing = get_user_model()._default_manager.filter(email__iexact=email).first()
    if existing is None:
        return False
    emails.registration_attempt_send(user=existing)
    return True


def _registration_errors(*, user: User, password: str | None) -> dict[str, list[str]]:
    """The field checks of a sign-up, all of them: the model's, ours, and the password
    validators' (skipped when `password` is None). A taken address is not among them."""
    errors: dict[str, list[str]] = {}
    try:
        user.full_clean(exclude={"password"}, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for field, field_errors in exc.error_dict.items():
            for error in field_errors:
                if field == "username" and error.code == "invalid":
                    continue  # Django's wording allows "@"; ours is added below
                errors.setdefault(field, []).extend(error.messages)
    if not user.email and "email" not in errors:
        errors["email"] = ["This field may not be blank."]
    identity = user_identity_errors(username=user.username, email=user.email, email_taken=False)
    for field, messages in identity.items():
        errors.setdefault(field, []).extend(messages)
    if password is not None:
        try:
            password_validation.validate_password(password, user)
        except ValidationError as exc:
            errors.setdefault("password", []).extend(exc.messages)
    return errors


USERNAME_WITH_AT = 'A username may not contain "@"; it is reserved for logging in with an e-mail address.'
USERNAME_TAKEN = "A user with that username already exists."
EMAIL_TAKEN = "A user with that e-mail address already exists."


def user_identity_errors(
    *, username: str, email: str, exclude_id: int | None = None, email_taken: bool = True
) -> dict[str, list[str]]:
    """What every door that names an account checks: sign-up, and staff in the admin.

    A username follows `USERNAME_RULE`; one with "@" is told why in particular (at login "@"
    marks an e-mail address, so such a user could never log in by username). Usernames and
    addresses are unique ignoring case, since login looks them up ignoring case. Sign-up
    passes `email_taken=False`: it never says an address has an account (see
    `user_register`); staff are told."""
    errors: dict[str, list[str]] = {}
    manager = get_user_model()._default_manager
    others = manager.exclude(pk=exclude_id) if exclude_id is not None else manager.all()
    if "@" in username:
        errors.setdefault("username", []).append(USERNAME_WITH_AT)
    elif username and not _USERNAME_PATTERN.fullmatch(username):
        errors.setdefault("username", []).append(USERNAME_INVALID)
    if username and others.filter(username__iexact=username).exists():
        errors.setdefault("username", []).append(USERNAME_TAKEN)
    if email_taken and email and others.filter(email__iexact=email).exists():
        errors.setdefault("email", []).append(EMAIL_TAKEN)
    return errors


def user_verify_email(*, token: str) -> User:
    """Mark the address in a verification token as confirmed. Verifying twice is harmless."""
    try:
        user_id, email = email_verification_token_read(token=token)
    except EmailVerificationExpired as exc:
        raise InvalidLink(
            "This verification link has expired. Ask for a password reset for your address: "
            "following the reset link confirms the address too."
        ) from exc
    except EmailVerificationInvalid as exc:
        raise InvalidLink("This verification link is invalid.") from exc
    with transaction.atomic():
        user = get_user_model()._default_manager.select_for_update().filter(pk=user_id).first()
        if user is None or user.email.lower() != email:
            raise InvalidLink("This verification link is invalid.")
        if not user.is_verified:
            user.is_verified = True
            user.save(update_fields=["is_verified"])
    return user


def user_verification_resend(*, email: str) -> None:
    """E-mail a fresh verification link to the unverified account using this address.

    Says nothing either way, like the password reset, so it cannot be used to find out
    which addresses have accounts, or which of them are verified. Earlier links keep
    working until they expire: each is signed, none is stored.
    """
    users = get_user_model()._default_manager.filter(email__iexact=email.strip(), is_active=True, is_verified=False)
    for user in users:
        emails.email_verification_send(user=user, token=email_verification_token_make(user=user))


def verification_resent_detail() -> str:
    """What every door answers to a resend request, whatever the address."""
    return (
        "If an account that still needs confirming uses that address, we have sent it a new link. "
        "Check your inbox, and your spam folder."
    )


# --- Login and tokens ------------------------------------------------------------------


def user_login_check(*, user: User) -> None:
    """The rule every login door applies once the password is known to be right."""
    if not user.is_active:
        raise InvalidCredentials()
    if not user.is_verified:
        raise AccountNotVerified()


def user_authenticate(*, username: str, password: str, request: HttpRequest | None = None) -> User:
    """Check a username-or-e-mail and password. Wrong credentials are 401, unverified 403."""
    user = authenticate(request, username=username, password=password)
    if user is None:
        raise InvalidCredentials()
    user_login_check(user=user)
    return user


def token_obtain(*, username: str, password: str, request: HttpRequest | None = None) -> TokenPair:
    """Log in through the API: authenticate, then issue a token pair."""
    user = user_authenticate(username=username, password=password, request=request)
    if request is not None:
        # A token login is a login: the signal records last_login (Django's own receiver)
        # and clears the failed-attempt count of the lockout (axes), as a session login does.
        user_logged_in.send(sender=user.__class__, request=request, user=user)
    else:
        update_last_login(type(user), user)
    return token_pair_issue(user=user)


def token_pair_issue(*, user: User) -> TokenPair:
    """Issue a refresh token and its access token, both stamped with the user's current epoch.

    The refresh token is built by hand rather than with `RefreshToken.for_user` so the
    outstanding-token row stores the token exactly as issued, epoch claim included.
    """
    refresh = RefreshToken()
    refresh[jwt_settings.USER_ID_CLAIM] = str(getattr(user, jwt_settings.USER_ID_FIELD))
    refresh[EPOCH_CLAIM] = user.token_epoch
    encoded_refresh = str(refresh)
    OutstandingToken.objects.create(
        user=user,
        jti=refresh[jwt_settings.JTI_CLAIM],
        token=encoded_refresh,
        created_at=refresh.current_time,
        expires_at=datetime_from_epoch(refresh["exp"]),
    )
    access = refresh.access_token  # copies the user id and epoch claims
    return TokenPair(
        access_token=str(access),
        refresh_token=encoded_refresh,
        expires_in=int(jwt_settings.ACCESS_TOKEN_LIFETIME.total_seconds()),
    )


def token_refresh(*, refresh_token: str) -> TokenPair:
    """Trade a refresh token for a new pair; the old refresh token is blacklisted.

    simplejwt's own refresh serializer checks the signature, expiry and blacklist but not
    our epoch nor verification, so a token from before a password reset would still
    refresh. Blacklisting goes through the unique row of BlacklistedToken: of two
    concurrent refreshes with the same token, exactly one wins.
    """
    refresh = _refresh_token_decode(refresh_token)
    user = _refresh_token_user(refresh)
    with transaction.atomic():
        outstanding, _ = OutstandingToken.objects.get_or_create(
            jti=refresh[jwt_settings.JTI_CLAIM],
            defaults={
                "user": user,
                "token": refresh_token,
                "created_at": timezone.now(),
                "expires_at": datetime_from_epoch(refresh["exp"]),
            },
        )
        _, blacklisted_now = BlacklistedToken.objects.get_or_create(token=outstanding)
        if not blacklisted_now:
            raise TokenRejected("Token is blacklisted.")
        return token_pair_issue(user=user)


def token_revoke(*, refresh_token: str) -> None:
    """Log out: blacklist one refresh token. Holding the token is the proof needed."""
    try:
        refresh = RefreshToken(refresh_token)  # type: ignore[arg-type]  # simplejwt parses a token string too
    except TokenError as exc:
        raise InvalidInput("Token is invalid or expired.", code="token_not_valid") from exc
    refresh.blacklist()


def user_tokens_revoke_all(*, user: User) -> None:
    """End every API session of a user: bump the epoch and blacklist every live refresh token.

    The epoch bump stops access tokens at once (they are checked on every request); the
    blacklist stops refresh tokens even for code that only consults simplejwt.
    """
    user_model = get_user_model()
    with transaction.atomic():
        user_model._default_manager.filter(pk=user.pk).update(token_epoch=F("token_epoch") + 1)
        user.refresh_from_db(fields=["token_epoch"])
        live = OutstandingToken.objects.filter(
            user=user, blacklistedtoken__isnull=True, expires_at__gt=timezone.now()
        ).only("pk")
        BlacklistedToken.objects.bulk_create([BlacklistedToken(token=token) for token in live], ignore_conflicts=True)


def _refresh_token_decode(refresh_token: str) -> RefreshToken:
    try:
        return RefreshToken(refresh_token)  # type: ignore[arg-type]  # a token string: signature, expiry, type and blacklist checked
    except TokenError as exc:
        raise TokenRejected() from exc


def _refresh_token_user(refresh: RefreshToken) -> User:
    try:
        user_id = int(refresh.get(jwt_settings.USER_ID_CLAIM))
    except (TypeError, ValueError) as exc:
        raise TokenRejected() from exc
    user = get_user_model()._default_manager.filter(pk=user_id).first()
    if user is None or not user.is_active or not user.is_verified:
        raise TokenRejected("No active account found for the given token.")
    if refresh.get(EPOCH_CLAIM, 0) != user.token_epoch:
        raise TokenRejected("Token has been revoked.")
    return user


# --- Passwords -------------------------------------------------------------------------


def user_password_set(*, user: User, new_password: str | None) -> User:
    """The one place a password changes. `None` disables password login (the admin's option).

    Every token issued before is revoked; Django already ends the other browser sessions,
    because a session stores a hash of the password.
    """
    if new_password is None:
        user.set_unusable_password()
    else:
        _password_validate(user=user, password=new_password, field="new_password")
        user.set_password(new_password)
    with transaction.atomic():
        user.save(update_fields=["password"])
        user_tokens_revoke_all(user=user)
    return user


def user_password_change(*, user: User, old_password: str, new_password: str) -> User:
    """A signed-in user changes their own password, proving they know the current one."""
    if not user.check_password(old_password):
        raise InvalidInput(
            "The current password is not correct.",
            errors={"old_password": ["Your old password was entered incorrectly. Please enter it again."]},
        )
    return user_password_set(user=user, new_password=new_password)


def user_password_reset_request(*, email: str) -> None:
    """E-mail a single-use reset link to every active account using this address.

    Says nothing either way, so the endpoint cannot be used to find out who has an
    account. Accounts whose password login was disabled by staff are skipped, as Django's
    own reset form does.
    """
    users = get_user_model()._default_manager.filter(email__iexact=email.strip(), is_active=True)
    for user in users:
        if user.has_usable_password():
            emails.password_reset_send(user=user, token=password_reset_token_make(user=user))


def user_password_reset_confirm(*, token: str, new_password: str) -> User:
    """Set a new password from a reset token, which then stops working.

    Following the e-mailed link proves the person reads that inbox, so the address
    counts as verified from here on.
    """
    user = password_reset_token_user(token=token)
    if user is None:
        raise InvalidLink("This password reset link is invalid, has expired or has already been used.")
    with transaction.atomic():
        user_password_set(user=user, new_password=new_password)
        if not user.is_verified:
            user.is_verified = True
            user.save(update_fields=["is_verified"])
    return user


def _password_validate(*, user: User, password: str, field: str) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise InvalidInput("The password is not strong enough.", errors={field: list(exc.messages)}) from exc
