"""The public pages of the resource library (/public/resources/): the resources for the
public, the same for everyone who asks (signed in or not, whatever the role), so a page can
be cached whole. A resource for any other audience answers 404 here, to staff too."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import URLPattern, path

from inventory.models import Language, Resource, ResourceQuerySet, Strategy
from inventory.permissions import PUBLIC_ONLY
from inventory.views.resources import library_page, send_version
from ovp.core.public_cache import public_page

# the filters a page is kept for; a title search or a topic is rendered each time
LIST_PARAMS = {"strategy": "|".join(Strategy.values), "language": "|".join(Language.values)}
LIST_FRESH = ("q", "topic")


def _public() -> ResourceQuerySet:
    return Resource.objects.for_audiences(PUBLIC_ONLY)


@public_page(params=LIST_PARAMS, fresh=LIST_FRESH)
def public_list(request: HttpRequest) -> HttpResponse:
    return library_page(request, _public(), template="inventory/resources/public_list.html")


@public_page
def public_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    resource = get_object_or_404(_public().with_current_version(), uuid=uuid)
    return render(
        request,
        "inventory/resources/public_detail.html",
        {"resource": resource, "current": resource.current},
    )


@public_page
def public_download(request: HttpRequest, uuid: str) -> HttpResponse:
    resource = get_object_or_404(_public().with_current_version(), uuid=uuid)
    current = resource.current
    if current is None:
        raise Http404("This resource has no file yet.")
    return send_version(current)


routes: list[URLPattern] = [
    path("", public_list, name="list"),
    path("<uuid:uuid>/", public_detail, name="detail"),
    path("<uuid:uuid>/download/", public_download, name="download"),
]
