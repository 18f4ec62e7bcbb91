"""Real Chromium: staff set the city's target and see the dashboard draw it; staff define a
round's metric set and an award's target, the grantee reports against it, and after the
nightly job the performance page shows the award's % of target."""

import pytest
from playwright.sync_api import expect

from grants.models import ApplicationStatus, ReportStatus
from grants.tasks import program_data_rebuild as program_data_task
from inventory.models import Strategy
from tests.browser.steps import fill_report, log_in, log_out, open_from_menu
from tests.builders import city, load, make_award, rows_of
from tests.factories import ApplicationFactory, FundingRoundFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_set_the_citys_target_and_the_dashboard_draws_it(
    page, staff, two_precincts, nypd_source
):
    load(rows_of(city()), nypd_source)
    log_in(page, staff.email)
    page.goto("/incidents/targets/")
    page.get_by_label("Measure").select_option("homicides")
    page.get_by_label("Baseline year").select_option("2022")
    page.get_by_label("Yearly reduction (%)").fill("10")
    page.get_by_role("button", name="Save the target").click()
    expect(page.get_by_role("table", name="Targets and their progress")).to_contain_text(
        "10% a year below 2022"
    )
    page.goto("/incidents/dashboard/?year=2024")
    section = page.get_by_role("region", name="Against the target", exact=True)
    expect(section).to_contain_text("on the target path")
    expect(section.get_by_text("Not on track").or_(section.get_by_text("On track"))).to_be_visible()
    expect(page.locator("#chart-target-homicides .main-svg").first).to_be_visible()


def test_a_metric_set_reported_against_and_read_on_the_performance_page(
    page, staff, grantee_a, organisation_a
):
    funding_round = FundingRoundFactory(name="Hospital violence intervention 2026")
    application = ApplicationFactory(
        funding_round=funding_round, organisation=organisation_a, strategy=Strategy.HOSPITAL,
        status=ApplicationStatus.APPROVED, approved_amount="120000.00",
    )  # fmt: skip
    award = make_award(organisation_a, application=application, fund=funding_round.fund,
                       title="Bedside to recovery")  # fmt: skip

    # staff add a metric to the library, choose it for the round's hospital awards, and set
    # the award's target for it
    log_in(page, staff.email)
    open_from_menu(page, "Grants", "Metric library")
    page.get_by_label("Name").fill("Safety plans completed")
    page.get_by_label("Definition").fill("Patients who finished a written safety plan.")
    page.get_by_label("Unit").fill("people")
    page.get_by_label("Strategy").select_option(Strategy.HOSPITAL)
    page.get_by_role("button", name="Add to the library").click()
    expect(page.get_by_text("Added Safety plans completed to the library.")).to_be_visible()
    open_from_menu(page, "Grants", "Funds and rounds")
    page.get_by_role("link", name="Hospital violence intervention 2026").click()
    page.get_by_role("link", name="Choose metrics").click()
    page.get_by_label("Metric 1", exact=True).select_option(label="Safety plans completed")
    page.get_by_label("Metric 1: reported by").select_option(Strategy.HOSPITAL)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("region", name="Metrics its awards report")).to_contain_text(
        "Safety plans completed (people), by Hospital-based violence intervention awards"
    )
    open_from_menu(page, "Grants", "Awards and payments")
    page.get_by_role("link", name="Bedside to recovery").first.click()
    page.get_by_role("link", name="Set targets").click()
    page.get_by_label("Safety plans completed (people)").fill("20")
    page.get_by_role("button", name="Save targets").click()
    expect(page.get_by_text("Targets saved.")).to_be_visible()

    # the grantee reports Q1 against it: the definition and the target beside the figure
    log_out(page)
    q1 = award.reports.order_by("period_start")[0]
    # the quarter is over: the report can be submitted
    log_in(page, grantee_a.email)
    page.goto(f"/portal/reports/{q1.uuid}/")
    expect(page.get_by_text("Patients who finished a written safety plan.")).to_be_visible()
    expect(page.get_by_text("Target this quarter: 20.")).to_be_visible()
    expect(page.get_by_label("Outreach contacts")).to_have_count(0)
    fill_report(page, **{"Safety plans completed": "15",
                         "Narrative": "Fifteen patients finished a plan."})  # fmt: skip
    page.get_by_role("button", name="Submit to the office").click()
    expect(page.get_by_text("Report Q1 2026 submitted to the office.")).to_be_visible()

    # staff approve it; the nightly job sums it; the performance page reads it
    log_out(page)
    log_in(page, staff.email)
    page.goto(f"/grants/reports/{q1.uuid}/")
    page.get_by_label("Approve").check()
    page.get_by_role("button", name="Record the review").click()
    q1.refresh_from_db()
    assert q1.status == ReportStatus.APPROVED
    program_data_task.apply()
    open_from_menu(page, "Grants", "Program performance")
    latest = page.get_by_role("table", name="Each award's latest reported quarter")
    expect(latest).to_contain_text("Bedside to recovery")
    expect(latest).to_contain_text("75%")  # 15 of 20
