"""Each registry page, for each persona: the office does everything; a board member reads
only the boards they sit on, with names and roles but no contact details; grantees get 403
and see nothing of it. That anonymous visitors go to login, and board members get 403 on the
office's pages, is in the permissions matrix (tests/test_permissions_matrix.py)."""

import datetime

import pytest
import time_machine

from stakeholders.models import (
    ActionItem,
    ActionStatus,
    Board,
    BoardMembership,
    Goal,
    Meeting,
    Organisation,
    Person,
    Sector,
)
from tests.factories import (
    ActionItemFactory,
    BoardFactory,
    BoardMemberFactory,
    GoalFactory,
    MeetingFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 15)
NOON = datetime.datetime(2026, 6, 15, 16, tzinfo=datetime.UTC)  # noon in New York


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(NOON, tick=False):
        yield


@pytest.fixture
def world(organisation_a, board_member):
    """Two boards: the board member sits on the first; the second is someone else's."""
    contact = PersonFactory(
        organisation=organisation_a,
        full_name="Alice Contact",
        email="alice.contact@example.org",
        phone="555-0199",
        notes="Prefers calls after 5pm",
    )
    own_board = BoardFactory(name="Riverton Advisory Board", purpose="Advises the office.")
    other_board = BoardFactory(name="Secret Task Force", purpose="Someone else's work.")
    me = PersonFactory(
        full_name="Rita Boardman", email="rita.private@example.org", user=board_member
    )
    MembershipFactory(board=own_board, person=me, term_start=datetime.date(2025, 1, 1))
    MembershipFactory(
        board=own_board, person=contact, role="chair", term_start=datetime.date(2025, 1, 1)
    )
    stranger = PersonFactory(full_name="Bob Stranger", email="bob.stranger@example.org")
    MembershipFactory(board=other_board, person=stranger)
    own_meeting = MeetingFactory(board=own_board, minutes="We agreed the plan.")
    own_meeting.attendees.set([me, contact])
    other_meeting = MeetingFactory(board=other_board, minutes="Confidential minutes.")
    own_goal = GoalFactory(board=own_board, title="Cut re-injury")
    other_goal = GoalFactory(board=other_board, title="Secret goal")
    city_goal = GoalFactory(board=None, title="Share data monthly")
    item = ActionItemFactory(
        goal=own_goal, title="Hire specialists", owner_organisation=organisation_a
    )
    return {
        "organisation": organisation_a,
        "contact": contact,
        "me": me,
        "own_board": own_board,
        "other_board": other_board,
        "own_meeting": own_meeting,
        "other_meeting": other_meeting,
        "own_goal": own_goal,
        "other_goal": other_goal,
        "city_goal": city_goal,
        "item": item,
    }


OFFICE_ONLY_PAGES = [
    ("organisation_list", lambda w: "/stakeholders/organisations/"),
    ("organisation_create", lambda w: "/stakeholders/organisations/new/"),
    ("organisation_detail", lambda w: f"/stakeholders/organisations/{w['organisation'].uuid}/"),
    ("organisation_edit", lambda w: f"/stakeholders/organisations/{w['organisation'].uuid}/edit/"),
    (
        "person_create",
        lambda w: f"/stakeholders/organisations/{w['organisation'].uuid}/people/new/",
    ),
    ("person_create_unattached", lambda w: "/stakeholders/people/new/"),
    ("person_edit", lambda w: f"/stakeholders/people/{w['contact'].uuid}/edit/"),
    ("board_create", lambda w: "/stakeholders/boards/new/"),
    ("membership_add", lambda w: f"/stakeholders/boards/{w['own_board'].uuid}/members/new/"),
    ("meeting_create", lambda w: f"/stakeholders/boards/{w['own_board'].uuid}/meetings/new/"),
    ("goal_create", lambda w: "/stakeholders/goals/new/"),
    ("action_item_create", lambda w: f"/stakeholders/goals/{w['own_goal'].uuid}/actions/new/"),
    ("action_item_edit", lambda w: f"/stakeholders/actions/{w['item'].uuid}/edit/"),
    ("accountability", lambda w: "/stakeholders/accountability/"),
]
SHARED_PAGES = [
    ("board_list", lambda w: "/stakeholders/boards/"),
    ("board_detail", lambda w: f"/stakeholders/boards/{w['own_board'].uuid}/"),
    ("meeting_detail", lambda w: f"/stakeholders/meetings/{w['own_meeting'].uuid}/"),
    ("goal_detail", lambda w: f"/stakeholders/goals/{w['own_goal'].uuid}/"),
]
ALL_PAGES = OFFICE_ONLY_PAGES + SHARED_PAGES
ids = [name for name, _ in ALL_PAGES]


