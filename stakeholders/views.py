"""Pages of the stakeholder registry. The office runs it; board members read the boards they
sit on (names and roles, never contact details); grantees are turned away (403)."""

import uuid as uuid_module
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from ovp.accounts.models import OFFICE_ROLES, Role
from ovp.accounts.permissions import grantee_required, office_required, role_required
from ovp.areas.models import Area
from ovp.core.actions import AuthedRequest, form_action, post_action
from ovp.core.origin import same_site_posts
from ovp.core.panels import panels_for
from ovp.core.public_cache import public_page
from ovp.core.uploads import text_form
from stakeholders import selectors, services, spam
from stakeholders.forms import (
    ActionItemForm,
    BoardForm,
    CommunityInputEditForm,
    CommunityInputFilter,
    CommunityInputForm,
    GoalForm,
    MeetingForm,
    MembershipForm,
    OrganisationFilter,
    OrganisationForm,
    PersonForm,
)
from stakeholders.models import (
    ActionItem,
    Board,
    BoardMembership,
    CommunityInput,
    Goal,
    InputStatus,
    Organisation,
    Person,
)
from stakeholders.permissions import can_edit_registry, can_see_contact_details

# pages a board member may open too; the scoped selectors narrow what they find (else 404)
office_or_board_required = role_required(*OFFICE_ROLES, Role.BOARD)


@grantee_required
def grantee_home(request: AuthedRequest) -> HttpResponse:
    organisations = Organisation.objects.for_member(request.user)
    return render(
        request,
        "stakeholders/grantee_home.html",
        {"organisations": organisations, "panels": panels_for(request.user, request)},
    )


def _form_page(
    request: HttpRequest, form: Any, *, title: str, back_url: str, back_label: str, intro: str = ""
) -> HttpResponse:
    return render(
        request,
        "stakeholders/form.html",
        {
            "form": form,
            "title": title,
            "intro": intro,
            "back_url": back_url,
            "back_label": back_label,
        },
    )


# Organisations and their people


@office_required
def organisation_list(request: AuthedRequest) -> HttpResponse:
    found = OrganisationFilter(request.GET, queryset=Organisation.objects.all())
    return render(
        request,
        "stakeholders/organisation_list.html",
        {"filter": found, "organisations": found.qs, "can_edit": can_edit_registry(request.user)},
    )


@office_required
def organisation_detail(request: AuthedRequest, uuid: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, uuid=uuid)
    return render(
        request,
        "stakeholders/organisation_detail.html",
        {
            "organisation": organisation,
            "can_edit": can_edit_registry(request.user),
            "show_contacts": can_see_contact_details(request.user),
            **selectors.organisation_detail(organisation),
        },
    )


@office_required
def organisation_create(request: AuthedRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and (
            organisation := form_action(
                form, lambda: services.organisation_create(**form.cleaned_data)
            ).value
        )
    ):
        messages.success(request, f"{organisation.name} is in the registry.")
        return redirect(organisation_url(organisation))
    return _form_page(
        request,
        form,
        title="New organisation",
        back_url=reverse("stakeholders:organisation_list"),
        back_label="Organisations",
    )


@office_required
def organisation_edit(request: AuthedRequest, uuid: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, uuid=uuid)
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        members = data.pop("members")
        if form_action(
            form,
            lambda: services.organisation_update(
                organisation=organisation, data=data, members=members
            ),
        ):
            messages.success(request, f"{organisation.name} is saved.")
            return redirect(organisation_url(organisation))
    return _form_page(
        request,
        form,
        title=f"Edit {organisation.name}",
        back_url=organisation_url(organisation),
        back_label=organisation.name,
    )


def organisation_url(organisation: Organisation) -> str:
    return reverse("stakeholders:organisation_detail", kwargs={"uuid": organisation.uuid})


@office_required
def person_create(request: AuthedRequest, uuid: str | None = None) -> HttpResponse:
    """A new contact at an organisation (or, without one, someone in their own right)."""
    organisation = get_object_or_404(Organisation, uuid=uuid) if uuid else None
    form = PersonForm(request.POST or None, initial={"organisation": organisation})
    if (
        request.method == "POST"
        and form.is_valid()
        and (person := form_action(form, lambda: services.person_create(**form.cleaned_data)).value)
    ):
        messages.success(request, f"{person.full_name} is saved.")
        return redirect(_person_back_url(person))
    if organisation:
        back_url, back_label = organisation_url(organisation), organisation.name
    else:
        back_url, back_label = reverse("stakeholders:organisation_list"), "Organisations"
    return _form_page(
        request,
        form,
        title="New person" + (f" at {organisation.name}" if organisation else ""),
        back_url=back_url,
        back_label=back_label,
    )


