"""Real Chromium: a staff member turns on two-factor login, then logs in with a code."""

import re
from base64 import b32decode

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from tests.browser.steps import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def code(secret: str, *, steps_ahead: int = 0) -> str:
    """What an authenticator app holding `secret` shows (steps_ahead * 30 s from now)."""
    key = b32decode(secret.replace(" ", ""))
    return f"{totp(key, t0=-30 * steps_ahead):06d}"  # an earlier epoch: a later step


def test_staff_turn_on_two_factor_and_log_in_with_a_code(page, staff):
    log_in(page, staff.email)
    bar = page.get_by_role("navigation", name="Main")
    bar.get_by_role("button", name=re.compile("Sam Staff")).click()
    bar.get_by_role("link", name="Two-factor login").click()
    page.get_by_role("button", name="Set up two-factor login").click()
    expect(page.locator(".two-factor-qr svg")).to_be_visible()
    secret = page.locator(".two-factor-secret").inner_text()
    page.get_by_label("Code from your authenticator app").fill(code(secret))
    page.get_by_role("button", name="Confirm and turn on").click()
    expect(page.get_by_text("Two-factor login is on: each login now asks")).to_be_visible()

    bar.get_by_role("button", name=re.compile("Sam Staff")).click()
    bar.get_by_role("button", name="Log out").click()
    log_in(page, staff.email)
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    page.goto("/office/")  # not in yet
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    # the code of the next 30 seconds: the current one was used to confirm, and works once
    page.get_by_label("Code from your authenticator app").fill(code(secret, steps_ahead=1))
    page.get_by_role("button", name="Verify and log in").click()
    expect(page).to_have_url(re.compile("/office/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Office home")
