"""The director's scorecard (office home and /office/scorecard.json): each figure against an
independent recount of the rows the test made (victims, awards, tranches, reports)."""

import statistics
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine

from grants.models import QuarterlyReport
from grants.services.awards import tranche_release
from grants.services.reports import report_approve
from inventory.models import ProgramStatus
from ovp.incidents.models import TargetMeasure
from ovp.incidents.services import source_for
from ovp.incidents.targets import target_set
from stakeholders.models import ActionItem
from tests.builders import city, load, make_award, rows_of, submit
from tests.factories import AreaFactory, square

pytestmark = pytest.mark.django_db

KEYS = {
    "year", "homicides_ytd", "homicides_target_ytd", "on_track", "people_shot_ytd",
    "homicides_last_12_months", "benchmark_needed", "funded_office", "funded_other",
    "obligated", "released", "available", "tranches_late", "median_days_approval_to_release",
    "reports_late", "action_items_overdue", "high_burden_gaps",
}  # fmt: skip


def at(day: date, hour: int = 12):
    return time_machine.travel(datetime(day.year, day.month, day.day, hour, tzinfo=UTC), tick=False)


@pytest.fixture
def scorecard_precincts(db):
    return [
        AreaFactory(kind="precinct", code=str(n), name=name, population=50_000,
                    min_lon=west, max_lon=west + 0.01, boundary=square(west, 40.0))
        for n, name, west in [(1, "First", -75.0), (2, "Second", -74.99)]
    ]  # fmt: skip


@pytest.fixture
def city_data(scorecard_precincts):
    nypd_source = source_for(name="nypd-test", preset="nypd")
    shootings = city()
    load(rows_of(shootings), nypd_source)
    target_set(measure=TargetMeasure.HOMICIDES, baseline_year=2022)
    return shootings


def test_the_violence_figures_recount_the_raw_rows(city_data, client_for, staff):
    figures = client_for(staff).get("/office/scorecard.json").json()
    assert set(figures) >= KEYS
    # the data runs to 30 June 2024: that year, up to its last week's Sunday
    assert figures["year"] == 2024
    assert figures["homicides_ytd"] == sum(1 for d, k in city_data if k and d.year == 2024)
    assert figures["people_shot_ytd"] == sum(1 for d, _ in city_data if d.year == 2024)
    # the last 52 weeks: 3 July 2023 (a Monday) to Sunday 30 June 2024
    last_12 = sum(1 for d, k in city_data if k and date(2023, 7, 3) <= d <= date(2024, 6, 30))
    assert figures["homicides_last_12_months"] == last_12
    assert figures["benchmark_needed"] == last_12 * 30_000
    assert figures["on_track"] == (figures["homicides_ytd"] <= figures["homicides_target_ytd"])


def test_the_money_and_lateness_figures_recount_the_grants(
    scorecard_precincts, organisation_a, grantee_a, staff, client_for
):
    with at(date(2026, 1, 2)):
        award = make_award(organisation_a, areas=scorecard_precincts)  # $120,000 for 2026
        other = make_award(organisation_a, amount="60000.00", title="Summer jobs",
                           lines=[("Wages", "60000.00")],
                           tranches=[("30000.00", date(2026, 1, 15), None),
                                     ("30000.00", date(2026, 4, 20), 1)])  # fmt: skip
    q1 = QuarterlyReport.objects.get(award=award, period_start=date(2026, 1, 1))
    other_q1 = QuarterlyReport.objects.get(award=other, period_start=date(2026, 1, 1))
    with at(date(2026, 4, 10)):
        submit(q1, grantee_a)
        submit(other_q1, grantee_a)
        report_approve(report=q1, user=staff)
        report_approve(report=other_q1, user=staff)
    with at(date(2026, 1, 20)):
        tranche_release(tranche=award.tranches.get(number=1), user=staff)
    with at(date(2026, 5, 30)):  # 50 days after its report's approval
        tranche_release(tranche=award.tranches.get(number=2), user=staff)
    with at(date(2026, 6, 1)):
        figures = client_for(staff).get("/office/scorecard.json").json()
        overdue = QuarterlyReport.objects.filter(due_on__lt=date(2026, 6, 1),
                                                 status__in=["not_started", "draft", "returned"])  # fmt: skip
        items = ActionItem.objects.exclude(status="done").filter(due_on__lt=date(2026, 6, 1))
    # other's second tranche: its report approved, planned for 20 April, not released
    assert figures["tranches_late"] == 1
    assert figures["median_days_approval_to_release"] == statistics.median([50])
    assert figures["released"] == 80_000
    assert figures["obligated"] == 180_000
    # both awards run the whole of 2026 (365 days): annualised, their amounts
    assert figures["funded_office"] == 180_000
    assert figures["reports_late"] == overdue.count()
    assert figures["action_items_overdue"] == items.count()


def test_other_funding_counts_programs_the_office_does_not_fund(
    scorecard_precincts, organisation_a, client_for, staff
):
    from tests.factories import ProgramFactory

    ProgramFactory(lead_organisation=organisation_a, annual_budget=100_000, funded_by_office=False)
    ProgramFactory(lead_organisation=organisation_a, annual_budget=70_000, funded_by_office=True)
    ProgramFactory(lead_organisation=organisation_a, annual_budget=50_000, funded_by_office=False,
                   status=ProgramStatus.ENDED)  # fmt: skip
    figures = client_for(staff).get("/office/scorecard.json").json()
    assert figures["funded_other"] == 100_000
    assert Decimal(figures["available"]) >= 0


def test_the_office_home_shows_each_figure_with_a_link_to_its_page(city_data, client_for, staff):
    page = client_for(staff).get("/office/").content.decode()
    for label, link in [
        ("Homicides this year", "/incidents/dashboard/"),
        ("On track", "/incidents/targets/"),
        ("Benchmark: funding needed", "/inventory/gaps/"),
        ("Tranches held after approval", "/grants/awards/"),
        ("Reports late", "/grants/compliance/"),
        ("Action items overdue", "/stakeholders/accountability/"),
        ("High-burden gaps", "/inventory/gaps/"),
    ]:
        assert label in page
        assert f'href="{link}"' in page
