"""The demo registry: deterministic, idempotent, and the demo board user sits on one board."""

import datetime

import pytest

from ovp.accounts.demo import seed_users
from ovp.core.demo import DemoCity
from ovp.incidents.demo import DEMO_END
from stakeholders.demo import ADVISORY_BOARD, TASK_FORCE, seed_organisations, seed_registry
from stakeholders.models import (
    ActionItem,
    ActionStatus,
    BoardMembership,
    Goal,
    Horizon,
    Meeting,
    Organisation,
    Person,
)
from stakeholders.selectors import boards_for_user

pytestmark = pytest.mark.django_db


def seed() -> None:
    city = DemoCity(log=lambda line: None)
    seed_users(city)
    seed_organisations(city)
    seed_registry(city)


def snapshot() -> dict:
    return {
        "people": sorted(Person.objects.values_list("email", "full_name", "organisation__name")),
        "memberships": sorted(
            BoardMembership.objects.values_list("board__name", "person__email", "role")
        ),
        "meetings": sorted(Meeting.objects.values_list("board__name", "held_at")),
        "attendance": sorted(Meeting.objects.values_list("held_at", "attendees__email")),
        "items": sorted(
            ActionItem.objects.values_list("title", "due_on", "status", "completed_on")
        ),
    }


def test_demo_registry_gives_each_organisation_people_and_the_boards_their_work():
    seed()
    assert not Organisation.objects.filter(people__isnull=True).exists()
    assert Person.objects.filter(consent_to_contact=False).exists()
    assert all(
        email.endswith("@example.org") for email in Person.objects.values_list("email", flat=True)
    )
    assert Meeting.objects.count() == 3
    assert set(Goal.objects.values_list("horizon", flat=True)) == {Horizon.SHORT, Horizon.LONG}
    assert Goal.objects.filter(board__isnull=True).exists()  # a city-wide goal
    assert ActionItem.objects.overdue(DEMO_END).count() >= 3
    assert ActionItem.objects.upcoming(DEMO_END).count() >= 3
    assert ActionItem.objects.filter(status=ActionStatus.DONE, completed_on__isnull=False).exists()
    assert ActionItem.objects.filter(owner_person__isnull=False).exists()
    assert ActionItem.objects.filter(owner_organisation__isnull=False).exists()


def test_demo_board_user_sits_on_the_advisory_board_and_not_the_task_force():
    seed()
    board_user = Person.objects.get(user__email="board@demo.ovp").user
    visible = {board.name for board in boards_for_user(board_user, DEMO_END)}
    assert visible == {ADVISORY_BOARD}
    assert TASK_FORCE not in visible


def test_demo_registry_built_twice_is_the_same():
    seed()
    first = snapshot()
    seed()
    assert snapshot() == first
    assert Person.objects.filter(user__email="board@demo.ovp").count() == 1


def test_demo_dates_count_from_the_incident_demos_last_day():
    seed()
    latest_meeting = Meeting.objects.order_by("-held_at").first()
    assert latest_meeting.held_at.date() < DEMO_END
    assert DEMO_END - latest_meeting.held_at.date() < datetime.timedelta(days=60)


def test_the_demo_has_residents_comments_approved_waiting_and_rejected() -> None:
    from ovp.areas.demo import seed_areas
    from stakeholders.demo import DEMO_INPUT, seed_community_input
    from stakeholders.models import CommunityInput, InputStatus

    city = DemoCity(log=lambda line: None)
    seed_users(city)
    seed_areas(city)
    seed_community_input(city)
    seed_community_input(city)  # again: the same comments
    assert CommunityInput.objects.count() == len(DEMO_INPUT)
    statuses = set(CommunityInput.objects.values_list("status", flat=True))
    assert statuses == {InputStatus.APPROVED, InputStatus.PENDING, InputStatus.REJECTED}
    # placed in the areas the form offers (the neighbourhoods), or the whole city
    kinds = set(CommunityInput.objects.values_list("area__kind", flat=True))
    assert kinds == {"neighbourhood", None}
