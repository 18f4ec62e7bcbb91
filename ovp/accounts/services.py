"""Writes on accounts."""

from __future__ import annotations

from base64 import b32encode
from math import ceil

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from ovp.accounts.models import User


@transaction.atomic
def user_create(*, email: str, role: str, password: str | None = None, full_name: str = "") -> User:
    """Create a user (office administrators have Django admin by their role)."""
    user = User(email=email, role=role, full_name=full_name)
    user.full_clean(exclude=["password"])
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    return user


def user_upsert(*, email: str, role: str, password: str, full_name: str = "") -> User:
    """Create the user or bring an existing one to this role, name and password."""
    user = User.objects.filter(email=email.strip().lower()).first()
    if user is None:
        return user_create(email=email, role=role, password=password, full_name=full_name)
    user.role = role
    user.full_name = full_name
    user.is_active = True
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user


def sessions_clear_expired() -> int:
    """Delete expired sessions; returns how many were deleted."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


# Two-factor login (TOTP, django-otp). A session holding this key has given the password but
# not yet the code: ovp.accounts.middleware.TwoFactorMiddleware lets it reach only the code step.
TWO_FACTOR_PENDING_SESSION_KEY = "ovp_two_factor_pending"
TWO_FACTOR_DEVICE_NAME = "Authenticator app"
TWO_FACTOR_RULE_AT_LOGIN_SESSION_KEY = "ovp_two_factor_required_at_login"


def two_factor_device_for(user: User, *, confirmed: bool = True) -> TOTPDevice | None:
    """The user's authenticator (confirmed, or the one being set up), if any."""
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("-pk").first()


def two_factor_login_started(*, request: HttpRequest, user: User) -> None:
    """After the password: hold the session at the code step when the user has a device.

    Connected to `user_logged_in`, so every way in (the login page, the admin's login page,
    a password reset that logs in) asks for the code.
    """
    if two_factor_device_for(user) is not None:
        request.session[TWO_FACTOR_PENDING_SESSION_KEY] = True
    # a session opened while the office did not ask for two-factor login is ended when it
    # starts asking (TwoFactorMiddleware); one opened under the rule is taken through it
    request.session[TWO_FACTOR_RULE_AT_LOGIN_SESSION_KEY] = settings.OVP_REQUIRE_2FA_FOR_OFFICE


def _check_code(device: TOTPDevice, code: str) -> None:
    allowed, details = device.verify_is_allowed()
    if not allowed:
        wait = ""
        if details and details.get("locked_until"):
            seconds = max(1, ceil((details["locked_until"] - timezone.now()).total_seconds()))
            wait = f" Wait {seconds} seconds, then try again."
        raise ValidationError("Too many wrong codes in a row." + wait, code="throttled")
    if not device.verify_token(code.strip().replace(" ", "")):
        raise ValidationError(
            "That code is not right. Use the current 6-digit code from your authenticator "
            "app (each code works once).",
            code="wrong_code",
        )


def two_factor_verify(*, user: User, code: str) -> TOTPDevice:
    """Check the code given at login; returns the device that verified it."""
    device = two_factor_device_for(user)
    if device is None:
        raise ValidationError("This account has no two-factor device.", code="no_device")
    _check_code(device, code)
    return device


@transaction.atomic
def two_factor_enrol_start(*, user: User) -> TOTPDevice:
    """Make a new secret for an office user to add to an authenticator app (not yet in use)."""
    if not user.is_office:
        raise ValidationError("Two-factor login is for office accounts.", code="not_office")
    if two_factor_device_for(user) is not None:
        raise ValidationError("Two-factor login is already on.", code="already_on")
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    device = TOTPDevice(user=user, name=TWO_FACTOR_DEVICE_NAME, confirmed=False)
    device.full_clean()
    device.save()
    return device


@transaction.atomic
def two_factor_enrol_confirm(*, user: User, code: str) -> TOTPDevice:
    """Turn two-factor login on once the user shows a code from the new secret."""
    device = two_factor_device_for(user, confirmed=False)
    if device is None:
        raise ValidationError("Start the set-up first.", code="not_started")
    _check_code(device, code)
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return device


def two_factor_enrol_cancel(*, user: User) -> None:
    """Forget a secret that was never confirmed."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()


@transaction.atomic
def two_factor_disable(*, user: User, code: str) -> None:
    """Turn two-factor login off; needs a current code (an administrator can delete a lost
    device in Django admin instead)."""
    if settings.OVP_REQUIRE_2FA_FOR_OFFICE and user.is_office:
        raise ValidationError(
            "The office requires two-factor login for staff accounts; it cannot be turned off.",
            code="required",
        )
    device = two_factor_verify(user=user, code=code)
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.delete()


def two_factor_secret(device: TOTPDevice) -> str:
    """The secret as people type it into an authenticator app: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def two_factor_qr_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// address as a QR code, inline SVG (no image library needed)."""
    import qrcode.image.svg

    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    return image.to_string(encoding="unicode")