@office_required
def person_edit(request: AuthedRequest, uuid: str) -> HttpResponse:
    person = get_object_or_404(Person.objects.select_related("organisation"), uuid=uuid)
    form = PersonForm(request.POST or None, instance=person)
    if (
        request.method == "POST"
        and form.is_valid()
        and form_action(form, lambda: services.person_update(person=person, data=form.cleaned_data))
    ):
        messages.success(request, f"{person.full_name} is saved.")
        return redirect(_person_back_url(person))
    if person.organisation:
        back_url, back_label = organisation_url(person.organisation), person.organisation.name
    else:
        back_url, back_label = reverse("stakeholders:organisation_list"), "Organisations"
    return _form_page(
        request, form, title=f"Edit {person.full_name}", back_url=back_url, back_label=back_label
    )


def _person_back_url(person: Person) -> str:
    """Where a saved person is seen: their organisation, or the registry for someone alone."""
    where = person.organisation
    return organisation_url(where) if where else reverse("stakeholders:organisation_list")


# Boards, their members, meetings and goals


def board_url(board: Board) -> str:
    return reverse("stakeholders:board_detail", kwargs={"uuid": board.uuid})


@office_or_board_required
def board_list(request: AuthedRequest) -> HttpResponse:
    """All boards for the office; "My boards" for a board member (those they sit on now)."""
    today = timezone.localdate()
    return render(
        request,
        "stakeholders/board_list.html",
        {
            "boards": selectors.boards_for_user(request.user, today),
            "is_office": can_edit_registry(request.user),
            "can_edit": can_edit_registry(request.user),
        },
    )


@office_required
def board_create(request: AuthedRequest) -> HttpResponse:
    form = BoardForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and (board := form_action(form, lambda: services.board_create(**form.cleaned_data)).value)
    ):
        messages.success(request, f"{board.name} is set up.")
        return redirect(board_url(board))
    return _form_page(
        request,
        form,
        title="New board or task force",
        back_url=reverse("stakeholders:board_list"),
        back_label="Boards and task forces",
    )


@office_or_board_required
def board_detail(request: AuthedRequest, uuid: str) -> HttpResponse:
    today = timezone.localdate()
    board = selectors.get_board_for_user(request.user, uuid, today)
    return render(
        request,
        "stakeholders/board_detail.html",
        {
            "board": board,
            "today": today,
            "can_edit": can_edit_registry(request.user),
            "show_contacts": can_see_contact_details(request.user),
            **selectors.board_detail(board, today),
        },
    )


@office_required
def membership_add(request: AuthedRequest, uuid: str) -> HttpResponse:
    board = get_object_or_404(Board, uuid=uuid)
    form = MembershipForm(request.POST or None, instance=BoardMembership(board=board))
    if (
        request.method == "POST"
        and form.is_valid()
        and (
            membership := form_action(
                form, lambda: services.membership_add(board=board, **form.cleaned_data)
            ).value
        )
    ):
        messages.success(request, f"{membership.person} is a member of {board.name}.")
        return redirect(board_url(board))
    return _form_page(
        request,
        form,
        title=f"Add a member to {board.name}",
        back_url=board_url(board),
        back_label=board.name,
    )


@office_required
def meeting_create(request: AuthedRequest, uuid: str) -> HttpResponse:
    board = get_object_or_404(Board, uuid=uuid)
    form = MeetingForm(request.POST or None, board=board)
    if (
        request.method == "POST"
        and form.is_valid()
        and (
            meeting := form_action(
                form, lambda: services.meeting_record(board=board, **form.cleaned_data)
            ).value
        )
    ):
        messages.success(request, "The meeting is recorded.")
        return redirect("stakeholders:meeting_detail", uuid=meeting.uuid)
    return _form_page(
        request,
        form,
        title=f"Record a meeting of {board.name}",
        back_url=board_url(board),
        back_label=board.name,
    )


@office_or_board_required
def meeting_detail(request: AuthedRequest, uuid: str) -> HttpResponse:
    meeting = selectors.get_meeting_for_user(request.user, uuid, timezone.localdate())
    return render(request, "stakeholders/meeting_detail.html", {"meeting": meeting})


