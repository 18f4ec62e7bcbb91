"""The registry's named sets of records and the behaviour of one record."""

import datetime

import pytest
import time_machine
from django.db import IntegrityError

from stakeholders.models import ActionItem, ActionStatus, BoardMembership
from tests.factories import (
    ActionItemFactory,
    BoardFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 15)


def day(offset: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=offset)


@pytest.fixture
def items():
    return {
        "long_overdue": ActionItemFactory(due_on=day(-40)),
        "overdue_yesterday": ActionItemFactory(due_on=day(-1), status=ActionStatus.BLOCKED),
        "overdue_but_done": ActionItemFactory(due_on=day(-3), status=ActionStatus.DONE),
        "due_today": ActionItemFactory(due_on=TODAY, status=ActionStatus.IN_PROGRESS),
        "due_in_30_days": ActionItemFactory(due_on=day(30)),
        "due_in_31_days": ActionItemFactory(due_on=day(31)),
        "upcoming_but_done": ActionItemFactory(due_on=day(5), status=ActionStatus.DONE),
    }


def titles(queryset, items) -> set[str]:
    names = {item.pk: name for name, item in items.items()}
    return {names[pk] for pk in queryset.values_list("pk", flat=True)}


def test_open_items_are_those_not_done(items):
    assert titles(ActionItem.objects.open(), items) == {
        "long_overdue", "overdue_yesterday", "due_today", "due_in_30_days", "due_in_31_days",
    }  # fmt: skip


def test_overdue_items_are_open_and_due_before_today(items):
    assert titles(ActionItem.objects.overdue(TODAY), items) == {
        "long_overdue",
        "overdue_yesterday",
    }


def test_upcoming_items_are_open_and_due_from_today_to_thirty_days_ahead(items):
    assert titles(ActionItem.objects.upcoming(TODAY), items) == {"due_today", "due_in_30_days"}


def test_upcoming_window_can_be_narrowed(items):
    assert titles(ActionItem.objects.upcoming(TODAY, days=7), items) == {"due_today"}


def test_action_item_is_overdue_once_its_due_date_has_passed():
    item = ActionItemFactory(due_on=TODAY)
    with time_machine.travel(datetime.datetime(2026, 6, 15, 12, tzinfo=datetime.UTC), tick=False):
        assert not item.is_overdue
    with time_machine.travel(datetime.datetime(2026, 6, 17, 12, tzinfo=datetime.UTC), tick=False):
        assert item.is_overdue
        assert item.days_overdue == 2
        item.status = ActionStatus.DONE
        assert not item.is_overdue


def test_owner_is_the_person_or_the_organisation_that_leads_the_item():
    organisation = OrganisationFactory(name="Riverton Housing Authority")
    person = PersonFactory(full_name="Nina Santos")
    by_organisation = ActionItemFactory(owner_organisation=organisation)
    by_person = ActionItemFactory(owner_organisation=None, owner_person=person)
    assert by_organisation.owner == organisation
    assert by_organisation.owner_name == "Riverton Housing Authority"
    assert by_person.owner == person
    assert by_person.owner_name == "Nina Santos"


def test_the_database_refuses_an_action_item_with_two_owners():
    with pytest.raises(IntegrityError):
        ActionItemFactory(owner_person=PersonFactory())


def test_current_memberships_are_those_whose_term_covers_today():
    board = BoardFactory()
    ended = MembershipFactory(board=board, term_start=day(-400), term_end=day(-1))
    ends_today = MembershipFactory(board=board, term_start=day(-400), term_end=TODAY)
    open_ended = MembershipFactory(board=board, term_start=day(-10), term_end=None)
    starts_tomorrow = MembershipFactory(board=board, term_start=day(1))
    current = set(BoardMembership.objects.current(TODAY))
    assert current == {ends_today, open_ended}
    assert ended not in current and starts_tomorrow not in current
