"""Real Chromium: a resident on a phone says what their area needs, without saying who they
are; staff edit out a name and approve the comment; staff draft a needs assessment, and its
"What residents told us" section counts the comment."""

import re
import time

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from ovp.areas.models import AreaKind
from stakeholders.models import CommunityInput, InputStatus
from tests.browser.steps import log_in, open_from_menu
from tests.evaluation.assessment_data import build_city
from tests.factories import AreaFactory, BoardFactory, MembershipFactory, PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture(autouse=True)
def _counters_start_at_zero():
    redis = cache._cache.get_client(None, write=True)  # type: ignore[attr-defined]
    keys = list(redis.scan_iter(match="*community-input:*", count=1000))
    if keys:
        redis.delete(*keys)


def test_a_residents_approved_comment_counts_in_the_needs_assessment(
    page, browser, live_server, staff, board_member, tmp_path
):
    build_city()
    AreaFactory(kind=AreaKind.DISTRICT, code="D1", name="North District")  # not offered
    board = BoardFactory(name="Riverton Advisory Board")
    MembershipFactory(board=board, person=PersonFactory(user=board_member))

    # a resident, not signed in, on a phone
    phone = browser.new_context(base_url=live_server.url, viewport=PHONE, is_mobile=True)
    resident = phone.new_page()
    resident.set_default_timeout(15_000)
    resident.goto("/public/have-your-say/")
    expect(resident.get_by_role("heading", level=1)).to_contain_text("what does your area need")
    expect(resident.get_by_role("note")).to_contain_text("Do not write anyone's name")
    # the honeypot: off the screen for people, and not in what screen readers are given
    box = resident.locator("#id_leave_blank").bounding_box()
    assert box is not None and box["x"] + box["width"] <= 0
    expect(resident.get_by_role("textbox", name="Leave this empty")).to_have_count(0)
    resident.get_by_label("Which area is it about?").select_option(label="Bellmont")
    resident.get_by_label("What is it about?").select_option(label="Jobs and training")
    resident.get_by_label("What does your area need?").fill(
        "Apprenticeships for young people. Ask Tom Baker at the garage, he would hire."
    )
    time.sleep(3)  # a person takes longer than a robot to fill in a form
    resident.get_by_role("button", name="Send").click()
    expect(resident.get_by_role("heading", level=1)).to_have_text("Thank you")
    resident.screenshot(path=str(tmp_path / "resident-thanks.png"), full_page=True)
    phone.close()
    comment = CommunityInput.objects.get()
    assert comment.status == InputStatus.PENDING

    # staff edit the name out and approve it
    log_in(page, staff.email)
    open_from_menu(page, "Partners", "Community input")
    expect(page.locator("#waiting-count")).to_have_text("1")
    page.get_by_role(
        "link", name=re.compile(timezone.localtime(comment.created_at).strftime("%Y"))
    ).click()
    page.get_by_role("textbox", name="The resident's words").fill(
        "Apprenticeships for young people. The garage would hire."
    )
    page.get_by_role("button", name="Save the text").click()
    expect(page.locator(".alert-success")).to_contain_text("The text is saved.")
    page.get_by_role("button", name="Approve").click()
    expect(page.locator(".alert-success")).to_contain_text("The comment is approved.")
    expect(page.locator("#waiting-count")).to_have_text("0")
    tallies = page.get_by_role("table", name="By topic")
    expect(tallies).to_contain_text("Jobs and training")

    # staff draft a needs assessment of a period that takes in the day it was sent
    open_from_menu(page, "Evaluation", "Needs assessments")
    page.get_by_role("link", name="Draft a needs assessment").click()
    page.get_by_label("Title").fill("Needs assessment to date")
    page.get_by_label("Period from").fill("2025-01-01")
    page.get_by_label("Period to").fill(timezone.localdate().isoformat())
    page.get_by_label("Reviewed by").select_option(label="Riverton Advisory Board")
    page.get_by_role("button", name="Draft it from the data").click()
    section = page.locator("#section-residents")
    expect(section.get_by_role("heading", name="6. What residents told us")).to_be_visible()
    expect(section).to_contain_text("residents sent 1 approved comment")
    expect(section).to_contain_text("Jobs and training: 1")
    expect(section).to_contain_text("Bellmont (NB): 1")
    expect(section).to_contain_text("The garage would hire.")
    expect(section).not_to_contain_text("Tom Baker")
