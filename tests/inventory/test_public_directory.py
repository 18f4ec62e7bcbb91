"""The public program directory (/public/programs/): only active programs that opted in, the
visitor's area first, the organisation's public contact and never a person's."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from inventory.models import ProgramStatus
from inventory.selectors.public_programs import public_area_at, public_directory, public_program
from tests.factories import OrganisationFactory, PersonFactory, ProgramFactory, ServiceAreaFactory

TODAY = date(2026, 6, 1)
URL = "/public/programs/"


@pytest.fixture
def listed(neighbourhoods):
    """Two listed programs (one in N1, one in N2), one not listed, one listed but ended."""
    organisation = OrganisationFactory(
        name="Northside Peacekeepers",
        public_phone="(555) 010-2100",
        public_email="info@northside.example.org",
    )
    PersonFactory(organisation=organisation, email="marcus.reed@example.org", phone="555-9999")
    in_n1 = ProgramFactory(
        name="Zebra Outreach",
        lead_organisation=organisation,
        listed_publicly=True,
        public_summary="Outreach workers on the street every night.",
        eligibility="Anyone aged 16 to 30.",
        population_ages="16-30",
    )
    in_n2 = ProgramFactory(name="Alpha Mentoring", listed_publicly=True)
    hidden = ProgramFactory(name="Private Case Management", listed_publicly=False)
    ended = ProgramFactory(name="Ended Walks", listed_publicly=True, status=ProgramStatus.ENDED)
    ServiceAreaFactory(program=in_n1, area=neighbourhoods[0])
    ServiceAreaFactory(program=in_n2, area=neighbourhoods[1])
    ServiceAreaFactory(program=hidden, area=neighbourhoods[0])
    ServiceAreaFactory(program=ended, area=neighbourhoods[0])
    return {"in_n1": in_n1, "in_n2": in_n2, "hidden": hidden, "ended": ended}


def test_the_directory_holds_only_active_programs_that_opted_in(listed):
    directory = public_directory(area_code="", on=TODAY)
    assert [p.program.name for p in directory.programs] == ["Alpha Mentoring", "Zebra Outreach"]


def test_programs_serving_the_chosen_area_come_first(listed):
    directory = public_directory(area_code="N1", on=TODAY)
    assert directory.chosen is not None and directory.chosen.code == "N1"
    assert [p.program.name for p in directory.serving] == ["Zebra Outreach"]
    assert [p.program.name for p in directory.elsewhere] == ["Alpha Mentoring"]


def test_an_unknown_area_code_chooses_no_area(listed):
    assert public_directory(area_code="nope", on=TODAY).chosen is None


def test_a_program_not_listed_or_not_active_has_no_public_page(listed):
    assert public_program(listed["in_n1"].uuid, TODAY) is not None
    assert public_program(listed["hidden"].uuid, TODAY) is None
    assert public_program(listed["ended"].uuid, TODAY) is None


def test_a_point_is_placed_in_the_directorys_area(listed, neighbourhoods):
    # AreaFactory's squares: the first from -75.00 to -74.99, at latitudes 40.00 to 40.01
    inside = neighbourhoods[0]
    found = public_area_at(lat=40.005, lon=inside.min_lon + 0.005, on=TODAY)
    assert found == inside
    assert public_area_at(lat=10.0, lon=10.0, on=TODAY) is None


def test_the_page_shows_the_organisations_public_contact_and_no_persons(client: Client, listed):
    page = client.get(URL).content.decode()
    assert "Zebra Outreach" in page
    assert "Outreach workers on the street every night." in page
    assert "Anyone aged 16 to 30." in page
    assert "info@northside.example.org" in page
    assert "marcus.reed@example.org" not in page
    assert "555-9999" not in page
    assert "Private Case Management" not in page
    assert "Ended Walks" not in page


def test_a_programs_page_shows_its_contact_and_never_a_persons(client: Client, listed):
    page = client.get(reverse("public_programs:detail", args=[listed["in_n1"].uuid]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "(555) 010-2100" in text
    assert "marcus.reed@example.org" not in text


def test_a_location_is_sent_on_as_its_area_and_not_kept(client: Client, listed, neighbourhoods):
    """Posted, after the plain page is in the cache (a post is never answered from it), so
    the point is in no address: no access log keeps it."""
    client.get(URL)
    lon = neighbourhoods[1].min_lon + 0.005
    response = Client().post(URL, {"lat": "40.005", "lon": f"{lon:.4f}"})
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?area=N2&located=1"
    page = client.get(response["Location"]).content.decode()
    assert "Your location is in Hood 2" in page
    assert "40.005" not in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"lat": "abc", "lon": "1"}, "The latitude must be a number between -90 and 90."),
        ({"lat": "95", "lon": "1"}, "The latitude must be a number between -90 and 90."),
        ({"lat": "40", "lon": "nan"}, "The longitude must be a number between -180 and 180."),
        ({"lat": "40"}, "The longitude must be a number between -180 and 180."),
        ({"lat": "10", "lon": "10"}, "That location is not in any of the city&#x27;s areas."),
        ({"area": "nope"}, "There is no area with that code."),
    ],
)
def test_a_bad_location_or_area_gets_a_clear_message(client: Client, listed, query, message):
    response = client.get(URL, query) if "area" in query else client.post(URL, query)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "Zebra Outreach" in response.content.decode()  # and the whole directory still


def test_the_page_needs_few_queries_however_many_programs(
    client: Client, listed, neighbourhoods, django_assert_max_num_queries
):
    for n in range(10):
        program = ProgramFactory(name=f"More {n}", listed_publicly=True)
        ServiceAreaFactory(program=program, area=neighbourhoods[n % 6])
    with django_assert_max_num_queries(8):
        response = client.get(URL, {"area": "N1"})
    assert response.status_code == 200
    assert "More 9" in response.content.decode()


def test_an_organisations_public_contact_cannot_be_a_persons(db):
    from django.core.exceptions import ValidationError

    organisation = OrganisationFactory()
    PersonFactory(organisation=organisation, email="marcus.reed@example.org", phone="555 0199")
    organisation.public_email = "Marcus.Reed@example.org"
    organisation.public_phone = "(555) 0199"
    with pytest.raises(ValidationError) as refused:
        organisation.full_clean()
    assert set(refused.value.message_dict) == {"public_email", "public_phone"}
    organisation.public_email, organisation.public_phone = "info@example.org", "555 0100"
    organisation.full_clean()


def test_a_location_another_sites_page_posts_is_refused(client: Client, listed, neighbourhoods):
    response = client.post(
        URL, {"lat": "40.005", "lon": "-74.995"}, HTTP_SEC_FETCH_SITE="cross-site"
    )
    assert response.status_code == 403
