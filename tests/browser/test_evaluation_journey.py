"""Real Chromium: staff open Evaluation, pick the demo-like program, run it, and read the
estimate, the plain-language summary and the event-study chart."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.steps import log_in, open_from_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_run_an_impact_evaluation_of_a_program(page, staff, small_city):
    log_in(page, staff.email)
    open_from_menu(page, "Evaluation", "Impact evaluations")
    expect(page.get_by_role("heading", level=1)).to_have_text("Impact evaluations")
    page.get_by_role("link", name="New evaluation").click()
    page.get_by_label("Program").select_option(label="Test Outreach")
    expect(page.get_by_label("Window from")).to_have_value("2021-01-01")
    page.get_by_role("button", name="Run the evaluation").click()

    expect(page).to_have_url(re.compile(r"/evaluation/runs/[0-9a-f-]+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Test Outreach")
    expect(page.locator(".evaluation-summary")).to_contain_text(
        "People shot in the 2 areas served fell by about"
    )
    expect(page.locator(".result-estimate")).to_contain_text("difference per area and period")
    expect(page.locator(".result-relative")).to_contain_text("%")
    expect(page.get_by_role("heading", name="Event study")).to_be_visible()
    chart = page.locator("#chart-event-study")
    expect(chart.locator(".main-svg").first).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("Estimated difference"))).to_be_visible()
