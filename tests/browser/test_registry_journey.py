"""Real Chromium: staff add an action item to a goal and find it on the accountability view."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.steps import log_in, open_from_menu
from tests.factories import ActionItemFactory, BoardFactory, GoalFactory, OrganisationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_add_an_action_item_and_see_it_on_the_accountability_view(page, staff):
    today = timezone.localdate()
    lead = OrganisationFactory(name="Riverton Housing Authority")
    board = BoardFactory(name="Youth Violence Task Force")
    goal = GoalFactory(board=board, title="Halve shootings near schools")
    ActionItemFactory(
        goal=goal,
        title="Map the school routes",
        owner_organisation=lead,
        due_on=today - datetime.timedelta(days=4),
    )

    log_in(page, staff.email)
    open_from_menu(page, "Partners", "Registry")
    page.get_by_role("link", name="Boards and task forces").click()
    page.get_by_role("link", name="Youth Violence Task Force").click()
    page.get_by_role("link", name="Halve shootings near schools").click()
    page.get_by_role("link", name="Add an action item").click()

    page.get_by_label("Title").fill("Lighting survey around the schools")
    page.get_by_label("Owner (organisation)").select_option(label="Riverton Housing Authority")
    page.get_by_label("Due on").fill((today + datetime.timedelta(days=9)).isoformat())
    page.get_by_label("Status").select_option(label="In progress")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("status")).to_contain_text("is added")
    expect(
        page.get_by_role("cell", name="Lighting survey around the schools", exact=True)
    ).to_be_visible()

    open_from_menu(page, "Partners", "Accountability")
    expect(page.get_by_role("heading", level=1)).to_have_text("Accountability")
    by_owner = page.get_by_role("region", name="By owner")
    housing = by_owner.get_by_role("region", name="Riverton Housing Authority")
    expect(housing.get_by_role("heading")).to_contain_text("1 overdue, 1 upcoming")
    new_row = housing.get_by_role("row").filter(has_text="Lighting survey around the schools")
    expect(new_row).to_contain_text("In progress")
    expect(new_row).not_to_contain_text("Overdue")
    old_row = housing.get_by_role("row").filter(has_text="Map the school routes")
    expect(old_row).to_contain_text("Overdue by 4 days")
