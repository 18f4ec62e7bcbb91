"""What 50 people do to the portal at once: office staff reading dashboards, grantees filling
in quarterly reports, a board member reading the applications assigned to them.

Run by `make loadtest` (loadtest/run.py) against gunicorn on 127.0.0.1 with the demo city.
Each user logs in through the real login form (CSRF included) in `on_start`, then finds
its pages by following the portal's own links, so no identifier is written here. Requests
are named by page ("violence dashboard"), not by URL, so the statistics read per page.

Every response is checked: a status other than the one the page should give, or a page
without the text that shows it rendered what it should, is a failure.
"""

import json
import os
import random
import re
from html.parser import HTMLParser
from typing import Any

from locust import HttpUser, between, events, task
from locust.clients import ResponseContextManager
from locust.env import Environment

DEMO_PASSWORD = "ovp-demo"  # noqa: S105 (the demo city's printed password)
STAFF = "staff@demo.ovp"
GRANTEES = ["grantee.a@demo.ovp", "grantee.b@demo.ovp"]
BOARD_MEMBER = "board@demo.ovp"

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


# Every failure of the whole run, the arrival of the users included: locust's own statistics
# are reset once everyone is in (--reset-stats), so that its table covers the 50 users at work.
FAILURES: list[str] = []
LOGIN_TIMES_MS: list[float] = []


@events.request.add_listener
def record_request(
    request_type: str, name: str, response_time: float, exception: Exception | None, **_: Any
) -> None:
    if exception is not None:
        FAILURES.append(f"{request_type} {name}: {exception}")
    elif name == "login":
        LOGIN_TIMES_MS.append(response_time)


@events.user_error.add_listener
def record_user_error(user_instance: Any, exception: Exception, tb: Any, **_: Any) -> None:
    FAILURES.append(f"{type(user_instance).__name__} raised {exception!r}")


@events.quitting.add_listener
def write_record(environment: Environment, **_: Any) -> None:
    """For loadtest/run.py: the failures and the login times, in OVP_LOADTEST_RECORD."""
    record = os.environ.get("OVP_LOADTEST_RECORD")
    if record:
        with open(record, "w") as output:
            json.dump({"failures": FAILURES, "login_ms": LOGIN_TIMES_MS}, output)
    if FAILURES:
        environment.process_exit_code = 1


def pick(choices: list[Any]) -> Any:
    return random.choice(choices)  # noqa: S311 (which page to open next, not a secret)


def links(html: str, pattern: str) -> list[str]:
    """The portal's own links on a page whose path matches a regular expression."""
    return sorted(set(re.findall(rf'href="({pattern})"', html)))


def csrf_token(html: str) -> str:
    found = CSRF.search(html)
    if found is None:
        raise LookupError("no CSRF token on the page")
    return found.group(1)


