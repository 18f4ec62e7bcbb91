"""Real Chromium: a grantee submits a quarterly report, staff return it, the grantee revises
and resubmits, staff approve it and release the tranche that waited for it."""

import re

import pytest
from playwright.sync_api import expect

from grants.models import ReportStatus
from grants.services.awards import tranche_release
from tests.browser.steps import fill_report, log_in, log_out, open_from_menu
from tests.builders import make_award

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_grantee_reports_staff_return_then_approve_and_release_the_tranche(
    page, grantee_a, organisation_a, staff, tmp_path
):
    award = make_award(organisation_a, title="Northside outreach")
    tranche_release(tranche=award.tranches.get(number=1), user=staff)
    q1 = award.reports.order_by("period_start")[0]
    attachment = tmp_path / "outreach-log.csv"
    attachment.write_text("week,contacts\n1,60\n2,65\n")

    # the grantee fills in the Q1 report: a count that does not add up is caught
    log_in(page, grantee_a.email)
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Awards and reports"
    ).click()
    expect(page.get_by_role("heading", name="Northside outreach")).to_be_visible()
    page.get_by_role("link", name="Fill in the Q1 2026 report").click()
    main_menu = page.get_by_role("navigation", name="Main")
    expect(main_menu.get_by_role("link", name="Awards and reports")).to_have_attribute(
        "aria-current", "page"
    )
    fill_report(
        page,
        **{
            "Participants enrolled": "40",
            "Participants active": "30",
            "Outreach contacts": "250",
            "Conflicts mediated": "12",
            "Referrals made": "20",
            "Referrals completed": "25",
            "Participants re-injured": "1",
            "Caseload per worker": "10",
            "Spent on Outreach workers (dollars)": "18000.00",
            "Narrative": "Two outreach teams worked every night.",
        },
    )
    page.get_by_role("button", name="Submit to the office").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Referrals completed (25) cannot be more than referrals made (20)."
    )
    fill_report(page, **{"Referrals completed": "15"})
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft saved.")).to_be_visible()
    # typed after the save, then a file uploaded: the upload keeps what was typed
    fill_report(page, **{"Narrative": "Two outreach teams worked every night, and weekends."})
    page.get_by_label("Attach a file").set_input_files(str(attachment))
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("link", name="outreach-log.csv")).to_be_visible()
    expect(page.get_by_label("Narrative")).to_have_value(
        "Two outreach teams worked every night, and weekends."
    )
    page.get_by_role("button", name="Submit to the office").click()
    expect(page.get_by_text("Report Q1 2026 submitted to the office.")).to_be_visible()
    q1.refresh_from_db()
    assert q1.status == ReportStatus.SUBMITTED

    # staff return it with a comment
    log_out(page)
    log_in(page, staff.email)
    open_from_menu(page, "Grants", "Awards and payments")
    page.get_by_role("link", name="Northside outreach, Q1 2026").click()
    expect(page.get_by_role("table", name="Funds spent by budget line").first).to_contain_text(
        "$18,000.00"
    )
    page.get_by_label("Return for revision").check()
    page.get_by_label("Comment").fill("Referrals completed look high: please check them.")
    page.get_by_role("button", name="Record the review").click()
    expect(page.get_by_text("Report Q1 2026 returned to the grantee.")).to_be_visible()

    # the grantee sees the comment, corrects the figure and resubmits
    log_out(page)
    log_in(page, grantee_a.email)
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Awards and reports"
    ).click()
    page.get_by_role("link", name="Revise the Q1 2026 report").click()
    expect(page.get_by_test_id("review-comment")).to_have_text(
        "Referrals completed look high: please check them."
    )
    fill_report(page, **{"Referrals completed": "12"})
    page.get_by_role("button", name="Submit to the office").click()
    expect(page.get_by_text("Report Q1 2026 submitted to the office.")).to_be_visible()

    # staff approve, see both versions, and release the tranche that waited for the report
    log_out(page)
    log_in(page, staff.email)
    open_from_menu(page, "Grants", "Awards and payments")
    page.get_by_role("link", name="Northside outreach, Q1 2026").click()
    expect(page.get_by_text(re.compile(r"Version 1, submitted"))).to_be_visible()
    expect(page.get_by_text(re.compile(r"Version 2, submitted"))).to_be_visible()
    page.get_by_label("Approve").check()
    page.get_by_role("button", name="Record the review").click()
    expect(page.get_by_text("Report Q1 2026 approved.")).to_be_visible()
    expect(page.get_by_test_id("award-paid")).to_have_text("$40,000.00")
    expect(page.get_by_test_id("award-remaining")).to_have_text("$80,000.00")
    tranches = page.get_by_role("table", name="Tranches of the award with their status")
    expect(tranches.get_by_role("row").nth(2)).to_contain_text("Ready to release")
    page.get_by_role("button", name="Release tranche 2").click()
    expect(page.get_by_text("Tranche 2 released: $40,000.00.")).to_be_visible()
    expect(page.get_by_test_id("award-paid")).to_have_text("$80,000.00")
    expect(page.get_by_test_id("award-remaining")).to_have_text("$40,000.00")
    page.screenshot(path=str(tmp_path / "award.png"), full_page=True)

    q1.refresh_from_db()
    assert q1.status == ReportStatus.APPROVED
    assert q1.referrals_completed == 12
    assert [v.outcome for v in q1.versions.order_by("number")] == ["returned", "approved"]
    assert award.paid == award.amount - award.remaining
    assert award.tranches.get(number=2).released_by == staff
