"""Real Chromium: the content security policy holds and the portal's pages break none of it.

Each page is opened with a listener for `securitypolicyviolation` events (installed before any
page script runs) and for console messages; a page passes when it drew what it should and
neither saw a violation. A control proves the listener catches what the policy blocks.
"""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from grants.models import ApplicationStatus
from inventory.models import Evidence
from tests.browser.steps import log_in
from tests.builders import record_burden
from tests.factories import (
    ApplicationFactory,
    AreaFactory,
    FundingRoundFactory,
    OrganisationFactory,
    ProgramFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LISTEN = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || 'inline'}`);
});
"""


class PolicyWatch:
    """Collects CSP violations and CSP console errors from every page a test opens."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.console: list[str] = []
        page.add_init_script(LISTEN)
        page.on("console", self._on_console)

    def _on_console(self, message) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.console.append(message.text)

    def violations(self) -> list[str]:
        return [*self.page.evaluate("window.__cspViolations || []"), *self.console]


@pytest.fixture
def watch(page) -> PolicyWatch:
    return PolicyWatch(page)


@pytest.fixture
def city(db):
    hoods = [AreaFactory(code=f"N{n}", name=f"Hood {n}", population=20_000) for n in (1, 2, 3)]
    record_burden({hoods[0]: 40, hoods[1]: 25, hoods[2]: 3})
    program = ProgramFactory(name="Bedside", evidence=Evidence.PROMISING)
    funding_round = FundingRoundFactory(name="Safety Grants 2026", budget=Decimal("150000.00"))
    application = ApplicationFactory(
        funding_round=funding_round, organisation=OrganisationFactory(name="Northside Peacekeepers"),
        title="Northside outreach", status=ApplicationStatus.APPROVED,
        approved_amount=Decimal("100000.00"), program=program,
    )  # fmt: skip
    application.areas.set([hoods[0]])
    return funding_round


def test_every_response_carries_the_policy(page, live_server):
    response = page.goto("/accounts/login/")
    policy = response.headers["content-security-policy"]
    directives = {
        name: value.strip()
        for name, _, value in (part.strip().partition(" ") for part in policy.split(";"))
        if name
    }
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"  # no 'unsafe-inline', no 'unsafe-eval'
    assert directives["img-src"] == "'self' data:"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"


def test_dashboard_gaps_and_grants_pages_draw_without_a_policy_violation(page, watch, staff, city):
    log_in(page, staff.email)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Office home")

    page.goto("/incidents/dashboard/")
    expect(page.get_by_role("heading", name="Violence dashboard")).to_be_visible()
    expect(page.locator(".chart .main-svg").first).to_be_visible()  # plotly drew
    assert watch.violations() == []

    page.goto("/inventory/gaps/")
    expect(page.get_by_role("heading", name="Strengths and gaps")).to_be_visible()
    expect(page.locator(".chart .main-svg").first).to_be_visible()
    assert watch.violations() == []

    page.goto(f"/grants/rounds/{city.uuid}/allocation/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Allocation: Safety Grants 2026")
    # bootstrap's menus (our static JS) still work under the policy
    menu = page.get_by_role("navigation", name="Main")
    menu.get_by_role("button", name="Grants").click()
    expect(menu.get_by_role("link", name="Funds and rounds")).to_be_visible()
    assert watch.violations() == []


def test_two_factor_set_up_page_shows_its_qr_code_without_a_policy_violation(page, watch, staff):
    log_in(page, staff.email)
    page.goto("/accounts/two-factor/")
    page.get_by_role("button", name="Set up two-factor login").click()
    expect(page.locator(".two-factor-qr svg")).to_be_visible()
    expect(page.get_by_label("Code from your authenticator app")).to_be_visible()
    assert watch.violations() == []


def test_policy_blocks_injected_script_and_outside_images_and_the_watch_sees_it(page, watch, staff):
    log_in(page, staff.email)
    page.goto("/office/")
    page.evaluate(
        """() => {
          const script = document.createElement('script');
          script.textContent = 'window.__injected = true';
          document.body.appendChild(script);
          const image = document.createElement('img');
          image.src = 'https://images.invalid/tracker.png';
          document.body.appendChild(image);
          const handler = document.createElement('div');
          handler.setAttribute('onclick', 'window.__injected = true');
          document.body.appendChild(handler);
          handler.click();
        }"""
    )
    page.wait_for_timeout(300)
    assert page.evaluate("window.__injected") is None
    found = " | ".join(watch.violations())
    assert re.search(r"script-src(-elem)? blocked inline", found), found
    assert re.search(r"img-src blocked https://images.invalid/tracker.png", found), found
    assert re.search(r"script-src(-attr)? blocked inline", found), found
