"""Two-factor login: a session that has given the password but not yet the code is not in.

After the password, a user with a confirmed TOTP device has a session marked pending (see
`ovp.accounts.services.two_factor_login_started`, run on every login, the admin's too).
Until the code is given, this middleware treats the request as anonymous and sends every
page but the code step and logout to the code step. With OVP_REQUIRE_2FA_FOR_OFFICE, office
users without a device are sent to enrolment, and office sessions opened before the rule was
on, with a password alone, are ended.
"""

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from ovp.accounts.services import (
    TWO_FACTOR_PENDING_SESSION_KEY,
    TWO_FACTOR_RULE_AT_LOGIN_SESSION_KEY,
    two_factor_device_for,
)


def _redirect(url_name: str, request: HttpRequest) -> HttpResponse:
    query = urlencode({"next": request.get_full_path()})
    return HttpResponseRedirect(f"{reverse(url_name)}?{query}")


class TwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.refuse(request) or self.get_response(request)

    def refuse(self, request: HttpRequest) -> HttpResponse | None:
        path = request.path_info
        logout = reverse("accounts:logout")
        if request.session.get(TWO_FACTOR_PENDING_SESSION_KEY):
            if path == logout:
                return None  # leaving is always allowed
            # nobody is logged in yet: no page, not even a public one, sees this user
            request.user = AnonymousUser()
            if path != reverse("accounts:two_factor_verify"):
                return _redirect("accounts:two_factor_verify", request)
            return None
        if not settings.OVP_REQUIRE_2FA_FOR_OFFICE:
            return None
        user = request.user
        if not (user.is_authenticated and user.is_office) or user.is_verified():  # type: ignore[attr-defined]
            return None
        if not request.session.get(TWO_FACTOR_RULE_AT_LOGIN_SESSION_KEY):
            # opened with a password alone, before the office asked for a second factor:
            # ended, so that a stolen password's session does not outlive the rule
            auth.logout(request)
            messages.info(request, "The office now asks for two-factor login: log in again.")
            return HttpResponseRedirect(reverse(settings.LOGIN_URL))
        if two_factor_device_for(user) is not None:
            # logged in before the device was confirmed, in another session: ask for the code
            request.session[TWO_FACTOR_PENDING_SESSION_KEY] = True
            return _redirect("accounts:two_factor_verify", request)
        if path in (logout, reverse("accounts:two_factor")):
            return None
        messages.info(request, "The office asks every staff account to turn on two-factor login.")
        return _redirect("accounts:two_factor", request)
