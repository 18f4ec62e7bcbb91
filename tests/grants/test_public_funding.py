"""The public funding page (/public/funding/): awards only, by strategy and area, each
grantee and amount, against the benchmark, with the shootings page's own homicide count."""

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from grants.models import ApplicationStatus
from grants.selectors import public_funding as selectors
from grants.selectors.public_funding import part_between, public_funding
from inventory.models import Strategy
from ovp.incidents import publication
from ovp.incidents.selectors import DataRange
from tests.builders import make_award
from tests.factories import (
    ApplicationFactory,
    AreaFactory,
    AwardFactory,
    OrganisationFactory,
    ProgramFactory,
)

TODAY = date(2026, 11, 20)
URL = "/public/funding/"


@pytest.fixture
def awards(db):
    """Two awards for 2026 (one across two areas, one city-wide), one running July 2025 to
    June 2026, and an approved application that was never awarded."""
    north, east = AreaFactory(name="Northside"), AreaFactory(name="Eastgate")
    peacekeepers = OrganisationFactory(name="Northside Peacekeepers")
    youth = OrganisationFactory(name="Eastgate Youth Alliance")
    program = ProgramFactory(lead_organisation=peacekeepers, strategy=Strategy.STREET_OUTREACH)
    outreach = make_award(peacekeepers, amount="120000.00", areas=[north, east], program=program,
                          title="Street outreach 2026")  # fmt: skip
    jobs_application = ApplicationFactory(
        organisation=youth, strategy=Strategy.YOUTH_EMPLOYMENT, status=ApplicationStatus.APPROVED
    )
    jobs = AwardFactory(organisation=youth, application=jobs_application, title="Summer jobs",
                        amount=Decimal("60000.00"))  # fmt: skip
    across = AwardFactory(organisation=youth, title="Mentoring 2025-26",
                          amount=Decimal("73000.00"), starts_on=date(2025, 7, 1),
                          ends_on=date(2026, 6, 30))  # fmt: skip
    ApplicationFactory(title="Never awarded", status=ApplicationStatus.APPROVED,
                       organisation=OrganisationFactory(name="Hopeful Applicants"))  # fmt: skip
    return {"outreach": outreach, "jobs": jobs, "across": across}


def test_an_award_counts_in_a_year_for_its_days_in_it(awards):
    across = awards["across"]  # 365 days, 184 of them in 2025
    assert part_between(across, date(2025, 1, 1), date(2025, 12, 31)) == Decimal(73000 * 184 / 365)
    assert part_between(awards["outreach"], date(2025, 1, 1), date(2025, 12, 31)) == 0


def test_the_year_shows_each_award_running_in_it_with_its_part(awards):
    funding = public_funding(year=2026, today=TODAY)
    rows = {(a.grantee, a.title): a.in_year for a in funding.awards}
    assert rows == {
        ("Northside Peacekeepers", "Street outreach 2026"): Decimal(120000),
        ("Eastgate Youth Alliance", "Summer jobs"): Decimal(60000),
        ("Eastgate Youth Alliance", "Mentoring 2025-26"): Decimal(36200),  # 181 of 365 days
    }
    assert funding.years == [2026, 2025]


def test_money_is_grouped_by_strategy_and_shared_between_areas(awards):
    funding = public_funding(year=2026, today=TODAY)
    # the application's strategy, else the program's, else Other
    assert funding.by_strategy == [
        ("Street outreach (CVI)", Decimal(120000)),
        ("Summer youth employment", Decimal(60000)),
        ("Other", Decimal(36200)),
    ]
    assert funding.by_area == [
        ("Eastgate", Decimal(60000)),
        ("Northside", Decimal(60000)),
        (selectors.ACROSS_THE_CITY, Decimal(96200)),
    ]


def test_the_benchmark_uses_the_shootings_pages_published_homicides(awards, monkeypatch):
    monkeypatch.setattr(selectors, "_published_homicides", lambda year: (date(2026, 6, 30), 12))
    benchmark = public_funding(year=2026, today=TODAY).benchmark
    assert benchmark is not None
    assert benchmark.needed == Decimal(12 * 30000)
    # January to June: half of the 2026 awards, all of the award ending in June
    assert benchmark.funded == Decimal(round((120000 + 60000) * 181 / 365 + 36200))
    assert benchmark.funded_per_homicide == (benchmark.funded / 12).quantize(Decimal(1))
    assert not benchmark.whole_year


def test_no_benchmark_when_the_shootings_page_hides_the_count(awards, monkeypatch, client: Client):
    hidden = publication.PublicYear(year=2026, through=date(2026, 6, 30), people_shot=None,
                                    killed=None, incidents=None, tables=[])  # fmt: skip
    monkeypatch.setattr(
        "ovp.incidents.selectors.data_range", lambda: DataRange(None, None, years=[2026])
    )
    monkeypatch.setattr(publication, "public_year_cached", lambda year: hidden)
    funding = public_funding(year=2026, today=TODAY)
    assert funding.benchmark is None and funding.homicides_hidden
    page = client.get(URL, {"year": "2026"}).content.decode()
    assert "is hidden on the" in page
    assert "per homicide, against" not in page


def test_the_page_names_grantees_and_amounts_and_never_an_application(awards, client: Client):
    page = client.get(URL, {"year": "2026"}).content.decode()
    assert "Northside Peacekeepers" in page and "$120,000" in page
    assert "Hopeful Applicants" not in page and "Never awarded" not in page
    assert "No count of people killed in shootings has been published for 2026" in page


def test_a_year_without_awards_shows_the_latest_with_them(awards, client: Client):
    response = client.get(URL, {"year": "1999"})
    assert response.status_code == 200
    assert public_funding(year=1999, today=TODAY).year == 2026


def test_the_csv_holds_the_charts_figures(awards, client: Client):
    response = client.get("/public/funding/strategies.csv", {"year": "2026"})
    assert response.status_code == 200
    assert "Summer youth employment,60000" in response.content.decode()


def test_the_page_needs_few_queries_however_many_awards(
    awards, client: Client, django_assert_max_num_queries
):
    for n in range(10):
        AwardFactory(title=f"Extra {n}").areas.add(AreaFactory())
    with django_assert_max_num_queries(10):
        response = client.get(URL, {"year": "2026"})
    assert "Extra 9" in response.content.decode()
