"""Real Chromium with axe-core: every page a role can reach passes WCAG 2.1 A and AA.

Which pages: the test does not keep a list that could fall behind. For each role it starts
from the pages that role lands on (its home after logging in; the login, password reset and
public pages for an anonymous visitor) and follows every link the portal shows it, breadth
first, the way a person clicking through would, so the navigation for that role and the
detail pages of the objects in tests/world.py (programs, organisations, boards, goals,
meetings, rounds, applications, awards, reports, imports, an evaluation run and a needs
assessment) are all reached. Each page (each URL pattern, once) is checked with axe-core
(tests/browser/vendor/axe.min.js) for the tags wcag2a, wcag2aa, wcag21a and wcag21aa, and
every violation is listed: page, rule, impact, the elements it found.

Not followed: downloads (anything that is not an HTML page), Django's admin (its own
accessibility is Django's), the logout action.
"""

from collections import deque
from datetime import date
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest
from django.urls import Resolver404, resolve
from playwright.sync_api import Error as PlaywrightError

from tests.browser.steps import log_in
from tests.world import World, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# a guard against a crawl that runs away (a link that makes new URLs without end)
MAX_PAGES_PER_ROLE = 120
NOT_FOLLOWED = ("admin:", "accounts:logout")
ANONYMOUS_STARTS = [
    "/accounts/login/",
    "/accounts/password/reset/",
    "/accounts/password/reset/sent/",
    "/accounts/password/reset/complete/",
    "/public/shootings/",
    "/public/resources/",
    "/public/have-your-say/",
    "/public/have-your-say/thanks/",
]

RUN_AXE = """async (tags) => {
  const results = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return results.violations.map(v => ({
    rule: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ': ' + (n.failureSummary || '').split('\\n').slice(1, 2).join('').trim()),
    count: v.nodes.length,
  }));
}"""


def add_needs_assessment(world: World) -> None:
    """A needs assessment sent to board X for review, so the staff and board member pages of
    assessments have one to show."""
    from evaluation.services.assessments import assessment_draft, assessment_send

    assessment = assessment_draft(
        title="Needs assessment 2025",
        period_start=date(2025, 1, 1),
        period_end=date(2025, 12, 31),
        board=world.x.board,
        user=world.staff,
        area_kind="neighbourhood",
    )
    assessment_send(assessment=assessment, user=world.staff)


def page_key(path: str) -> str | None:
    """One visit per URL pattern (the view's name); None for a path that is not followed."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if match.view_name.startswith(NOT_FOLLOWED):
        return None
    return match.view_name


def same_site_links(page, origin: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    found = []
    for href in hrefs:
        url = urlparse(urljoin(page.url, href))
        if f"{url.scheme}://{url.netloc}" == origin and not url.path.startswith("/static/"):
            found.append(url.path + (f"?{url.query}" if url.query else ""))
    return found


def crawl_and_check(context, origin: str, starts: list[str]) -> tuple[list[str], list[str]]:
    """Visit every page reachable from `starts`, run axe on each; return the pages checked
    and the problems, one readable line each: server errors, then axe's violations."""
    page = context.new_page()
    page.set_default_timeout(20_000)
    queue = deque(starts)
    seen: set[str] = set()
    checked: list[str] = []
    violations: list[str] = []
    server_errors: list[str] = []
    while queue and len(checked) < MAX_PAGES_PER_ROLE:
        path = queue.popleft()
        key = page_key(urlparse(path).path)
        if key is None or key in seen:
            continue
        seen.add(key)
        try:
            response = page.goto(path, wait_until="load")
        except PlaywrightError as error:
            if "Download is starting" in str(error):
                continue  # a download (CSV, PDF, an attachment) is not a page to check
            raise
        assert response is not None
        if response.status >= 500:
            server_errors.append(f"{path} ({key}) answered {response.status}")
        # only HTML pages that answered: a redirect lands on a page reached anyway
        if response.status != 200 or "text/html" not in response.headers.get("content-type", ""):
            continue
        if page.locator("[hx-trigger*='load']").count():
            page.wait_for_load_state("networkidle")  # partials that load after the page
        checked.append(f"{key} {path}")
        for violation in page.evaluate(RUN_AXE, WCAG_21_AA):
            targets = "\n      ".join(violation["targets"])
            violations.append(
                f"{path} ({key}): {violation['rule']} [{violation['impact']}] "
                f"{violation['help']} ({violation['count']} elements)\n      {targets}"
            )
        queue.extend(same_site_links(page, origin))
    page.close()
    return checked, server_errors + violations


@pytest.fixture
def axe_context(browser, live_server):
    # the portal's CSP allows only its own scripts; axe is the test's, added to every page
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
    context.add_init_script(path=str(AXE))
    yield context
    context.close()


@pytest.mark.parametrize("role", ["anonymous", "staff", "grantee_a", "board"])
def test_every_page_a_role_reaches_passes_wcag_21_aa(role, axe_context, live_server):
    world = build_world()
    add_needs_assessment(world)
    try:
        starts = list(ANONYMOUS_STARTS)
        user = world.user(role)
        if user is not None:
            page = axe_context.new_page()
            log_in(page, user.email)
            page.wait_for_load_state()
            starts = [urlparse(page.url).path]
            page.close()
        checked, violations = crawl_and_check(axe_context, live_server.url, starts)
    finally:
        world.remove_stored_files()

    print(f"\n{role}: {len(checked)} pages checked\n  " + "\n  ".join(checked))
    # the crawl reached the pages it should: a broken start would check nothing
    assert len(checked) >= (4 if role == "anonymous" else 8), checked
    assert not violations, f"{len(violations)} problems for {role}:\n" + "\n".join(violations)