@office_required
def goal_create(request: AuthedRequest) -> HttpResponse:
    board = _board_from_query(request.GET.get("board", ""))
    form = GoalForm(request.POST or None, initial={"board": board})
    if (
        request.method == "POST"
        and form.is_valid()
        and (goal := form_action(form, lambda: services.goal_create(**form.cleaned_data)).value)
    ):
        messages.success(request, f"The goal “{goal.title}” is set.")
        return redirect(goal_url(goal))
    return _form_page(
        request,
        form,
        title="New goal",
        back_url=board_url(board) if board else reverse("stakeholders:accountability"),
        back_label=board.name if board else "Accountability",
    )


def _board_from_query(value: str) -> Board | None:
    """The board a "new goal" link came from; a mangled link just starts without one."""
    try:
        return Board.objects.filter(uuid=uuid_module.UUID(value)).first()
    except ValueError:
        return None


def goal_url(goal: Goal) -> str:
    return reverse("stakeholders:goal_detail", kwargs={"uuid": goal.uuid})


@office_or_board_required
def goal_detail(request: AuthedRequest, uuid: str) -> HttpResponse:
    goal = selectors.get_goal_for_user(request.user, uuid, timezone.localdate())
    return render(
        request,
        "stakeholders/goal_detail.html",
        {
            "goal": goal,
            "action_items": selectors.action_items_with_owners().filter(goal=goal),
            "today": timezone.localdate(),
            "can_edit": can_edit_registry(request.user),
        },
    )


@office_required
def action_item_create(request: AuthedRequest, uuid: str) -> HttpResponse:
    goal = get_object_or_404(Goal, uuid=uuid)
    form = ActionItemForm(request.POST or None, instance=ActionItem(goal=goal))
    if (
        request.method == "POST"
        and form.is_valid()
        and (
            action_item := form_action(
                form, lambda: services.action_item_create(goal=goal, **form.cleaned_data)
            ).value
        )
    ):
        messages.success(request, f"“{action_item.title}” is added.")
        return redirect(goal_url(goal))
    return _form_page(
        request,
        form,
        title=f"New action item for “{goal.title}”",
        back_url=goal_url(goal),
        back_label=goal.title,
    )


@office_required
def action_item_edit(request: AuthedRequest, uuid: str) -> HttpResponse:
    action_item = get_object_or_404(ActionItem.objects.select_related("goal"), uuid=uuid)
    form = ActionItemForm(request.POST or None, instance=action_item)
    if (
        request.method == "POST"
        and form.is_valid()
        and form_action(
            form,
            lambda: services.action_item_update(action_item=action_item, data=form.cleaned_data),
        )
    ):
        messages.success(request, f"“{action_item.title}” is saved.")
        return redirect(goal_url(action_item.goal))
    return _form_page(
        request,
        form,
        title=f"Edit “{action_item.title}”",
        back_url=goal_url(action_item.goal),
        back_label=action_item.goal.title,
    )


@office_required
def accountability(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "stakeholders/accountability.html",
        {
            "report": selectors.accountability(timezone.localdate()),
            "can_edit": can_edit_registry(request.user),
        },
    )


# Community input: the public form, and the office's moderation

INPUT_PAGE_SIZE = 50


@text_form
@public_page
@same_site_posts
def have_your_say(request: HttpRequest) -> HttpResponse:
    """The public form: a resident says what their area needs, without saying who they are.
    Its page is the same for everyone and cached whole (no CSRF token: a post another site's
    page sends is refused by `same_site_posts` instead). Every POST is counted against the
    client's address first (stakeholders/spam.py)."""
    areas = selectors.public_input_areas()
    form = CommunityInputForm(request.POST or None, areas=areas)
    if request.method == "POST":
        if spam.over_limit(request):
            response = render(request, "stakeholders/public/too_many.html", status=429)
            response["Retry-After"] = str(spam.WINDOW)
            return response
        if request.POST.get(spam.HONEYPOT):
            return redirect("public_input:thanks")  # looks accepted; nothing is stored
        if form.is_valid() and _sent_in_time(request, form):
            data = form.cleaned_data
            if form_action(
                form,
                lambda: services.community_input_submit(
                    area=data["area"], topic=data["topic"], text=data["text"]
                ),
            ):
                return redirect("public_input:thanks")
    return render(
        request,
        "stakeholders/public/have_your_say.html",
        {"form": form, "started": spam.started_token(), "honeypot": spam.HONEYPOT},
    )


def _sent_in_time(request: HttpRequest, form: CommunityInputForm) -> bool:
    problem = spam.fill_time_problem(request.POST.get("started", ""))
    if problem:
        form.add_error(None, problem)
    return problem is None


@public_page
def have_your_say_thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "stakeholders/public/thanks.html")


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
