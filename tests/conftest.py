import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from django.test import Client
from playwright.sync_api import expect

from evaluation.selectors.runs import MONTH, period_starts
from ovp.incidents.models import Period, PeriodCount
from ovp.incidents.services import source_for
from tests.builders import write_counts
from tests.factories import (
    AdminFactory,
    AreaFactory,
    BoardMemberFactory,
    GranteeFactory,
    OrganisationFactory,
    ProgramFactory,
    ServiceAreaFactory,
    StaffFactory,
    square,
)

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-gpu",
]


@pytest.fixture(autouse=True)
def _login_failures_start_at_zero() -> Iterator[None]:
    """An email's failed logins are counted in Redis, which no test's transaction undoes:
    each test starts with none counted (the same emails recur across tests)."""
    from django.core.cache import cache

    from ovp.core.cache import unreachable

    try:
        client = cache._cache.get_client(None, write=True)  # type: ignore[attr-defined]
        keys = list(client.scan_iter(match="*:login-failures:*", count=1000))
        if keys:
            client.delete(*keys)
    except unreachable():
        pass  # no Redis: nothing counted either
    yield


@pytest.fixture(autouse=True)
def _public_pages_start_afresh() -> Iterator[None]:
    """The public pages kept whole (ovp/core/public.py) live in Redis, which no test's
    transaction undoes: each test starts with none kept."""
    from ovp.core.public_cache import _page_at, public_pages_changed

    public_pages_changed()
    _page_at.cache_clear()
    yield


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "faults: kills workers, cuts Redis, restarts Postgres (tests/core/test_faults.py)",
    )


@pytest.fixture
def public_dns(monkeypatch):
    """Every host name resolves to one public address (CI has no outside DNS)."""
    from ovp.core import fetch

    monkeypatch.setattr(fetch, "resolve", lambda host, port: ["93.184.215.14"])


@pytest.fixture
def staff(db):
    return StaffFactory(email="staff@example.org", full_name="Sam Staff")


@pytest.fixture
def office_admin(db):
    return AdminFactory(email="admin@example.org", full_name="Ada Admin")


@pytest.fixture
def organisation_a(db):
    return OrganisationFactory(name="Organisation A")


@pytest.fixture
def organisation_b(db):
    return OrganisationFactory(name="Organisation B")


@pytest.fixture
def grantee_a(organisation_a):
    return GranteeFactory(email="grantee.a@example.org", organisation=organisation_a)


@pytest.fixture
def grantee_b(organisation_b):
    return GranteeFactory(email="grantee.b@example.org", organisation=organisation_b)


@pytest.fixture
def board_member(db):
    return BoardMemberFactory(email="board@example.org")


@pytest.fixture
def client_for():
    """A logged-in test client for a user."""

    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def two_precincts(db):
    """Precinct 1 at -75.00..-74.99, precinct 2 at -74.99..-74.98 (latitude 40.00..40.01)."""
    return [
        AreaFactory(kind="precinct", code="1", name="First", population=50_000, min_lon=-75.0,
                    max_lon=-74.99, boundary=square(-75.0, 40.0)),
        AreaFactory(kind="precinct", code="2", name="Second", population=25_000, min_lon=-74.99,
                    max_lon=-74.98, boundary=square(-74.99, 40.0)),
    ]  # fmt: skip


@pytest.fixture
def nypd_source(db):
    return source_for(name="nypd-test", preset="nypd")


@pytest.fixture
def small_city(db):
    """Two treated areas from June 2023 whose shootings fall by 40%, and ten never served,
    with a citywide row per week so the data range is known."""
    start = date(2023, 6, 1)
    rng = np.random.default_rng(7)
    months = period_starts(date(2021, 1, 1), date(2024, 12, 1), MONTH)
    program = ProgramFactory(name="Test Outreach")
    areas = [AreaFactory(code=f"T{i:02d}", name=f"Area {i:02d}") for i in range(12)]
    counts = {}
    for i, area in enumerate(areas):
        level = 6 if i < 6 else 3
        effect = [0.6 if (i < 2 and m >= start) else 1.0 for m in months]
        counts[area.code] = rng.poisson(np.array(effect) * level).tolist()
        write_counts(area, months, counts[area.code])
        if i < 2:
            ServiceAreaFactory(program=program, area=area, started_on=start)
    # the city's own rows: the sum of its areas; they also tell the data's first and last days
    city = np.sum(list(counts.values()), axis=0).tolist()
    write_counts(None, months, city)
    PeriodCount.objects.bulk_create(
        [
            PeriodCount(
                period=Period.PART,
                period_start=date(2024, 12, 30),
                area=None,
                area_kind="",
                victims=0,
                fatal=0,
                nonfatal=0,
                incidents=0,
            )
        ]
    )
    return {"program": program, "areas": areas, "counts": counts, "months": months}


@pytest.fixture(scope="session")
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    executable = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    if not Path(executable).exists():
        # `make test` installs it where it may (root with apt-get) and says how otherwise;
        # CI (OVP_REQUIRE_BROWSER=1) must run them
        reason = f"no Chromium at {executable}: install it with `sudo apt-get install chromium`"
        if os.environ.get("OVP_REQUIRE_BROWSER"):
            pytest.fail(reason)
        pytest.skip(reason)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server) -> Iterator:
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    # assertions wait as long as actions: on a loaded 2-core CI machine plotly can take seconds
    expect.set_options(timeout=15_000)
    yield page
    context.close()
