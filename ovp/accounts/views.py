from urllib.parse import urlencode

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from ovp.accounts import services
from ovp.accounts.forms import EmailAuthenticationForm, TwoFactorCodeForm
from ovp.accounts.permissions import office_required
from ovp.core.actions import AuthedRequest


class LoginView(auth_views.LoginView):
    form_class = EmailAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        if self.request.session.get(services.TWO_FACTOR_PENDING_SESSION_KEY):
            # the password was right; the code comes next, then the page asked for
            return redirect_to_code_step(self.get_success_url())
        return response


def redirect_to_code_step(next_url: str) -> HttpResponse:
    return redirect(f"{resolve_url('accounts:two_factor_verify')}?{urlencode({'next': next_url})}")


def _next_url(request: HttpRequest) -> str:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def home(request: AuthedRequest) -> HttpResponse:
    """Send each role to its own home page (LoginRequiredMiddleware signs the visitor in first)."""
    return redirect(settings.OVP_ROLE_HOMES[request.user.role])


@login_not_required  # the session is not logged in until the code is given
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The second step of login: the code from the user's authenticator app."""
    if not request.session.get(services.TWO_FACTOR_PENDING_SESSION_KEY):
        return redirect(_next_url(request) if request.user.is_authenticated else "accounts:login")
    user = get_user(request)  # the user who gave the password (request.user is anonymous)
    if not user.is_authenticated:  # deactivated or deleted since: start again
        request.session.flush()
        return redirect("accounts:login")
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.two_factor_verify(user=user, code=form.cleaned_data["code"])
        # not form_action: a wrong code belongs on the code field, not above the form
        except ValidationError as error:
            form.add_error("code", error)
        else:
            del request.session[services.TWO_FACTOR_PENDING_SESSION_KEY]
            request.session.cycle_key()
            request.user = user  # now logged in; django_otp.login marks the session verified
            django_otp.login(request, device)
            return redirect(_next_url(request))
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")},
    )


@office_required
@require_http_methods(["GET", "POST"])
def two_factor(request: AuthedRequest) -> HttpResponse:
    """An office user's own two-factor page: set up, confirm, or turn off."""
    user = request.user
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "start":
                services.two_factor_enrol_start(user=user)
                return redirect("accounts:two_factor")
            if action == "cancel":
                services.two_factor_enrol_cancel(user=user)
                return redirect("accounts:two_factor")
            if form.is_valid() and action == "confirm":
                device = services.two_factor_enrol_confirm(
                    user=user,
                    code=form.cleaned_data["code"],
                )
                django_otp.login(request, device)
                messages.success(request, "Two-factor login is on: each login now asks for a code.")
                return redirect(
                    _next_url(request) if request.GET.get("next") else "accounts:two_factor"
                )
            if form.is_valid() and action == "disable":
                services.two_factor_disable(user=user, code=form.cleaned_data["code"])
                messages.success(request, "Two-factor login is off.")
                return redirect("accounts:two_factor")
        # not post_action or form_action: one form, four buttons; two answer as messages
        except ValidationError as error:
            if action in ("start", "cancel"):
                messages.error(request, error.messages[0])
                return redirect("accounts:two_factor")
            form.add_error("code", error)
    device = services.two_factor_device_for(user)
    pending = None if device else services.two_factor_device_for(user, confirmed=False)
    context = {
        "device": device,
        "pending": pending,
        "form": form,
        "required": settings.OVP_REQUIRE_2FA_FOR_OFFICE,
    }
    if pending is not None:
        context["qr_svg"] = services.two_factor_qr_svg(pending)
        context["secret"] = services.two_factor_secret(pending)
    return render(request, "accounts/two_factor.html", context)
