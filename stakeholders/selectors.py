"""Reads of the stakeholder registry, each scoped to the user asking."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Case, Count, F, Prefetch, Q, QuerySet, When
from django.http import Http404

from ovp.accounts.models import Role, User
from ovp.accounts.permissions import can_use_office, has_role
from ovp.areas.models import Area
from stakeholders.models import (
    WHOLE_CITY,
    ActionItem,
    ActionItemQuerySet,
    Board,
    BoardMembership,
    CommunityInput,
    CommunityInputQuerySet,
    Goal,
    InputStatus,
    InputTopic,
    Meeting,
    Organisation,
    area_name,
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
        Figure("community_input_waiting", "Residents' comments to moderate",
               CommunityInput.objects.pending().count(),
               reverse("stakeholders:community_input_queue"), "Work",
               "Sent through the public form, not yet approved or rejected"),
    ]  # fmt: skip


# Community input


RESIDENT_AREAS_AT_MOST = 150  # a list a resident can still scroll on a phone


def public_input_areas() -> QuerySet[Area]:
    """The areas a resident chooses from on the public form, by name: the finest kind with
    at most RESIDENT_AREAS_AT_MOST areas (neighbourhoods, which residents know by name, rather
    than police districts; never census tracts by the thousand). A comment counts nobody, so
    the public pages' coarse kind for counts of people shot is not needed here."""
    from django.db.models import Count

    kinds = (
        Area.objects.values("kind")
        .annotate(areas=Count("id"))
        .filter(areas__lte=RESIDENT_AREAS_AT_MOST)
        .order_by("-areas", "kind")
    )
    kind = next((row["kind"] for row in kinds), None)
    if kind is None:
        return Area.objects.none()
    return Area.objects.of_kind(kind).only("id", "code", "name", "kind").order_by("name")


@dataclass(frozen=True)
class InputQuote:
    topic: str
    area: str
    text: str


@dataclass(frozen=True)
class InputTallies:
    """Approved comments counted by topic, by area and by both, with a few quotes; and how
    many more wait for moderation (they count only once approved)."""

    total: int
    awaiting: int
    by_topic: list[tuple[str, int]]  # (topic label, comments), the most first
    by_area: list[tuple[str, int]]  # (area label, comments), the most first
    by_area_topic: list[tuple[str, str, int]]  # (area label, topic label, comments)
    quotes: list[InputQuote] = field(default_factory=list)


MAX_QUOTES = 3


def community_input_tallies(
    begin: date | None = None, end: date | None = None, *, quotes: int = 0
) -> InputTallies:
    """The tallies of APPROVED comments received from `begin` to `end` (every one without
    them); pending and rejected ones never count. `quotes` asks for that many approved
    texts, one from each of the topics raised most. Three queries at most."""
    received = CommunityInput.objects.all()
    if begin is not None and end is not None:
        received = received.received_between(begin, end)
    topics = dict(InputTopic.choices)
    rows = list(
        received.approved()
        .values("area__name", "area__code", "topic")
        .annotate(comments=Count("id"))
        .order_by()
    )
    cells = [
        (area_name(row["area__name"], row["area__code"]), topics.get(row["topic"], row["topic"]),
         row["comments"])
        for row in rows
    ]  # fmt: skip
    by_topic = _totals((topic, n) for _, topic, n in cells)
    return InputTallies(
        total=sum(n for *_, n in cells),
        awaiting=received.pending().count(),
        by_topic=by_topic,
        by_area=_totals((area, n) for area, _, n in cells),
        by_area_topic=sorted(cells, key=lambda cell: (cell[0] == WHOLE_CITY, cell[0], -cell[2])),
        quotes=_quotes(received, [label for label, _ in by_topic[:quotes]]) if quotes else [],
    )


def _totals(pairs: Iterable[tuple[str, int]]) -> list[tuple[str, int]]:
    totals: dict[str, int] = {}
    for label, n in pairs:
        totals[label] = totals.get(label, 0) + n
    return sorted(totals.items(), key=lambda item: (-item[1], item[0]))


def _quotes(received: CommunityInputQuerySet, topic_labels: list[str]) -> list[InputQuote]:
    """The latest approved comment of each topic named (one query)."""
    codes = {label: code for code, label in InputTopic.choices}
    wanted = [codes[label] for label in topic_labels if label in codes]
    latest = (
        received.approved()
        .filter(topic__in=wanted)
        .select_related("area")
        .order_by("topic", "-created_at", "-id")
        .distinct("topic")
    )
    by_topic = {found.topic: found for found in latest}
    return [
        InputQuote(found.get_topic_display(), found.area_label, found.text)
        for code in wanted
        if (found := by_topic.get(code)) is not None
    ]


def community_input_queue(
    *, status: str = "", area: Area | None = None, topic: str = ""
) -> CommunityInputQuerySet:
    """The moderation queue: waiting ones first (the oldest first: they have waited longest),
    then the rest, the latest first; narrowed by status, area and topic when given."""
    found = CommunityInput.objects.select_related("area", "moderated_by")
    if status:
        found = found.filter(status=status)
    if area is not None:
        found = found.filter(area=area)
    if topic:
        found = found.filter(topic=topic)
    waiting_first = Case(When(status=InputStatus.PENDING, then=0), default=1)
    oldest_waiting = Case(When(status=InputStatus.PENDING, then=F("created_at")))
    return found.order_by(waiting_first, oldest_waiting, "-created_at", "-id")
