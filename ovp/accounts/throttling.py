"""Who a failed login is counted against: by django-axes, the address the client connected
from, as the trusted proxy saw it (an IPv6 client by its /64: one household or server holds
the whole block), with the email as the account knows it; and by `AccountGuessLimit`, the
email alone, from every address together, with a higher limit, so that guessing spread
over many addresses is slowed too while one attacker cannot lock an owner out with a few
tries."""

import ipaddress
import logging
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from ovp.accounts.models import User

logger = logging.getLogger(__name__)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address. Behind `OVP_PROXY_COUNT` trusted proxies, each of which appends
    the address it was reached from to X-Forwarded-For, that is the entry that many places
    from the right: whatever stands to its left the client wrote itself. Without proxies, or
    when the header holds fewer entries than there are proxies (a request that did not come
    through them), the connection's own address."""
    proxies = settings.OVP_PROXY_COUNT
    if proxies > 0:
        header = request.META.get("HTTP_X_FORWARDED_FOR", "")
        entries = [entry.strip() for entry in header.split(",") if entry.strip()]
        if len(entries) >= proxies:
            try:
                return _counted(entries[-proxies])
            except ValueError:
                pass  # not an address: the proxy did not write it; count the connection
    address = request.META.get("REMOTE_ADDR")
    try:
        return _counted(address) if address else address
    except ValueError:
        return address


def _counted(text: str) -> str:
    """The address a client is counted by: an IPv4 address itself, an IPv6 one's /64."""
    address = ipaddress.ip_address(text)
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped:  # an IPv4 client seen through an IPv6 socket
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
    return str(address)


def username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str | None:
    """The email as typed, as the login reads it: without surrounding spaces, lower-cased
    (the login accepts any case, so the lockout must count every case as one)."""
    typed = (credentials or {}).get(settings.AXES_USERNAME_FORM_FIELD)
    if typed is None:
        typed = request.POST.get(settings.AXES_USERNAME_FORM_FIELD)
    return typed.strip().lower() if isinstance(typed, str) else typed


def _failures_key(email: str) -> str:
    return f"login-failures:{email}"


def account_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kw: Any
) -> None:
    """Count a failed login against the email, from whatever address (user_login_failed)."""
    email = (credentials.get("username") or "").strip().lower()
    if not email:
        return
    from ovp.core.cache import unreachable

    key = _failures_key(email)
    try:
        cache.add(key, 0, timeout=int(settings.AXES_COOLOFF_TIME * 3600))
        cache.incr(key)
    except (ValueError, *unreachable()):  # type: ignore[misc]
        logger.warning("Login failures for an account could not be counted")


DEVICE_COOKIE = "ovp_device"
DEVICE_SALT = "ovp.accounts.known-device"
DEVICE_MAX_AGE = 60 * 60 * 24 * 365


def known_device(request: Any, email: str) -> bool:
    """The browser has logged in to this email before: it holds the signed cookie a login
    leaves (`KnownDeviceMiddleware`)."""
    from django.core import signing

    try:
        value = signing.loads(
            request.COOKIES.get(DEVICE_COOKIE, ""), salt=DEVICE_SALT, max_age=DEVICE_MAX_AGE
        )
    except signing.BadSignature:
        return False
    return value == _device_of(email)


def _device_of(email: str) -> str:
    import hashlib

    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


class KnownDeviceMiddleware:
    """Leave the signed cookie saying this browser has logged in to the user's email, on the
    first response after a login (see `AccountGuessLimit`)."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        response = self.get_response(request)
        user: User | AnonymousUser | None = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not known_device(request, user.email):
            from django.core import signing

            response.set_cookie(
                DEVICE_COOKIE, signing.dumps(_device_of(user.email), salt=DEVICE_SALT),
                max_age=DEVICE_MAX_AGE, httponly=True, samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )  # fmt: skip
        return response


class AccountGuessLimit:
    """An authentication backend that refuses an email that has failed to log in
    OVP_ACCOUNT_FAILURE_LIMIT times within the cool-off, from any addresses; the person sees
    the lockout page. A browser that has logged in to the email before is let through (the
    per-address limit still holds): guessing from many addresses cannot lock the owner out of
    their own browser. It authenticates no one itself (and has no get_user: a session is
    never this backend's)."""

    def authenticate(self, request: Any, username: str | None = None, **kwargs: Any) -> None:
        email = (username or "").strip().lower()
        if request is None or not email or known_device(request, email):
            return None
        failures = cache.get(_failures_key(email)) or 0
        if failures >= settings.OVP_ACCOUNT_FAILURE_LIMIT:
            request.axes_locked_out = True  # axes' middleware answers with the lockout page
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        return None