class FormFields(HTMLParser):
    """The names and current values of one form's fields (inputs and textareas), as a
    browser would send them without a change."""

    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.textarea: str | None = None
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "form":
            self.inside = attributes.get("id") == self.form_id
        elif self.inside and tag == "input" and attributes.get("name"):
            if attributes.get("type") not in ("submit", "button", "file"):
                self.fields[str(attributes["name"])] = attributes.get("value") or ""
        elif self.inside and tag == "textarea" and attributes.get("name"):
            self.textarea = str(attributes["name"])
            self.fields[self.textarea] = ""

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.fields[self.textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self.textarea = None
        elif tag == "form":
            self.inside = False


def form_fields(html: str, form_id: str) -> dict[str, str]:
    parser = FormFields(form_id)
    parser.feed(html)
    # a textarea's first newline is not part of its value (HTML parsing rule)
    return {name: value.removeprefix("\n") for name, value in parser.fields.items()}


def expect(
    response: ResponseContextManager, status: int, text: str | None = None
) -> ResponseContextManager:
    """Mark the response failed unless it has the status (and text) the page should give."""
    if response.status_code != status:
        problem = f" ({response.error!r})" if response.error else ""
        response.failure(f"answered {response.status_code}, not {status}{problem}")
    elif text is not None and text not in response.text:
        response.failure(f"the page lacks {text!r}")
    else:
        response.success()
    return response


class PortalUser(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    email = ""

    def on_start(self) -> None:
        self.log_in(self.email)

    def log_in(self, email: str) -> None:
        """Through the login form, as a person does: GET for the CSRF cookie and token, then
        POST, which sends the user on (302) to their home page."""
        with self.client.get("/accounts/login/", name="login form", catch_response=True) as page:
            expect(page, 200, "csrfmiddlewaretoken")
        with self.client.post(
            "/accounts/login/",
            data={
                "username": email,
                "password": DEMO_PASSWORD,
                "csrfmiddlewaretoken": csrf_token(page.text),
            },
            name="login",
            allow_redirects=False,
            catch_response=True,
        ) as answer:
            expect(answer, 302)

    def page(self, url: str, name: str, text: str | None = None) -> str:
        with self.client.get(url, name=name, catch_response=True) as response:
            expect(response, 200, text)
        return response.text


class Staff(PortalUser):
    """Office staff: the violence dashboard with a few filter combinations, strengths and
    gaps, the allocation workbench, the awards list."""

    weight = 5
    email = STAFF

    def on_start(self) -> None:
        super().on_start()
        dashboard = self.page("/incidents/dashboard/", "violence dashboard", 'role="img"')
        years = re.findall(r"<option(?: selected)?>(\d{4})</option>", dashboard)
        areas = re.findall(r'<option value="([^"]+)"(?: selected)?>[^<]* · ', dashboard)
        kinds = re.findall(r'<option value="([a-z_-]+)"(?: selected)?>[A-Z]', dashboard)
        self.filters: list[dict[str, str]] = [{}]
        self.filters += [{"year": year} for year in years[:2]]
        self.filters += [{"kind": kind} for kind in kinds]
        self.filters += [{"area": area} for area in areas[:3]]
        rounds = self.page("/grants/rounds/", "funding rounds")
        self.allocations = [
            f"{url}allocation/" for url in links(rounds, r"/grants/rounds/[0-9a-f-]{36}/")
        ]

    @task(4)
    def violence_dashboard(self) -> None:
        self.page(
            "/incidents/dashboard/?" + "&".join(f"{k}={v}" for k, v in pick(self.filters).items()),
            "violence dashboard",
            'role="img"',
        )

    @task(2)
    def strengths_and_gaps(self) -> None:
        self.page("/inventory/gaps/", "strengths and gaps")

    @task(2)
    def allocation_workbench(self) -> None:
        if self.allocations:
            self.page(pick(self.allocations), "allocation workbench")

    @task(2)
    def awards(self) -> None:
        self.page("/grants/awards/", "awards list")

    @task(1)
    def office_home(self) -> None:
        self.page("/office/", "office home")


class Grantee(PortalUser):
    """A grantee opens the portal and their awards, then saves a quarterly report draft
    (the real form POST, with the figures it shows) or tries to submit figures that do not
    add up and is told so. Neither changes the demo city: the draft is saved as it was, and
    the refused submission saves nothing."""

    weight = 4

    def on_start(self) -> None:
        self.email = pick(GRANTEES)
        super().on_start()
        self.page("/portal/", "grantee portal")
        awards = self.page("/portal/awards/", "grantee awards and reports")
        self.reports = []
        for url in links(awards, r"/portal/reports/[0-9a-f-]{36}/"):
            if 'id="report-form"' in self.page(url, "quarterly report"):
                self.reports.append(url)

    @task(2)
    def portal(self) -> None:
        self.page("/portal/", "grantee portal")

    @task(2)
    def awards(self) -> None:
        self.page("/portal/awards/", "grantee awards and reports")

    @task(4)
    def save_draft(self) -> None:
        if not self.reports:
            return
        url = pick(self.reports)
        html = self.page(url, "quarterly report", 'id="report-form"')
        fields = form_fields(html, "report-form")
        with self.client.post(
            url,
            data={**fields, "action": "save"},
            name="quarterly report: save draft",
            allow_redirects=False,
            catch_response=True,
        ) as saved:
            expect(saved, 302)

    @task(1)
    def submit_figures_that_do_not_add_up(self) -> None:
        if not self.reports:
            return
        url = pick(self.reports)
        html = self.page(url, "quarterly report", 'id="report-form"')
        if 'name="action" value="submit"' not in html:
            return  # the quarter is not over: only drafts can be saved
        fields: dict[str, Any] = form_fields(html, "report-form")
        fields.update(participants_enrolled="10", participants_active="11", action="submit")
        with self.client.post(
            url, data=fields, name="quarterly report: submit refused", catch_response=True
        ) as refused:
            expect(refused, 200, "cannot be more than participants enrolled")


class BoardMember(PortalUser):
    """A board member opens their board home, the applications assigned to them, and each."""

    weight = 1
    email = BOARD_MEMBER

    def on_start(self) -> None:
        super().on_start()
        reviews = self.page("/grants/reviews/", "my reviews")
        self.reviews = links(reviews, r"/grants/reviews/[0-9a-f-]{36}/")

    @task(1)
    def board_home(self) -> None:
        self.page("/board/", "board home")

    @task(2)
    def my_reviews(self) -> None:
        self.page("/grants/reviews/", "my reviews")

    @task(3)
    def review(self) -> None:
        if self.reviews:
            self.page(pick(self.reviews), "review")
