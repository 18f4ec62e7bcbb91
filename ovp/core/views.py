from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from ovp.accounts.permissions import board_required, office_required
from ovp.core import selectors
from ovp.core.actions import AuthedRequest
from ovp.core.panels import panels_for
from ovp.core.public_cache import public_page


@login_not_required
def root(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:home")
    return redirect(settings.LOGIN_URL)


@public_page
def public_index(request: HttpRequest) -> HttpResponse:
    """Every public page, with a sentence each (ovp/core/public.py lists them)."""
    from ovp.core.public import public_links

    return render(request, "core/public_index.html", {"pages": public_links()})


@login_not_required
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and container health checks: is the database reachable?"""
    checks = {"database": "ok", "cache": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # any failure means not healthy
        checks["database"] = "unavailable"
    # dashboards keep working from the database when Redis is down (the cache degrades:
    # ovp/core/cache.py), so this is reported, not a failure
    if not getattr(cache, "reachable", lambda: True)():
        checks["cache"] = "unavailable"
    status = 200 if checks["database"] == "ok" else 503
    return JsonResponse(checks, status=status)


@office_required
def office_home(request: AuthedRequest) -> HttpResponse:
    """The director's scorecard: each figure from the app that owns it (ovp/core/scorecard.py),
    each linking to the page it comes from."""
    from ovp.core.scorecard import grouped, scorecard

    figures = scorecard(timezone.localdate())
    year = next((f.value for f in figures if f.key == "year"), None)
    return render(
        request,
        "core/office_home.html",
        {"summary": selectors.office_summary(), "groups": grouped(figures), "year": year},
    )


@office_required
def scorecard_json(request: AuthedRequest) -> JsonResponse:
    from ovp.core.scorecard import scorecard_json as figures

    return JsonResponse(figures(timezone.localdate()))


@board_required
def board_home(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "core/board_home.html",
        {"summary": selectors.office_summary(), "panels": panels_for(request.user, request)},
    )


@office_required
def schedule(request: AuthedRequest) -> HttpResponse:
    return render(request, "core/schedule.html", {"jobs": selectors.scheduled_jobs()})
