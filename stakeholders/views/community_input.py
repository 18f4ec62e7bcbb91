"""The office's moderation of community input: the queue with its tallies, a comment's page
(edit its text), approve or reject."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_POST

from ovp.accounts.permissions import office_required
from ovp.areas.models import Area
from ovp.core.actions import AuthedRequest, form_action, post_action
from stakeholders import selectors, services
from stakeholders.forms import CommunityInputEditForm, CommunityInputFilter
from stakeholders.models import CommunityInput, InputStatus

INPUT_PAGE_SIZE = 50


def community_input_url(community_input: CommunityInput) -> str:
    return reverse("stakeholders:community_input_detail", kwargs={"uuid": community_input.uuid})


@office_required
def community_input_queue(request: AuthedRequest) -> HttpResponse:
    """Residents' comments, those waiting first, with the tallies of the approved ones."""
    areas = (
        Area.objects.filter(community_input__isnull=False)
        .only("id", "kind", "code", "name")
        .distinct()
        .order_by("name")
    )
    filters = CommunityInputFilter(request.GET or None, areas=areas)
    if filters.is_bound and not filters.is_valid():
        found = CommunityInput.objects.none()  # a filter that cannot be read shows nothing
    else:
        chosen = filters.cleaned_data if filters.is_bound else {}
        found = selectors.community_input_queue(
            status=chosen.get("status") or "",
            area=chosen.get("area"),
            topic=chosen.get("topic") or "",
        )
    page = Paginator(found, INPUT_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    tallies = selectors.community_input_tallies()
    return render(
        request,
        "stakeholders/community_input_queue.html",
        {
            "filters": filters,
            "page": page,
            "query": query.urlencode(),
            "waiting": tallies.awaiting,
            "tallies": tallies,
        },
    )


@office_required
def community_input_detail(request: AuthedRequest, uuid: str) -> HttpResponse:
    """One comment: its text to edit (personal details out) and the decision to take."""
    community_input = get_object_or_404(
        CommunityInput.objects.select_related("area", "moderated_by", "text_edited_by"), uuid=uuid
    )
    form = CommunityInputEditForm(request.POST or None, initial={"text": community_input.text})
    if (
        request.method == "POST"
        and form.is_valid()
        and form_action(
            form,
            lambda: services.community_input_edit(
                community_input=community_input, text=form.cleaned_data["text"], user=request.user
            ),
        )
    ):
        messages.success(request, "The text is saved.")
        return redirect(community_input_url(community_input))
    return render(
        request,
        "stakeholders/community_input_detail.html",
        {"community_input": community_input, "form": form, "statuses": InputStatus},
    )


def _moderate(request: AuthedRequest, uuid: str, status: InputStatus) -> HttpResponse:
    community_input = get_object_or_404(CommunityInput, uuid=uuid)
    return post_action(
        request,
        lambda: services.community_input_moderate(
            community_input=community_input,
            status=status,
            user=request.user,
            note=request.POST.get("note", "")[:500],
        ),
        done=f"The comment is {status.label.lower()}.",
        then=reverse("stakeholders:community_input_queue"),
    )


@office_required
@require_POST
def community_input_approve(request: AuthedRequest, uuid: str) -> HttpResponse:
    return _moderate(request, uuid, InputStatus.APPROVED)


@office_required
@require_POST
def community_input_reject(request: AuthedRequest, uuid: str) -> HttpResponse:
    return _moderate(request, uuid, InputStatus.REJECTED)


routes: list[URLPattern] = [
    path(
        "stakeholders/community-input/",
        community_input_queue,
        name="community_input_queue",
    ),
    path(
        "stakeholders/community-input/<uuid:uuid>/",
        community_input_detail,
        name="community_input_detail",
    ),
    path(
        "stakeholders/community-input/<uuid:uuid>/approve/",
        community_input_approve,
        name="community_input_approve",
    ),
    path(
        "stakeholders/community-input/<uuid:uuid>/reject/",
        community_input_reject,
        name="community_input_reject",
    ),
]
