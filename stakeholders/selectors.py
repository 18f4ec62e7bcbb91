"""Reads of the stakeholder registry, each scoped to the user asking."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from ovp.accounts.models import Role, User
from ovp.accounts.permissions import can_use_office, has_role
from stakeholders.models import (
    ActionItem,
    ActionItemQuerySet,
    Board,
    BoardMembership,
    Goal,
    Meeting,
    Organisation,
)

UPCOMING_DAYS = 30


def boards_for_user(user: User, today: date) -> QuerySet[Board]:
    """The boards a user may see: all for the office, those they currently sit on for a
    board member, none for anyone else."""
    boards = Board.objects.annotate(
        member_count=Count(
            "memberships",
            filter=Q(memberships__term_start__lte=today)
            & (Q(memberships__term_end__isnull=True) | Q(memberships__term_end__gte=today)),
            distinct=True,
        ),
        meeting_count=Count("meetings", distinct=True),
    )
    if can_use_office(user):
        return boards
    if has_role(user, Role.BOARD):
        seats = BoardMembership.objects.current(today).filter(person__user=user)
        return boards.filter(pk__in=seats.values("board_id"))
    return boards.none()


def get_board_for_user(user: User, board_uuid: Any, today: date) -> Board:
    """A board the user may see, or 404 (another board is not found, not forbidden)."""
    board = boards_for_user(user, today).filter(uuid=board_uuid).first()
    if board is None:
        raise Http404("No such board.")
    return board


def get_meeting_for_user(user: User, meeting_uuid: Any, today: date) -> Meeting:
    visible = boards_for_user(user, today)
    meeting = (
        Meeting.objects.select_related("board")
        .prefetch_related("attendees")
        .filter(uuid=meeting_uuid, board__in=visible)
        .first()
    )
    if meeting is None:
        raise Http404("No such meeting.")
    return meeting


def get_goal_for_user(user: User, goal_uuid: Any, today: date) -> Goal:
    goals = Goal.objects.select_related("board")
    if not can_use_office(user):
        goals = goals.filter(board__in=boards_for_user(user, today))
    goal = goals.filter(uuid=goal_uuid).first()
    if goal is None:
        raise Http404("No such goal.")
    return goal


def action_items_with_owners() -> ActionItemQuerySet:
    return ActionItem.objects.select_related(
        "goal", "goal__board", "owner_person", "owner_organisation"
    )


def board_detail(board: Board, today: date) -> dict[str, Any]:
    """What a board's page shows: current members, meetings, goals with their items."""
    return {
        "memberships": BoardMembership.objects.current(today)
        .filter(board=board)
        .select_related("person", "person__organisation")
        .order_by("role", "person__full_name"),
        "past_memberships": BoardMembership.objects.filter(board=board, term_end__lt=today)
        .select_related("person")
        .order_by("-term_end"),
        "meetings": board.meetings.annotate(attendee_count=Count("attendees")),
        "goals": board.goals.prefetch_related(
            Prefetch("action_items", queryset=action_items_with_owners())
        ),
    }


def organisation_detail(organisation: Organisation) -> dict[str, Any]:
    return {
        "people": organisation.people.all(),
        "members": organisation.members.order_by("email"),
        "action_items": organisation.action_items.select_related("goal").order_by("due_on"),
    }


@dataclass
class AccountabilityGroup:
    """The overdue and upcoming open items of one owner, or of one goal."""

    label: str
    key: str
    overdue: list[ActionItem] = field(default_factory=list)
    upcoming: list[ActionItem] = field(default_factory=list)

    @property
    def items(self) -> list[ActionItem]:
        return self.overdue + self.upcoming


@dataclass
class Accountability:
    today: date
    days: int
    overdue_count: int
    upcoming_count: int
    by_owner: list[AccountabilityGroup]
    by_goal: list[AccountabilityGroup]


def _grouped(
    items: list[ActionItem], today: date, key: Any, label: Any
) -> list[AccountabilityGroup]:
    groups: dict[str, AccountabilityGroup] = {}
    for item in items:
        group = groups.setdefault(key(item), AccountabilityGroup(label=label(item), key=key(item)))
        (group.overdue if item.due_on < today else group.upcoming).append(item)
    # most overdue first: the owners and goals that need a call
    return sorted(groups.values(), key=lambda g: (-len(g.overdue), -len(g.upcoming), g.label))


def accountability(today: date, days: int = UPCOMING_DAYS) -> Accountability:
    """Open action items overdue on `today` or due in the next `days` days, by owner and goal."""
    items = list(
        action_items_with_owners()
        .open()
        .filter(due_on__lte=today + timedelta(days=days))
        .order_by("due_on", "title")
    )
    overdue = [item for item in items if item.due_on < today]

    def owner_key(item: ActionItem) -> str:
        return (
            f"person:{item.owner_person_id}"
            if item.owner_person_id
            else f"org:{item.owner_organisation_id}"
        )

    def goal_label(item: ActionItem) -> str:
        where = item.goal.board.name if item.goal.board else "City-wide"
        return f"{item.goal.title} ({where})"

    return Accountability(
        today=today,
        days=days,
        overdue_count=len(overdue),
        upcoming_count=len(items) - len(overdue),
        by_owner=_grouped(items, today, owner_key, lambda item: item.owner_name),
        by_goal=_grouped(items, today, lambda item: str(item.goal_id), goal_label),
    )


def scorecard_figures(today: date) -> list[Any]:
    from django.urls import reverse

    from ovp.core.scorecard import Figure

    return [
        Figure("action_items_overdue", "Action items overdue",
               ActionItem.objects.overdue(today).count(),
               reverse("stakeholders:accountability"), "Late", "Open, past their due date"),
    ]  # fmt: skip
