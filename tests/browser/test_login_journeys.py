"""Real Chromium: every role logs in through the form and reaches its home; the server says no."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.steps import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("persona", "path", "heading"),
    [
        ("office_admin", "/office/", "Office home"),
        ("staff", "/office/", "Office home"),
        ("grantee_a", "/portal/", "Welcome"),
        ("board_member", "/board/", "Welcome"),
    ],
)
def test_each_role_logs_in_and_sees_its_home(page, request, persona, path, heading):
    user = request.getfixturevalue(persona)
    log_in(page, user.email)
    expect(page).to_have_url(re.compile(f"{path}$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
    expect(page.get_by_role("navigation", name="Main")).to_contain_text(user.get_role_display())


def test_anonymous_visitor_is_sent_to_login(page):
    page.goto("/office/")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    assert "/accounts/login/?next=/office/" in page.url


def test_grantee_typing_an_office_url_gets_403(page, grantee_a):
    log_in(page, grantee_a.email)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    response = page.goto("/areas/")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("You do not have access to this page")
    expect(page.get_by_role("navigation", name="Main")).not_to_contain_text("Areas")


def test_staff_sees_the_area_map_drawn(page, staff):
    from tests.factories import AreaFactory

    AreaFactory(code="N1", name="Ashford")
    AreaFactory(code="N2", name="Bellmont")
    log_in(page, staff.email)
    page.goto("/areas/?kind=neighbourhood")
    expect(page.locator("#area-map .main-svg").first).to_be_visible()
    expect(page.get_by_role("cell", name="Bellmont")).to_be_visible()
