"""Factories for the stakeholder registry (organisations and users are in tests/factories.py)."""

import datetime

import factory

from stakeholders.models import (
    ActionItem,
    ActionStatus,
    Board,
    BoardKind,
    BoardMembership,
    Goal,
    Horizon,
    Meeting,
    MembershipRole,
    Person,
)
from tests.factories import OrganisationFactory


class PersonFactory(factory.django.DjangoModelFactory[Person]):
    class Meta:
        model = Person

    organisation = factory.SubFactory(OrganisationFactory)
    full_name = factory.Sequence(lambda n: f"Contact Person {n}")
    title = "Program director"
    email = factory.Sequence(lambda n: f"contact{n}@example.org")
    phone = factory.Sequence(lambda n: f"555-{n:04d}")
    consent_to_contact = True


class BoardFactory(factory.django.DjangoModelFactory[Board]):
    class Meta:
        model = Board

    name = factory.Sequence(lambda n: f"Advisory Board {n}")
    kind = BoardKind.ADVISORY_BOARD
    purpose = "Advises the office."


class MembershipFactory(factory.django.DjangoModelFactory[BoardMembership]):
    class Meta:
        model = BoardMembership

    board = factory.SubFactory(BoardFactory)
    person = factory.SubFactory(PersonFactory)
    role = MembershipRole.MEMBER
    term_start = datetime.date(2020, 1, 1)
    term_end = None


class MeetingFactory(factory.django.DjangoModelFactory[Meeting]):
    class Meta:
        model = Meeting

    board = factory.SubFactory(BoardFactory)
    held_at = datetime.datetime(2026, 3, 4, 18, 0, tzinfo=datetime.UTC)
    location = "City Hall"
    agenda = "1. Minutes\n2. Goals"
    minutes = "Agreed the goals."


class GoalFactory(factory.django.DjangoModelFactory[Goal]):
    class Meta:
        model = Goal

    board = factory.SubFactory(BoardFactory)
    title = factory.Sequence(lambda n: f"Common goal {n}")
    horizon = Horizon.SHORT


class ActionItemFactory(factory.django.DjangoModelFactory[ActionItem]):
    """Owned by an organisation unless given a person (then pass owner_organisation=None)."""

    class Meta:
        model = ActionItem

    goal = factory.SubFactory(GoalFactory)
    title = factory.Sequence(lambda n: f"Action item {n}")
    owner_organisation = factory.SubFactory(OrganisationFactory)
    due_on = datetime.date(2026, 6, 1)
    status = ActionStatus.NOT_STARTED
