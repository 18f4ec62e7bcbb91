"""Real Chromium: staff import the program survey, then read the strengths-and-gaps page."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from inventory.models import Evidence, Program, Strategy
from tests.browser.steps import log_in, open_from_menu
from tests.builders import record_burden
from tests.factories import AreaFactory, OrganisationFactory, ProgramFactory, ServiceAreaFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = "program,lead_organisation,strategy,tier,evidence,areas,serving_since\n"


def test_staff_import_the_survey_and_find_the_gaps(page, staff, tmp_path):
    hoods = [AreaFactory(code=f"N{n}", name=f"Hood {n}", population=20_000) for n in range(1, 7)]
    record_burden({hoods[0]: 50, hoods[1]: 45, hoods[2]: 2})
    OrganisationFactory(name="Northside Peacekeepers")
    hospital = ProgramFactory(
        name="Bedside", strategy=Strategy.HOSPITAL, evidence=Evidence.PROMISING
    )
    ServiceAreaFactory(program=hospital, area=hoods[0], started_on=date(2024, 1, 1))
    bad = tmp_path / "survey-bad.csv"
    bad.write_text(
        HEADER
        + "Peace Walks,Northside Peacekeepers,street outreach (cvi),intervention,Promising,N1;N9,\n"
    )
    good = tmp_path / "survey.csv"
    good.write_text(
        HEADER
        + "Peace Walks,Northside Peacekeepers,street outreach (cvi),intervention,Promising,N1;N3,2025-04-01\n"
    )

    log_in(page, staff.email)
    open_from_menu(page, "Programs", "Inventory")
    page.get_by_role("link", name="Import surveys").click()
    page.get_by_label("Completed survey (CSV)").set_input_files(str(bad))
    page.get_by_role("button", name="Import").click()
    errors = page.get_by_role("alert")
    expect(errors).to_contain_text("Nothing was imported: 2 problems to correct")
    expect(errors).to_contain_text("Row 2: areas: no area with code 'N9'")
    expect(errors).to_contain_text("Row 2: serving_since: required when areas are given")
    assert not Program.objects.filter(name="Peace Walks").exists()

    page.get_by_label("Completed survey (CSV)").set_input_files(str(good))
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("1 new program(s), 0 updated, 2 service area(s) added")).to_be_visible()
    page.get_by_role("link", name="Peace Walks").click()
    expect(page.get_by_role("table", name="Areas the program serves, with dates")).to_contain_text(
        "2025-04-01"
    )

    open_from_menu(page, "Programs", "Strengths and gaps")
    expect(page.get_by_role("heading", name="Strengths and gaps")).to_be_visible()
    gaps = page.get_by_role("table", name="Gaps ranked by people shot")
    # Hood 1 and Hood 2 carry the shootings (95 people); neither has CBT, and Hood 2 has
    # no program at all
    expect(gaps.get_by_role("row").nth(1)).to_contain_text("Hood 2 (N2)45No program serves")
    expect(gaps.get_by_role("row", name=re.compile("Cognitive"))).to_contain_text(
        "Reaches 0 of the 2 high-burden areas"
    )
    matrix = page.get_by_role("table", name="Programs by area and strategy")
    expect(matrix.get_by_role("row", name="Hood 1 (N1)")).to_contain_text("1 EB")
    expect(page.locator("#gaps-map .main-svg").first).to_be_visible()  # plotly drew the map
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV of the gaps").click()
    assert download.value.suggested_filename.startswith("ovp-gaps-neighbourhood-3y")
    page.screenshot(path=str(tmp_path / "gaps.png"), full_page=True)
