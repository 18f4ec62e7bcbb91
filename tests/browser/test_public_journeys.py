"""Real Chromium at a phone's size, signed out: a resident opens /public/, finds a program
near them (by area, and by the browser's location), sees where the office's money goes and
reads a published needs assessment, then downloads its PDF."""

import re

import pytest
from playwright.sync_api import expect

from evaluation.models import Decision
from evaluation.services.assessments import (
    assessment_decide,
    assessment_draft,
    assessment_publish,
    assessment_send,
)
from tests.builders import make_award
from tests.evaluation.assessment_data import PERIOD, build_city
from tests.factories import (
    BoardFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    ProgramFactory,
    ServiceAreaFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def _published_assessment(staff, board_member) -> None:
    board = BoardFactory(name="Riverton Advisory Board")
    MembershipFactory(board=board, person=PersonFactory(user=board_member, full_name="Rita"))
    assessment = assessment_draft(title="Needs assessment 2025", period_start=PERIOD[0],
                                  period_end=PERIOD[1], board=board, user=staff)  # fmt: skip
    version = assessment_send(assessment=assessment, user=staff)
    assessment_decide(assessment=assessment, user=board_member, decision=Decision.SIGN_OFF,
                      version_read=version.number)  # fmt: skip
    assessment_publish(assessment=assessment, user=staff)


def _directory(city) -> tuple:
    """A listed program in the city's second area, one not listed there, a person's email."""
    area = city["areas"]["NB"]
    peacekeepers = OrganisationFactory(name="Northside Peacekeepers",
                                       public_phone="(555) 010-2100",
                                       public_email="info@peacekeepers.example.org")  # fmt: skip
    PersonFactory(organisation=peacekeepers, email="marcus.reed@example.org")
    listed = ProgramFactory(name="Northside Violence Interrupters", listed_publicly=True,
                            lead_organisation=peacekeepers, population_ages="16-30",
                            public_summary="Outreach workers who step in before a dispute "
                            "turns into a shooting.")  # fmt: skip
    ServiceAreaFactory(program=listed, area=area)
    ServiceAreaFactory(program=ProgramFactory(name="Private Case Work"), area=area)
    make_award(peacekeepers, program=listed, areas=[area],
               title="Street outreach 2026")  # fmt: skip
    return area, peacekeepers


def _open_menu(page, name: str) -> None:
    """The public bar, folded behind its button on a phone."""
    bar = page.get_by_role("navigation", name="Main")
    bar.get_by_role("button", name="Show navigation").click()
    bar.get_by_role("link", name=name).click()


def test_a_resident_on_a_phone_finds_a_program_the_money_and_an_assessment(
    browser, live_server, staff, board_member
):
    city = build_city()
    area, _ = _directory(city)
    _published_assessment(staff, board_member)
    centre = area.boundary["coordinates"][0]
    lon = sum(x for x, _ in centre[:-1]) / (len(centre) - 1)
    lat = sum(y for _, y in centre[:-1]) / (len(centre) - 1)
    context = browser.new_context(base_url=live_server.url, viewport=PHONE,
                                  geolocation={"latitude": lat, "longitude": lon},
                                  permissions=["geolocation"], accept_downloads=True)  # fmt: skip
    page = context.new_page()
    page.set_default_timeout(15_000)

    # the index, then the program directory by area
    page.goto("/public/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Public information")
    page.get_by_role("link", name="Programs").click()
    page.get_by_label("Your area").select_option(label=area.name)
    page.get_by_role("button", name="Show programs").click()
    expect(page.get_by_role("heading", name=f"Working in {area.name} (1)")).to_be_visible()
    expect(page.locator("#main")).not_to_contain_text("Private Case Work")
    expect(page.locator("#programs-map .main-svg").first).to_be_visible()

    # or by where the phone is: the page keeps the area, not the point
    page.goto("/public/programs/")
    page.get_by_role("button", name="Use my location").click()
    expect(page).to_have_url(re.compile(rf"\?area={area.code}&located=1$"))
    expect(page.get_by_role("status")).to_contain_text(f"Your location is in {area.name}")
    page.get_by_role("link", name="Northside Violence Interrupters").first.click()
    expect(page.get_by_role("link", name="(555) 010-2100")).to_be_visible()
    expect(page.locator("#main")).not_to_contain_text("marcus.reed@example.org")

    # where the money goes
    _open_menu(page, "Funding")
    expect(page.get_by_role("heading", level=1)).to_have_text("Where the money goes")
    awards = page.get_by_role("table", name=re.compile("Awards running in 2026"))
    expect(awards).to_contain_text("Northside Peacekeepers")
    expect(awards).to_contain_text("$120,000")
    expect(page.get_by_test_id("benchmark-sentence")).to_be_visible()

    # a published needs assessment, online and as a PDF
    _open_menu(page, "Needs assessments")
    page.get_by_role("link", name=re.compile(r"Read online\W+Needs assessment 2025")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Needs assessment 2025")
    expect(page.get_by_text(re.compile(r"Version 2, published"))).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    assert download.value.suggested_filename == "needs-assessment-2025-v2.pdf"
    context.close()
