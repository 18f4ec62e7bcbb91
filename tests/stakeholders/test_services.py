"""The registry's writes, called directly: each validates and saves all or nothing."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from stakeholders import services
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
    Organisation,
    Person,
    Sector,
)
from tests.factories import (
    ActionItemFactory,
    BoardFactory,
    GoalFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 15)


def test_organisation_create_records_contributions_and_members(grantee_a):
    grantee = grantee_a
    organisation = services.organisation_create(
        name="Southside Safe Streets",
        sector=Sector.COMMUNITY,
        strengths="Credible messengers",
        services="Street outreach",
        data_held="Outreach contacts by block",
        members=[grantee],
    )
    organisation.refresh_from_db()
    assert organisation.strengths == "Credible messengers"
    assert organisation.data_held == "Outreach contacts by block"
    assert list(organisation.members.all()) == [grantee]


def test_organisation_create_rejects_a_name_already_in_the_registry():
    OrganisationFactory(name="Southside Safe Streets")
    with pytest.raises(ValidationError) as error:
        services.organisation_create(name="Southside Safe Streets", sector=Sector.COMMUNITY)
    assert "name" in error.value.message_dict
    assert Organisation.objects.filter(name="Southside Safe Streets").count() == 1


def test_organisation_update_rejects_an_unknown_sector_and_keeps_the_old_one():
    organisation = OrganisationFactory(sector=Sector.FAITH)
    with pytest.raises(ValidationError):
        services.organisation_update(organisation=organisation, data={"sector": "astrology"})
    organisation.refresh_from_db()
    assert organisation.sector == Sector.FAITH


def test_update_services_refuse_fields_they_do_not_own():
    item = ActionItemFactory()
    with pytest.raises(TypeError):
        services.action_item_update(action_item=item, data={"completed_on": TODAY})


def test_person_consent_given_without_a_date_is_dated_the_day_it_is_recorded():
    person = services.person_create(
        full_name="Tanya Boyd",
        email=" Tanya.Boyd@Example.org ",
        consent_to_contact=True,
        today=TODAY,
    )
    assert person.consent_recorded_on == TODAY
    assert person.email == "tanya.boyd@example.org"
    refused = services.person_create(full_name="Omar Haddad", consent_to_contact=False, today=TODAY)
    assert refused.consent_recorded_on is None


def test_person_create_rejects_an_invalid_email_and_saves_nothing():
    with pytest.raises(ValidationError) as error:
        services.person_create(full_name="Someone", email="not-an-email")
    assert "email" in error.value.message_dict
    assert not Person.objects.exists()


def test_board_create_rejects_a_second_board_with_the_same_name():
    services.board_create(name="Youth Violence Task Force", kind=BoardKind.TASK_FORCE)
    with pytest.raises(ValidationError):
        services.board_create(name="Youth Violence Task Force", kind=BoardKind.TASK_FORCE)
    assert Board.objects.count() == 1


def test_membership_with_a_term_ending_before_it_starts_is_rejected():
    board, person = BoardFactory(), PersonFactory()
    with pytest.raises(ValidationError) as error:
        services.membership_add(
            board=board,
            person=person,
            role=MembershipRole.MEMBER,
            term_start=datetime.date(2026, 1, 1),
            term_end=datetime.date(2025, 12, 31),
        )
    assert "term_end" in error.value.message_dict
    assert not BoardMembership.objects.exists()


def test_membership_may_have_an_open_term():
    membership = services.membership_add(
        board=BoardFactory(),
        person=PersonFactory(),
        role=MembershipRole.CHAIR,
        term_start=datetime.date(2026, 1, 1),
    )
    assert membership.term_end is None
    assert membership.get_role_display() == "Chair"


def test_meeting_record_saves_agenda_minutes_and_attendance():
    board = BoardFactory()
    present = MembershipFactory.create(board=board).person
    absent = MembershipFactory.create(board=board).person
    meeting = services.meeting_record(
        board=board,
        held_at=datetime.datetime(2026, 5, 1, 18, tzinfo=datetime.UTC),
        agenda="1. Goals",
        minutes="Agreed.",
        attendees=[present],
    )
    assert list(meeting.attendees.all()) == [present]
    assert absent not in meeting.attendees.all()


def test_meeting_attendees_must_be_members_of_the_board():
    board = BoardFactory()
    stranger = PersonFactory.create(full_name="Not A Member")
    with pytest.raises(ValidationError) as error:
        services.meeting_record(
            board=board,
            held_at=datetime.datetime(2026, 5, 1, 18, tzinfo=datetime.UTC),
            attendees=[stranger],
        )
    assert "Not A Member" in str(error.value.message_dict["attendees"])
    assert not Meeting.objects.exists()


def test_goal_without_a_board_is_city_wide():
    goal = services.goal_create(title="Share data monthly", horizon=Horizon.SHORT)
    assert goal.board is None


def test_goal_needs_a_known_horizon():
    with pytest.raises(ValidationError):
        services.goal_create(title="Someday", horizon="eventually")
    assert not Goal.objects.exists()


def test_action_item_without_an_owner_is_rejected_and_not_saved():
    with pytest.raises(ValidationError) as error:
        services.action_item_create(goal=GoalFactory(), title="Nobody's job", due_on=TODAY)
    assert "Name an owner" in str(error.value)
    assert not ActionItem.objects.exists()


def test_action_item_with_both_a_person_and_an_organisation_as_owner_is_rejected():
    with pytest.raises(ValidationError) as error:
        services.action_item_create(
            goal=GoalFactory(),
            title="Everybody's job",
            due_on=TODAY,
            owner_person=PersonFactory(),
            owner_organisation=OrganisationFactory(),
        )
    assert "exactly one owner" in str(error.value)
    assert not ActionItem.objects.exists()


def test_action_item_owned_by_a_person_is_saved():
    person = PersonFactory()
    item = services.action_item_create(
        goal=GoalFactory(), title="Draft the protocol", due_on=TODAY, owner_person=person
    )
    assert item.owner == person
    assert item.completed_on is None


def test_marking_an_action_item_done_records_when_it_was_completed():
    item = ActionItemFactory(status=ActionStatus.IN_PROGRESS)
    services.action_item_update(action_item=item, data={"status": ActionStatus.DONE}, today=TODAY)
    item.refresh_from_db()
    assert item.status == ActionStatus.DONE
    assert item.completed_on == TODAY


def test_saving_a_done_item_again_keeps_its_completion_date():
    item = ActionItemFactory(status=ActionStatus.DONE, completed_on=datetime.date(2026, 5, 1))
    services.action_item_update(action_item=item, data={"notes": "Report filed."}, today=TODAY)
    item.refresh_from_db()
    assert item.completed_on == datetime.date(2026, 5, 1)


def test_reopening_a_done_item_clears_its_completion_date():
    item = ActionItemFactory(status=ActionStatus.DONE, completed_on=datetime.date(2026, 5, 1))
    services.action_item_update(
        action_item=item, data={"status": ActionStatus.IN_PROGRESS}, today=TODAY
    )
    item.refresh_from_db()
    assert item.completed_on is None


def test_action_item_update_that_removes_the_owner_is_rejected_and_changes_nothing():
    item = ActionItemFactory(title="Original")
    with pytest.raises(ValidationError):
        services.action_item_update(
            action_item=item, data={"title": "Changed", "owner_organisation": None}
        )
    item.refresh_from_db()
    assert item.title == "Original"
    assert item.owner_organisation is not None
