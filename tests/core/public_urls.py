"""Views for tests/core/test_public_cache.py: each counts its renderings."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.urls import include, path

from ovp.areas.selectors import is_area_code
from ovp.core.public_cache import YEAR, public_page

RENDERED: list[str] = []


@public_page(params={"year": YEAR})
def page(request: HttpRequest) -> HttpResponse:
    RENDERED.append(request.get_full_path())
    year = request.GET.get("year", "latest")
    signed_in = "signed in" if request.user.is_authenticated else "anonymous"
    return HttpResponse(f"<p>year {year}, {signed_in}, rendering {len(RENDERED)}</p>" * 50)


@public_page
def with_a_form(request: HttpRequest) -> HttpResponse:
    RENDERED.append(request.get_full_path())
    return HttpResponse(f'<input name="csrfmiddlewaretoken" value="{get_token(request)}">')


@public_page
def with_a_message(request: HttpRequest) -> HttpResponse:
    RENDERED.append(request.get_full_path())
    messages.info(request, "Thank you")
    return HttpResponse("thanks")


@public_page(params={"area": is_area_code})
def by_area(request: HttpRequest) -> HttpResponse:
    RENDERED.append(request.get_full_path())
    return HttpResponse(f"<p>area {request.GET.get('area', 'none')}</p>")


@public_page(fresh=("q",))
def search(request: HttpRequest) -> HttpResponse:
    RENDERED.append(request.get_full_path())
    return HttpResponse(f"<p>found for {request.GET.get('q', 'nothing asked')}</p>")


urlpatterns = [
    path("public/search/", search),
    path("public/page/", page),
    path("public/by-area/", by_area),
    path("public/form/", with_a_form),
    path("public/message/", with_a_message),
    path("", include("ovp.urls")),  # the pages the middleware names (login and the rest)
]