@pytest.mark.parametrize(("name", "url"), ALL_PAGES, ids=ids)
def test_office_staff_can_open_every_registry_page(name, url, world, staff, client_for):
    assert client_for(staff).get(url(world)).status_code == 200


@pytest.mark.parametrize(("name", "url"), ALL_PAGES, ids=ids)
def test_office_administrator_can_open_every_registry_page(
    name, url, world, office_admin, client_for
):
    assert client_for(office_admin).get(url(world)).status_code == 200


@pytest.mark.parametrize(("name", "url"), ALL_PAGES, ids=ids)
def test_grantee_gets_403_on_every_registry_page(name, url, world, grantee_a, client_for):
    response = client_for(grantee_a).get(url(world))
    assert response.status_code == 403
    assert "alice.contact@example.org" not in response.content.decode()


@pytest.mark.parametrize(("name", "url"), SHARED_PAGES, ids=[n for n, _ in SHARED_PAGES])
def test_board_member_can_open_pages_of_their_own_board(name, url, world, board_member, client_for):
    assert client_for(board_member).get(url(world)).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        lambda w: f"/stakeholders/boards/{w['other_board'].uuid}/",
        lambda w: f"/stakeholders/meetings/{w['other_meeting'].uuid}/",
        lambda w: f"/stakeholders/goals/{w['other_goal'].uuid}/",
        lambda w: f"/stakeholders/goals/{w['city_goal'].uuid}/",
    ],
    ids=["board", "meeting", "goal", "city_wide_goal"],
)
def test_board_member_gets_404_for_a_board_they_do_not_sit_on(url, world, board_member, client_for):
    response = client_for(board_member).get(url(world))
    assert response.status_code == 404
    assert "Secret" not in response.content.decode()


def test_board_members_whose_term_has_ended_no_longer_see_the_board(
    world, board_member, client_for
):
    BoardMembership.objects.filter(person=world["me"]).update(
        term_end=TODAY - datetime.timedelta(1)
    )
    client = client_for(board_member)
    assert client.get(f"/stakeholders/boards/{world['own_board'].uuid}/").status_code == 404
    assert "Riverton Advisory Board" not in client.get("/stakeholders/boards/").content.decode()


def test_a_board_role_user_not_linked_to_a_person_sees_no_boards(world, client_for):
    unlinked = BoardMemberFactory()
    client = client_for(unlinked)
    page = client.get("/stakeholders/boards/").content.decode()
    assert "not a current member of any board" in page
    assert client.get(f"/stakeholders/boards/{world['own_board'].uuid}/").status_code == 404


def test_my_boards_lists_only_the_boards_the_member_sits_on(world, board_member, client_for):
    page = client_for(board_member).get("/stakeholders/boards/").content.decode()
    assert "My boards" in page
    assert "Riverton Advisory Board" in page
    assert "Secret Task Force" not in page


def test_board_member_sees_names_and_roles_but_no_contact_details(world, board_member, client_for):
    client = client_for(board_member)
    for url in (
        f"/stakeholders/boards/{world['own_board'].uuid}/",
        f"/stakeholders/meetings/{world['own_meeting'].uuid}/",
        f"/stakeholders/goals/{world['own_goal'].uuid}/",
    ):
        page = client.get(url).content.decode()
        assert "alice.contact@example.org" not in page, url
        assert "555-0199" not in page, url
        assert "Prefers calls after 5pm" not in page, url
        assert "rita.private@example.org" not in page, url
        assert "Consents to contact" not in page, url
    board_page = client.get(f"/stakeholders/boards/{world['own_board'].uuid}/").content.decode()
    assert "Alice Contact" in board_page
    meeting_page = client.get(f"/stakeholders/meetings/{world['own_meeting'].uuid}/")
    assert "Alice Contact" in meeting_page.content.decode()  # attendance, by name
    assert "Chair" in board_page
    assert "Cut re-injury" in board_page and "Hire specialists" in board_page
    assert "Add a member" not in board_page


