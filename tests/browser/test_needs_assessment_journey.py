"""Real Chromium: staff draft a needs assessment and send it to the advisory board; a board
member reads it, comments on a section and signs it off; staff see the comment, answer it
and publish the final version."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.steps import log_in, open_from_menu
from tests.evaluation.assessment_data import build_city
from tests.factories import BoardFactory, MembershipFactory, PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_board_reviews_a_needs_assessment_and_staff_publish_it(
    page, browser, live_server, staff, board_member
):
    build_city()
    board = BoardFactory(name="Riverton Advisory Board")
    MembershipFactory(board=board, person=PersonFactory(user=board_member, full_name="Rita Member"))

    # staff draft it from the data and send it
    log_in(page, staff.email)
    open_from_menu(page, "Evaluation", "Needs assessments")
    expect(page.get_by_role("heading", level=1)).to_have_text("Needs assessments")
    page.get_by_role("link", name="Draft a needs assessment").click()
    page.get_by_label("Title").fill("Needs assessment 2025")
    page.get_by_label("Period from").fill("2025-01-01")
    page.get_by_label("Period to").fill("2025-12-31")
    page.get_by_label("Reviewed by").select_option(label="Riverton Advisory Board")
    page.get_by_role("button", name="Draft it from the data").click()
    expect(page).to_have_url(re.compile(r"/evaluation/assessments/[0-9a-f-]+/$"))
    expect(
        page.get_by_role("heading", name="1. Violence burden and trends by area")
    ).to_be_visible()
    expect(page.locator("#section-burden")).to_contain_text("28 people were shot in the city")
    expect(page.locator("#chart-burden-by-area .main-svg").first).to_be_visible()
    page.get_by_role("button", name="Send to the board for review").click()
    expect(page.get_by_role("alert").or_(page.locator(".alert-success"))).to_contain_text(
        "Version 1 was sent to Riverton Advisory Board for review."
    )
    expect(page.locator(".assessment-status")).to_have_text("Under review")
    detail_url = page.url

    # a board member reads it, comments on a section and signs it off
    board_context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}
    )
    board_page = board_context.new_page()
    board_page.set_default_timeout(15_000)
    log_in(board_page, board_member.email)
    board_page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Needs assessments"
    ).click()
    board_page.get_by_role("link", name="Needs assessment 2025").click()
    expect(board_page.get_by_role("heading", level=1)).to_have_text("Needs assessment 2025")
    expect(board_page.locator("#section-who")).to_contain_text("The largest age group was 18 to 24")
    board_page.get_by_label("Comment on “Who is affected”").fill("How many were under 18?")
    board_page.get_by_role("button", name="Send the comment on Who is affected").click()
    expect(board_page.locator("#section-who .assessment-comment")).to_contain_text(
        "How many were under 18?"
    )
    board_page.get_by_label("Sign it off").check()
    board_page.get_by_role("button", name="Record my decision").click()
    expect(board_page.locator(".alert-success")).to_contain_text(
        "Recorded: signed off on version 1."
    )
    board_context.close()

    # staff see the comment, answer it and publish
    page.goto(detail_url)
    expect(page.locator("#section-who .assessment-comment")).to_contain_text(
        "How many were under 18?"
    )
    expect(page.locator(".assessment-signoffs")).to_contain_text(board_member.full_name)
    page.get_by_label("Answer this comment").fill("Six: the age table gives them.")
    page.get_by_role("button", name="Save the answer").click()
    expect(page.locator("#section-who .assessment-answer")).to_contain_text(
        "Six: the age table gives them."
    )
    page.get_by_role("button", name="Publish the final version").click()
    expect(page.locator(".assessment-status")).to_have_text("Published")
    expect(page.get_by_role("link", name="Version 2")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("^Edit"))).to_have_count(0)
