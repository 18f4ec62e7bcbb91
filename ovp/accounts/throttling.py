"""Who a failed login is counted against (django-axes): the address the client connected
from, as the trusted proxy saw it, and the email as the account knows it."""

import ipaddress
from typing import Any

from django.conf import settings
from django.http import HttpRequest


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
                return str(ipaddress.ip_address(entries[-proxies]))
            except ValueError:
                pass  # not an address: the proxy did not write it; count the connection
    return request.META.get("REMOTE_ADDR")


def username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str | None:
    """The email as typed, as the login reads it: without surrounding spaces, lower-cased
    (the login accepts any case, so the lockout must count every case as one)."""
    typed = (credentials or {}).get(settings.AXES_USERNAME_FORM_FIELD)
    if typed is None:
        typed = request.POST.get(settings.AXES_USERNAME_FORM_FIELD)
    return typed.strip().lower() if isinstance(typed, str) else typed