def test_office_sees_contact_details_and_consent_on_the_organisation_page(world, staff, client_for):
    PersonFactory(
        organisation=world["organisation"], full_name="Omar NoConsent", consent_to_contact=False
    )
    page = (
        client_for(staff)
        .get(f"/stakeholders/organisations/{world['organisation'].uuid}/")
        .content.decode()
    )
    assert "alice.contact@example.org" in page
    assert "555-0199" in page
    assert "No: do not contact" in page


def test_organisation_page_lists_the_users_who_act_for_it(world, staff, grantee_a, client_for):
    page = (
        client_for(staff)
        .get(f"/stakeholders/organisations/{world['organisation'].uuid}/")
        .content.decode()
    )
    assert "grantee.a@example.org" in page


def test_office_sees_board_members_contact_details(world, staff, client_for):
    page = client_for(staff).get(f"/stakeholders/boards/{world['own_board'].uuid}/").content
    assert b"alice.contact@example.org" in page


def test_organisation_list_filters_by_sector_and_name(staff, client_for):
    OrganisationFactory(name="St. Luke's Trauma Center", sector=Sector.HOSPITAL)
    OrganisationFactory(name="Northside Peacekeepers", sector=Sector.COMMUNITY)
    OrganisationFactory(name="Eastside Hospital", sector=Sector.HOSPITAL)
    client = client_for(staff)
    by_sector = client.get("/stakeholders/organisations/", {"sector": "hospital"}).content.decode()
    assert "St. Luke&#x27;s Trauma Center" in by_sector and "Eastside Hospital" in by_sector
    assert "Northside Peacekeepers" not in by_sector
    by_name = client.get(
        "/stakeholders/organisations/", {"q": "luke", "sector": "hospital"}
    ).content.decode()
    assert "Trauma Center" in by_name
    assert "Eastside Hospital" not in by_name


