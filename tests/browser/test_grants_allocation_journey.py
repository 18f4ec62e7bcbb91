"""Real Chromium: staff allocate a round's budget on the workbench and make the award."""

from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from grants.models import AllocationLine, ApplicationStatus, Award
from inventory.models import Evidence
from tests.browser.steps import log_in, open_from_menu
from tests.builders import record_burden
from tests.factories import (
    ApplicationFactory,
    AreaFactory,
    FundingRoundFactory,
    OrganisationFactory,
    ProgramFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_allocate_the_budget_and_make_the_award(page, staff):
    hood = AreaFactory(code="H1", name="Hood 1")
    record_burden({hood: 30})
    funding_round = FundingRoundFactory(name="Safety Grants 2026", budget=Decimal("150000.00"))
    outreach = ApplicationFactory(
        funding_round=funding_round, organisation=OrganisationFactory(name="Northside Peacekeepers"),
        title="Northside outreach", status=ApplicationStatus.APPROVED, approved_amount=Decimal("100000.00"),
        program=ProgramFactory(evidence=Evidence.EFFECTIVE),
    )  # fmt: skip
    outreach.areas.set([hood])

    log_in(page, staff.email)
    open_from_menu(page, "Grants", "Funds and rounds")
    page.get_by_role("link", name="Safety Grants 2026").click()
    page.get_by_role("link", name="Allocation workbench").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Allocation: Safety Grants 2026")
    applications = page.get_by_role(
        "table", name="Approved applications with their score, evidence, need and amounts"
    )
    # the only approved application gets all it was approved for: the budget is larger
    expect(applications.get_by_role("row", name="Northside outreach")).to_contain_text("$100,000")
    page.get_by_label("Final amount for Northside outreach").fill("90000")
    page.get_by_label("Note on the decision").fill("Keep 60,000 for the spring round.")
    page.get_by_role("button", name="Record the allocation").click()
    expect(page.get_by_text("The allocation is recorded.")).to_be_visible()
    expect(page.get_by_text("recorded by")).to_be_visible()
    assert AllocationLine.objects.get().final_amount == Decimal("90000.00")

    page.get_by_role("link", name="Make the award for Northside outreach").click()
    expect(page.get_by_label("Title")).to_have_value("Northside outreach")
    page.get_by_label("Starts on").fill("2027-01-01")
    page.get_by_label("Ends on").fill("2027-12-31")
    page.locator('[name="lines-0-name"]').fill("Outreach workers")
    page.locator('[name="lines-0-amount"]').fill("90000")
    page.locator('[name="tranches-0-amount"]').fill("45000")
    page.locator('[name="tranches-0-planned_on"]').fill("2027-01-15")
    page.locator('[name="tranches-1-amount"]').fill("45000")
    page.locator('[name="tranches-1-planned_on"]').fill("2027-07-15")
    page.locator('[name="tranches-1-requires_report"]').fill("1")
    page.get_by_role("button", name="Make the award").click()

    expect(
        page.get_by_text("Award made: Northside outreach, with 4 quarterly report(s) to come.")
    ).to_be_visible()
    award = Award.objects.get()
    assert (award.amount, award.application, award.starts_on) == (
        Decimal("90000.00"),
        outreach,
        date(2027, 1, 1),
    )
    assert (
        award.tranches.get(number=2).requires_report
        == award.reports.order_by("period_start").first()
    )
