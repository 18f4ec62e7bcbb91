"""Goals and their action items, and the accountability view of those overdue or due soon."""

import uuid as uuid_module

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone

from ovp.accounts.permissions import office_required
from ovp.core.actions import AuthedRequest, form_action
from stakeholders import selectors, services
from stakeholders.forms import ActionItemForm, GoalForm
from stakeholders.models import ActionItem, Board, Goal
from stakeholders.permissions import can_edit_registry
from stakeholders.views.boards import board_url
from stakeholders.views.common import _form_page, office_or_board_required


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


routes: list[URLPattern] = [
    path("stakeholders/goals/new/", goal_create, name="goal_create"),
    path("stakeholders/goals/<uuid:uuid>/", goal_detail, name="goal_detail"),
    path(
        "stakeholders/goals/<uuid:uuid>/actions/new/",
        action_item_create,
        name="action_item_create",
    ),
    path("stakeholders/actions/<uuid:uuid>/edit/", action_item_edit, name="action_item_edit"),
    path("stakeholders/accountability/", accountability, name="accountability"),
]