def test_organisation_list_ignores_an_unknown_sector_without_failing(staff, client_for):
    response = client_for(staff).get("/stakeholders/organisations/", {"sector": "astrology"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_staff_adds_an_organisation(staff, grantee_a, client_for):
    response = client_for(staff).post(
        "/stakeholders/organisations/new/",
        {
            "name": "Southside Safe Streets",
            "sector": "community",
            "strengths": "Credible messengers",
            "members": [grantee_a.pk],
        },
    )
    organisation = Organisation.objects.get(name="Southside Safe Streets")
    assert response.status_code == 302
    assert response.url == f"/stakeholders/organisations/{organisation.uuid}/"
    assert organisation.strengths == "Credible messengers"
    assert list(organisation.members.all()) == [grantee_a]


def test_organisation_form_with_a_missing_name_shows_the_error_and_saves_nothing(staff, client_for):
    before = Organisation.objects.count()
    response = client_for(staff).post(
        "/stakeholders/organisations/new/", {"name": "", "sector": "community"}
    )
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert Organisation.objects.count() == before


def test_staff_edits_an_organisations_contributions(world, staff, client_for):
    organisation = world["organisation"]
    response = client_for(staff).post(
        f"/stakeholders/organisations/{organisation.uuid}/edit/",
        {"name": organisation.name, "sector": "hospital", "data_held": "Admissions"},
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.sector == "hospital"
    assert organisation.data_held == "Admissions"


def test_staff_adds_a_person_at_an_organisation(world, staff, client_for):
    organisation = world["organisation"]
    response = client_for(staff).post(
        f"/stakeholders/organisations/{organisation.uuid}/people/new/",
        {
            "organisation": organisation.pk,
            "full_name": "Dana Whitfield",
            "title": "Deputy chief",
            "email": "dana@example.org",
            "consent_to_contact": "on",
        },
    )
    assert response.status_code == 302
    person = Person.objects.get(full_name="Dana Whitfield")
    assert person.organisation == organisation
    assert person.consent_recorded_on == TODAY


def test_person_form_with_a_bad_email_shows_the_error_and_saves_nothing(world, staff, client_for):
    response = client_for(staff).post(
        f"/stakeholders/people/{world['contact'].uuid}/edit/",
        {"organisation": world["organisation"].pk, "full_name": "Alice", "email": "nope"},
    )
    assert response.status_code == 200
    assert "Enter a valid email address" in response.content.decode()
    world["contact"].refresh_from_db()
    assert world["contact"].email == "alice.contact@example.org"


def test_staff_sets_up_a_board(staff, client_for):
    response = client_for(staff).post(
        "/stakeholders/boards/new/",
        {"name": "Youth Violence Task Force", "kind": "task_force", "active": "on"},
    )
    board = Board.objects.get(name="Youth Violence Task Force")
    assert response.url == f"/stakeholders/boards/{board.uuid}/"


def test_staff_adds_a_member_to_a_board(world, staff, client_for):
    person = PersonFactory()
    response = client_for(staff).post(
        f"/stakeholders/boards/{world['own_board'].uuid}/members/new/",
        {"person": person.pk, "role": "co_chair", "term_start": "2026-01-01"},
    )
    assert response.status_code == 302
    assert BoardMembership.objects.get(person=person).board == world["own_board"]


def test_membership_form_with_term_ending_before_start_shows_the_error_and_saves_nothing(
    world, staff, client_for
):
    person = PersonFactory()
    response = client_for(staff).post(
        f"/stakeholders/boards/{world['own_board'].uuid}/members/new/",
        {
            "person": person.pk,
            "role": "member",
            "term_start": "2026-01-01",
            "term_end": "2025-01-01",
        },
    )
    assert response.status_code == 200
    assert "The term cannot end before it starts" in response.content.decode()
    assert not BoardMembership.objects.filter(person=person).exists()


def test_a_second_membership_with_the_same_start_shows_an_error_not_a_500(world, staff, client_for):
    response = client_for(staff).post(
        f"/stakeholders/boards/{world['own_board'].uuid}/members/new/",
        {"person": world["me"].pk, "role": "member", "term_start": "2025-01-01"},
    )
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert BoardMembership.objects.filter(person=world["me"]).count() == 1


def test_staff_records_a_meeting_with_attendance(world, staff, client_for):
    response = client_for(staff).post(
        f"/stakeholders/boards/{world['own_board'].uuid}/meetings/new/",
        {
            "held_at": "2026-06-10T18:00",
            "location": "City Hall",
            "agenda": "Goals",
            "minutes": "Agreed",
            "attendees": [world["me"].pk],
        },
    )
    meeting = Meeting.objects.get(location="City Hall", agenda="Goals")
    assert response.url == f"/stakeholders/meetings/{meeting.uuid}/"
    assert list(meeting.attendees.all()) == [world["me"]]


def test_meeting_form_refuses_attendees_who_are_not_members(world, staff, client_for):
    before = Meeting.objects.count()
    response = client_for(staff).post(
        f"/stakeholders/boards/{world['own_board'].uuid}/meetings/new/",
        {"held_at": "not a date", "attendees": [PersonFactory().pk]},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter a valid date/time" in page
    assert "Select a valid choice" in page
    assert Meeting.objects.count() == before


def test_staff_adds_a_goal_to_a_board(world, staff, client_for):
    response = client_for(staff).post(
        "/stakeholders/goals/new/",
        {"board": world["own_board"].pk, "title": "Safer school routes", "horizon": "long"},
    )
    goal = Goal.objects.get(title="Safer school routes")
    assert response.url == f"/stakeholders/goals/{goal.uuid}/"
    assert goal.board == world["own_board"]


def test_new_goal_link_with_a_mangled_board_still_opens_the_form(staff, client_for):
    response = client_for(staff).get("/stakeholders/goals/new/", {"board": "not-a-uuid"})
    assert response.status_code == 200


def test_staff_adds_an_action_item_owned_by_a_person(world, staff, client_for):
    response = client_for(staff).post(
        f"/stakeholders/goals/{world['own_goal'].uuid}/actions/new/",
        {
            "title": "Draft the referral protocol",
            "owner_person": world["contact"].pk,
            "due_on": "2026-07-01",
            "status": "not_started",
        },
    )
    assert response.url == f"/stakeholders/goals/{world['own_goal'].uuid}/"
    item = ActionItem.objects.get(title="Draft the referral protocol")
    assert item.owner == world["contact"]


@pytest.mark.parametrize(
    ("owners", "message"),
    [({}, "Name an owner"), ({"both": True}, "exactly one owner")],
    ids=["no_owner", "two_owners"],
)
def test_action_item_form_without_exactly_one_owner_shows_the_error_and_saves_nothing(
    owners, message, world, staff, client_for
):
    data = {"title": "Orphan task", "due_on": "2026-07-01", "status": "not_started"}
    if owners:
        data.update(owner_person=world["contact"].pk, owner_organisation=world["organisation"].pk)
    response = client_for(staff).post(
        f"/stakeholders/goals/{world['own_goal'].uuid}/actions/new/", data
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        page.count(message) == 1
    )  # said once, on the owner field, not again by the database check
    assert "Constraint" not in page
    assert not ActionItem.objects.filter(title="Orphan task").exists()


def test_marking_an_action_item_done_in_the_form_records_todays_date(world, staff, client_for):
    item = world["item"]
    response = client_for(staff).post(
        f"/stakeholders/actions/{item.uuid}/edit/",
        {
            "title": item.title,
            "owner_organisation": item.owner_organisation.pk,
            "due_on": "2026-06-01",
            "status": "done",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == ActionStatus.DONE
    assert item.completed_on == TODAY


def test_accountability_shows_overdue_and_upcoming_items_by_owner_and_by_goal(
    world, staff, client_for
):
    organisation, contact, goal = world["organisation"], world["contact"], world["own_goal"]
    world["item"].delete()
    ActionItemFactory(
        goal=goal,
        title="Overdue task",
        owner_organisation=organisation,
        due_on=TODAY - datetime.timedelta(3),
    )
    ActionItemFactory(
        goal=goal,
        title="Upcoming task",
        owner_organisation=None,
        owner_person=contact,
        due_on=TODAY + datetime.timedelta(10),
    )
    ActionItemFactory(
        goal=goal,
        title="Finished task",
        owner_organisation=organisation,
        due_on=TODAY - datetime.timedelta(3),
        status=ActionStatus.DONE,
    )
    ActionItemFactory(
        goal=goal,
        title="Far off task",
        owner_organisation=organisation,
        due_on=TODAY + datetime.timedelta(60),
    )
    response = client_for(staff).get("/stakeholders/accountability/")
    page = response.content.decode()
    report = response.context["report"]
    assert (report.overdue_count, report.upcoming_count) == (1, 1)
    assert [group.label for group in report.by_owner] == ["Organisation A", "Alice Contact"]
    assert [g.label for g in report.by_goal] == ["Cut re-injury (Riverton Advisory Board)"]
    assert page.count("<td>Overdue task</td>") == 2  # once by owner, once by goal
    assert page.count("<td>Upcoming task</td>") == 2
    assert "Overdue by 3 days" in page
    assert "Finished task" not in page
    assert "Far off task" not in page
    assert "1 overdue, 1 upcoming" in page  # the goal's group counts both


def test_navigation_shows_each_role_its_registry_entries(
    world, staff, board_member, grantee_a, client_for
):
    staff_page = client_for(staff).get("/office/").content.decode()
    board_page = client_for(board_member).get("/board/").content.decode()
    grantee_page = client_for(grantee_a).get("/portal/").content.decode()
    assert 'href="/stakeholders/organisations/"' in staff_page
    assert 'href="/stakeholders/accountability/"' in staff_page
    assert 'href="/stakeholders/boards/"' in board_page
    assert 'href="/stakeholders/accountability/"' not in board_page
    assert "/stakeholders/" not in grantee_page
