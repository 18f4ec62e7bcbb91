"""The resource library's pages: the office's (publish, change, new version, retire) and the
portal's library for grantees and board members, with the downloads. Every page and
download finds its resource through `get_resource_for_user`: one the user may not see
answers 404, whichever version is asked for."""

from typing import cast

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_POST

from inventory.forms.resources import LibraryFilter, ResourceCreateForm, ResourceForm, VersionForm
from inventory.models import Resource, ResourceQuerySet, ResourceVersion
from inventory.permissions import (
    can_see_old_versions,
    get_resource_for_user,
    get_version_for_user,
)
from inventory.services.resources import (
    resource_create,
    resource_restore,
    resource_retire,
    resource_update,
    resource_version_add,
)
from inventory.uploads import limit_bytes
from ovp.accounts.models import Role
from ovp.accounts.permissions import office_required, role_required
from ovp.core.actions import AuthedRequest, form_action, post_action
from ovp.core.uploads import too_large, upload_limit


def topics_of(resources: ResourceQuerySet) -> list[str]:
    """Every topic the resources are tagged with, for the filter (one query)."""
    return sorted({tag for tags in resources.values_list("topics", flat=True) for tag in tags})


def send_version(version: ResourceVersion) -> HttpResponse:
    """A version's file, always as an attachment with the type judged at upload (never
    shown inline, never sniffed), or a redirect to its link."""
    if version.is_link:
        return HttpResponseRedirect(version.url)
    try:
        handle = version.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing from storage.") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=version.filename,
        content_type=version.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    # streamed; typed as the HttpResponse that the role decorators expect of views
    return cast(HttpResponse, response)


def library_page(
    request: HttpRequest, resources: ResourceQuerySet, *, template: str, office: bool = False
) -> HttpResponse:
    """A list of resources with its filters (the office's, the portal's, the public's)."""
    filters = LibraryFilter(request.GET or None, topics=topics_of(resources), office=office)
    shown = filters.apply(resources).with_current_version().order_by("title")
    return render(
        request,
        template,
        {
            "filters": filters,
            "filters_invalid": filters.is_bound and not filters.is_valid(),
            "resources": list(shown),
        },
    )


# ------------------------------------------------------------------------------- the office

LIMIT = {"limit_bytes": limit_bytes, "message": lambda: too_large(limit_bytes())}


@office_required
def resource_list(request: AuthedRequest) -> HttpResponse:
    return library_page(
        request, Resource.objects.all(), template="inventory/resources/list.html", office=True
    )


@upload_limit(**LIMIT)  # type: ignore[arg-type]
@office_required
def resource_create_view(request: AuthedRequest) -> HttpResponse:
    form = ResourceCreateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        done = form_action(form, lambda: resource_create(user=request.user, **form.values()))
        if done.value is not None:
            return redirect("inventory:resource_detail", uuid=done.value.uuid)
    return render(request, "inventory/resources/form.html", {"form": form, "creating": True})


@office_required
def resource_detail(request: AuthedRequest, uuid: str) -> HttpResponse:
    resource = get_object_or_404(Resource, uuid=uuid)
    versions = resource.versions.select_related("uploaded_by").order_by("-number")
    return render(
        request,
        "inventory/resources/detail.html",
        {"resource": resource, "versions": versions, "version_form": VersionForm()},
    )


@office_required
def resource_edit(request: AuthedRequest, uuid: str) -> HttpResponse:
    resource = get_object_or_404(Resource, uuid=uuid)
    initial = {
        "title": resource.title,
        "summary": resource.summary,
        "strategy": resource.strategy,
        "topics": ", ".join(resource.topics),
        "language": resource.language,
        "audience": resource.audience,
    }
    form = ResourceForm(request.POST or None, initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and form_action(form, lambda: resource_update(resource=resource, **form.values()))
    ):
        return redirect("inventory:resource_detail", uuid=resource.uuid)
    return render(
        request,
        "inventory/resources/form.html",
        {"form": form, "resource": resource, "creating": False},
    )


@upload_limit(**LIMIT, back="inventory:resource_detail")  # type: ignore[arg-type]
@office_required
@require_POST
def resource_version_add_view(request: AuthedRequest, uuid: str) -> HttpResponse:
    resource = get_object_or_404(Resource, uuid=uuid)
    form = VersionForm(request.POST, request.FILES)
    form.is_valid()  # every field is optional: the service says what is missing
    return post_action(
        request,
        lambda: resource_version_add(resource=resource, user=request.user, **form.values()),
        done=lambda version: f"Version {version.number} is now the current one.",
        then=reverse("inventory:resource_detail", kwargs={"uuid": resource.uuid}),
    )


@office_required
@require_POST
def resource_retire_view(request: AuthedRequest, uuid: str) -> HttpResponse:
    resource = get_object_or_404(Resource, uuid=uuid)
    if request.POST.get("restore"):
        return post_action(
            request,
            lambda: resource_restore(resource=resource),
            done=f"{resource.title} is back in the library.",
            then=reverse("inventory:resource_detail", kwargs={"uuid": resource.uuid}),
        )
    return post_action(
        request,
        lambda: resource_retire(resource=resource),
        done=f"{resource.title} is retired: only the office sees it now.",
        then=reverse("inventory:resource_detail", kwargs={"uuid": resource.uuid}),
    )


# ------------------------------------------------------------ the portal (every signed-in role)

# the library is for every role; what each sees is scoped by `visible_to`
signed_in_required = role_required(*Role.values)


@signed_in_required
def library(request: AuthedRequest) -> HttpResponse:
    """The library as the signed-in user may see it (staff: every audience's)."""
    resources = Resource.objects.visible_to(request.user).published()
    return library_page(request, resources, template="inventory/resources/library.html")


@signed_in_required
def library_resource(request: AuthedRequest, uuid: str) -> HttpResponse:
    resource = get_resource_for_user(request.user, uuid, Resource.objects.with_current_version())
    old = can_see_old_versions(request.user)
    return render(
        request,
        "inventory/resources/library_detail.html",
        {
            "resource": resource,
            "current": resource.current,
            "older": list(resource.versions.all())[1:] if old else [],
        },
    )


@signed_in_required
def resource_download(request: AuthedRequest, uuid: str, number: int | None = None) -> HttpResponse:
    """The current version (or, for staff, an earlier one) of a resource the user may see."""
    resource = get_resource_for_user(request.user, uuid)
    return send_version(get_version_for_user(request.user, resource, number))


routes: list[URLPattern] = [
    path("resources/", resource_list, name="resource_list"),
    path("resources/new/", resource_create_view, name="resource_create"),
    path("resources/<uuid:uuid>/", resource_detail, name="resource_detail"),
    path("resources/<uuid:uuid>/edit/", resource_edit, name="resource_edit"),
    path("resources/<uuid:uuid>/versions/", resource_version_add_view, name="resource_version_add"),
    path("resources/<uuid:uuid>/retire/", resource_retire_view, name="resource_retire"),
    path("library/", library, name="library"),
    path("library/<uuid:uuid>/", library_resource, name="library_resource"),
    path("library/<uuid:uuid>/download/", resource_download, name="resource_download"),
    path(
        "library/<uuid:uuid>/versions/<int:number>/download/",
        resource_download,
        name="resource_version_download",
    ),
]
