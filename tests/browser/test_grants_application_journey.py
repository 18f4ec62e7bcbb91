"""Real Chromium: a grantee applies (draft, document, submit); a board member declares a
conflict on one application and scores another; staff see the scores and approve one."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from grants.models import Application, ApplicationStatus
from tests.browser.steps import log_in, open_from_menu
from tests.factories import (
    ApplicationFactory,
    AreaFactory,
    CriterionFactory,
    FundingRoundFactory,
    ReviewAssignmentFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_grantee_applies_a_board_member_reviews_and_staff_approve(
    page, staff, grantee_a, organisation_b, board_member, tmp_path
):
    now = timezone.now()
    funding_round = FundingRoundFactory(
        name="Peace in the Streets 2026",
        opens_at=now - timedelta(days=7),
        closes_at=now + timedelta(days=30),
        max_award=Decimal("150000.00"),
    )
    CriterionFactory(funding_round=funding_round, name="Need", weight=2, max_score=5)
    CriterionFactory(funding_round=funding_round, name="Evidence", weight=1, max_score=10)
    eastfield = AreaFactory(name="Eastfield")
    other = ApplicationFactory(
        funding_round=funding_round,
        organisation=organisation_b,
        title="Hospital bedside program",
        requested_amount=Decimal("120000.00"),
        submitted_at=now,
    )
    ReviewAssignmentFactory(application=other, reviewer=board_member, assigned_by=staff)
    budget = tmp_path / "budget.pdf"
    budget.write_bytes(b"%PDF-1.4\n%%EOF\n")

    # the grantee applies: a draft, a document, then submits
    log_in(page, grantee_a.email)
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Funding and applications"
    ).click()
    page.get_by_role("link", name="Apply to Peace in the Streets 2026").click()
    page.get_by_label("Title").fill("Night walks")
    page.get_by_label("Summary").fill("Outreach workers walk the blocks at night.")
    page.get_by_label("Strategy").select_option(label="Street outreach (CVI)")
    page.get_by_label("Areas to serve").select_option(label=str(eastfield))
    page.get_by_label("Amount requested ($)").fill("200000")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("The largest award in this round is $150,000.00.")).to_be_visible()
    page.get_by_label("Amount requested ($)").fill("90000")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Your draft is saved.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Night walks")
    page.get_by_label("Kind of document").select_option(label="Budget")
    page.get_by_label("File").set_input_files(str(budget))
    page.get_by_role("button", name="Attach").click()
    expect(page.get_by_role("table", name="Documents attached")).to_contain_text("budget.pdf")
    page.get_by_role("button", name="Submit the application").click()
    expect(page.get_by_text("Your application is submitted.")).to_be_visible()
    expect(page.get_by_role("button", name="Attach")).to_have_count(0)  # locked
    page.context.clear_cookies()

    # staff ask the board member to review it
    log_in(page, staff.email)
    open_from_menu(page, "Grants", "Funds and rounds")
    page.get_by_role("link", name="Peace in the Streets 2026").click()
    page.get_by_role("link", name="Assign reviewers to Night walks").click()
    page.get_by_label(re.compile(board_member.get_full_name())).check()
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_text("Assigned 1 reviewer(s).")).to_be_visible()
    page.context.clear_cookies()

    # the board member declares a conflict on one and scores the other
    log_in(page, board_member.email)
    open_from_menu(page, "Grants", "My reviews")
    page.get_by_role("link", name="Night walks").click()
    page.get_by_label("Yes", exact=True).check()
    page.get_by_label("Note").fill("I volunteer with Organisation A.")
    page.get_by_role("button", name="Declare").click()
    expect(page.get_by_text("Conflict of interest recorded")).to_be_visible()
    page.get_by_role("link", name="Hospital bedside program").click()
    # nothing of the application shows before the reviewer declares no conflict
    expect(page.get_by_text("Declare first whether you have a conflict")).to_be_visible()
    expect(page.get_by_text("$120,000.00")).to_have_count(0)
    page.get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Declare").click()
    expect(page.get_by_text("$120,000.00")).to_be_visible()
    page.get_by_label("Need: score (0 to 5)").fill("4")
    page.get_by_label("Need: comment").fill("High burden in the areas served.")
    page.get_by_label("Evidence: score (0 to 10)").fill("11")
    page.get_by_role("button", name="Submit the review").click()
    expect(page.get_by_text("less than or equal to 10")).to_be_visible()
    page.get_by_label("Evidence: score (0 to 10)").fill("5")
    page.get_by_role("button", name="Submit the review").click()
    expect(page.get_by_text("Your review is submitted.")).to_be_visible()
    expect(page.get_by_role("table", name="Reviews you have finished")).to_contain_text(
        "Conflict declared"
    )
    page.context.clear_cookies()

    # staff see the scores and approve the scored application
    log_in(page, staff.email)
    open_from_menu(page, "Grants", "Funds and rounds")
    page.get_by_role("link", name="Peace in the Streets 2026").click()
    table = page.get_by_role(
        "table", name="Applications to this round with their status and scores"
    )
    expect(table.get_by_role("row", name=re.compile("Hospital bedside program"))).to_contain_text(
        "70.00%"
    )
    expect(table.get_by_role("row", name=re.compile("Night walks"))).to_contain_text("1 conflict")
    page.get_by_role("link", name="Decide on Hospital bedside program").click()
    expect(page.get_by_text("Average: 70.00%")).to_be_visible()
    expect(page.get_by_role("table", name="Each reviewer's scores")).to_contain_text(
        "High burden in the areas served."
    )
    page.get_by_label("Approve, with an amount").check()
    page.get_by_label("Amount approved ($)").fill("100000")
    page.get_by_label("Reason").fill("Strong evidence, high-burden areas.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("Decision recorded.")).to_be_visible()
    expect(table.get_by_role("row", name=re.compile("Hospital bedside program"))).to_contain_text(
        "Approved"
    )
    page.screenshot(path=str(tmp_path / "round.png"), full_page=True)

    other.refresh_from_db()
    assert other.status == ApplicationStatus.APPROVED
    assert other.approved_amount == Decimal("100000.00") and other.decided_by == staff
    mine = Application.objects.get(title="Night walks")
    assert mine.status == ApplicationStatus.SUBMITTED and mine.documents.count() == 1
