"""Real Chromium: staff run one of the office's campaigns end to end (create it, log its
outputs and spending, find it on the strengths-and-gaps page) and evaluate its impact."""

import re

import pytest
from playwright.sync_api import expect

from inventory.models import Campaign
from tests.browser.steps import log_in, open_from_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_run_a_campaign_and_evaluate_it(page, staff, small_city, tmp_path):
    log_in(page, staff.email)
    open_from_menu(page, "Programs", "Campaigns")
    expect(page.get_by_role("heading", level=1)).to_have_text("The office's campaigns")
    page.get_by_role("link", name="New campaign").click()
    page.get_by_label("Name").fill("Peace in the Park")
    page.get_by_label("Kind").select_option(label="Seasonal surge (e.g. a summer surge)")
    page.get_by_label("Starts on").fill("2023-06-01")
    page.get_by_label("Budget").fill("5000")
    page.get_by_role("button", name="Save").click()
    # neither the whole city nor an area: the form says so and nothing is saved
    expect(
        page.get_by_text("List the areas the campaign covers, or tick the whole city.")
    ).to_be_visible()
    assert not Campaign.objects.exists()
    page.get_by_label("Areas").select_option(
        label=["Area 00 (Neighbourhood T00)", "Area 01 (Neighbourhood T01)"]
    )
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Peace in the Park")
    expect(page.get_by_test_id("campaign-areas")).to_have_text("Area 00 (T00), Area 01 (T01)")
    expect(page.locator("#campaign-map .main-svg").first).to_be_visible()

    outputs = page.get_by_role("form", name="Log an output")
    outputs.get_by_label("Date").fill("2023-06-17")
    outputs.get_by_label("What").select_option(label="Events held")
    outputs.get_by_label("Quantity").fill("4")
    outputs.get_by_role("button", name="Log the output").click()
    expect(page.get_by_text("Logged 4 events held on 2023-06-17.")).to_be_visible()
    outputs = page.get_by_role("form", name="Log an output")
    outputs.get_by_label("Date").fill("2023-05-01")  # before the campaign
    outputs.get_by_label("What").select_option(label="People reached")
    outputs.get_by_label("Quantity").fill("300")
    outputs.get_by_role("button", name="Log the output").click()
    expect(page.get_by_text("The date falls outside the campaign")).to_be_visible()
    page.get_by_label("Date").fill("2023-06-30")
    page.get_by_role("button", name="Log the output").click()
    totals = page.get_by_role("table", name="Outputs added up by kind")
    expect(totals).to_contain_text("Events held4")
    expect(totals).to_contain_text("People reached300")

    spending = page.get_by_role("form", name="Log spending")
    spending.get_by_label("Date").fill("2023-06-02")
    spending.get_by_label("Amount ($)").fill("6200")
    spending.get_by_label("What for").fill("Food, permits and sound")
    spending.get_by_role("button", name="Log the spending").click()
    expect(page.get_by_text("Logged $6,200.00 spent.")).to_be_visible()
    expect(page.get_by_test_id("campaign-spent")).to_have_text("$6,200")
    expect(page.get_by_text("over budget")).to_be_visible()
    page.screenshot(path=str(tmp_path / "campaign.png"), full_page=True)

    open_from_menu(page, "Programs", "Strengths and gaps")
    matrix = page.get_by_role("table", name="Programs by area and strategy")
    expect(matrix.get_by_role("row", name=re.compile(r"Area 00 \(T00\)"))).to_contain_text(
        "Peace in the Park"
    )
    expect(
        page.get_by_role("table", name="The office's campaigns under way in this period")
    ).to_contain_text("Peace in the Park")
    page.get_by_role("table", name="The office's campaigns under way in this period").get_by_role(
        "link", name="Peace in the Park"
    ).click()

    page.get_by_role("link", name="Evaluate its impact").first.click()
    expect(page.get_by_label("Office campaign")).to_have_value(str(Campaign.objects.get().pk))
    page.get_by_role("button", name="Run the evaluation").click()
    expect(page).to_have_url(re.compile(r"/evaluation/runs/[0-9a-f-]+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Peace in the Park (office campaign)")
    expect(page.locator(".evaluation-summary")).to_contain_text(
        "People shot in the 2 areas served fell by about"
    )
    page.get_by_role("link", name="Peace in the Park").click()
    expect(page.get_by_test_id("campaign-evaluations")).to_contain_text("Difference-in-differences")
