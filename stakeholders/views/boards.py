"""Boards and task forces, their members and meetings. The office runs them; board members
read the boards they sit on (names and roles, never contact details)."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone

from ovp.accounts.permissions import office_required
from ovp.core.actions import AuthedRequest, form_action
from stakeholders import selectors, services
from stakeholders.forms import BoardForm, MeetingForm, MembershipForm
from stakeholders.models import Board, BoardMembership
from stakeholders.permissions import can_edit_registry, can_see_contact_details
from stakeholders.views.common import _form_page, office_or_board_required


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


routes: list[URLPattern] = [
    path("stakeholders/boards/", board_list, name="board_list"),
    path("stakeholders/boards/new/", board_create, name="board_create"),
    path("stakeholders/boards/<uuid:uuid>/", board_detail, name="board_detail"),
    path(
        "stakeholders/boards/<uuid:uuid>/members/new/",
        membership_add,
        name="membership_add",
    ),
    path(
        "stakeholders/boards/<uuid:uuid>/meetings/new/",
        meeting_create,
        name="meeting_create",
    ),
    path("stakeholders/meetings/<uuid:uuid>/", meeting_detail, name="meeting_detail"),
]
