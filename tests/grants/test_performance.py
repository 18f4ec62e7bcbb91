"""Metric sets, award targets and program performance: a round asks its own metrics, the
report form asks only those (with definitions, last quarter and the target), the nightly job
sums approved reports, and the performance page sets them against the targets. Each figure
is checked against a recount from the raw approved reports."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
import time_machine

from grants.models import (
    ApplicationStatus,
    AwardTarget,
    Metric,
    MetricQuarter,
    QuarterlyReport,
    ReportFigure,
    ReportStatus,
    RoundMetric,
    TargetPeriod,
)
from grants.selectors.performance import performance
from grants.services.program_data import program_data_rebuild
from grants.services.reports import report_approve, report_submit
from inventory.models import Strategy
from tests.builders import make_award
from tests.factories import ApplicationFactory, FundingRoundFactory, StaffFactory

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def hospital_round():
    """A round asking hospital-based programs for bedside contacts (required, at most 500)
    and every award for participants enrolled (optional)."""
    funding_round = FundingRoundFactory(name="Violence intervention 2026")
    bedside = Metric.objects.get(slug="bedside-contacts")
    enrolled = Metric.objects.get(slug="participants-enrolled")
    RoundMetric.objects.create(
        funding_round=funding_round, metric=bedside, maximum=500, strategy=Strategy.HOSPITAL
    )
    RoundMetric.objects.create(
        funding_round=funding_round, metric=enrolled, required=False, position=1
    )
    return funding_round


@pytest.fixture
def hospital_award(hospital_round, organisation_a):
    application = ApplicationFactory(
        funding_round=hospital_round, organisation=organisation_a, strategy=Strategy.HOSPITAL,
        status=ApplicationStatus.APPROVED, approved_amount=D("120000.00"),
    )  # fmt: skip
    award = make_award(organisation_a, application=application, fund=hospital_round.fund,
                       title="Bedside to recovery")  # fmt: skip
    bedside = Metric.objects.get(slug="bedside-contacts")
    AwardTarget.objects.create(award=award, metric=bedside, period=TargetPeriod.QUARTER, value=80)
    return award


def _report(award, quarter: int) -> QuarterlyReport:
    return award.reports.order_by("period_start")[quarter - 1]


def test_the_report_form_asks_only_the_rounds_metrics_with_their_definitions(
    hospital_award, grantee_a, client_for
):
    staff = StaffFactory()
    q1, q2 = _report(hospital_award, 1), _report(hospital_award, 2)
    with time_machine.travel(date(2026, 4, 10), tick=False):
        report_submit(report=q1, metrics={"metric_bedside-contacts": 70, "participants_enrolled": 9},
                      spending={}, narrative="Q1.", user=grantee_a)  # fmt: skip
        report_approve(report=q1, user=staff)
    page = client_for(grantee_a).get(f"/portal/reports/{q2.uuid}/").content.decode()
    assert "Bedside contacts" in page and "within 48 hours of arrival" in page
    assert "Last quarter (Q1 2026): 70." in page and "Target this quarter: 80." in page
    assert "Outreach contacts" not in page and "Conflicts mediated" not in page
    assert ReportFigure.objects.get(report=q1).value == 70


def test_an_award_of_another_strategy_is_not_asked_the_hospitals_metric(
    hospital_round, hospital_award, organisation_b
):
    from grants.selectors.metrics import award_metrics

    jobs = ApplicationFactory(
        funding_round=hospital_round, organisation=organisation_b,
        strategy=Strategy.YOUTH_EMPLOYMENT, status=ApplicationStatus.APPROVED,
        approved_amount=D("50000.00"),
    )  # fmt: skip
    award = make_award(organisation_b, application=jobs, fund=hospital_round.fund,
                       amount="50000.00", title="Summer jobs", lines=[("Wages", "50000.00")],
                       tranches=[("50000.00", date(2026, 1, 15), None)])  # fmt: skip
    assert [a.metric.slug for a in award_metrics(award)] == ["participants-enrolled"]
    assert [a.metric.slug for a in award_metrics(hospital_award)] == [
        "bedside-contacts", "participants-enrolled"
    ]  # fmt: skip


def test_a_rounds_range_and_required_metrics_are_checked(hospital_award, grantee_a, client_for):
    q1 = _report(hospital_award, 1)
    client = client_for(grantee_a)
    with time_machine.travel(date(2026, 4, 10), tick=False):
        response = client.post(f"/portal/reports/{q1.uuid}/", {
            "action": "submit", "metric_bedside-contacts": "501", "narrative": "Q1."})  # fmt: skip
        assert "Bedside contacts (501) is outside what this round allows: from 0 to 500." in (
            response.content.decode()
        )
        response = client.post(f"/portal/reports/{q1.uuid}/", {
            "action": "submit", "narrative": "Q1."})  # fmt: skip
        assert "Bedside contacts: required to submit the report (0 if none)." in (
            response.content.decode()
        )
        # the optional one may be left blank
        response = client.post(f"/portal/reports/{q1.uuid}/", {
            "action": "submit", "metric_bedside-contacts": "64", "narrative": "Q1."})  # fmt: skip
    q1.refresh_from_db()
    assert q1.status == ReportStatus.SUBMITTED and q1.participants_enrolled is None
    version = q1.versions.get()
    assert version.content["metrics"] == {
        "metric_bedside-contacts": 64,
        "participants_enrolled": None,
    }
    assert version.content["metric_labels"] == [
        ["metric_bedside-contacts", "Bedside contacts"],
        ["participants_enrolled", "Participants enrolled"],
    ]


def test_staff_choose_a_rounds_metrics_from_the_library(hospital_round, staff, client_for):
    client = client_for(staff)
    url = f"/grants/rounds/{hospital_round.uuid}/metrics/"
    page = client.get(url).content.decode()
    assert '<optgroup label="Hospital-based violence intervention">' in page
    lots = Metric.objects.get(slug="lots-greened")
    rows = list(RoundMetric.objects.filter(funding_round=hospital_round))
    data = {"metrics-TOTAL_FORMS": "4", "metrics-INITIAL_FORMS": "2",
            "metrics-MIN_NUM_FORMS": "0", "metrics-MAX_NUM_FORMS": "1000"}  # fmt: skip
    for index, row in enumerate(rows):
        data |= {f"metrics-{index}-id": str(row.pk), f"metrics-{index}-metric": str(row.metric_id),
                 f"metrics-{index}-minimum": "0", f"metrics-{index}-maximum": "500",
                 f"metrics-{index}-required": "on",
                 f"metrics-{index}-strategy": row.strategy}  # fmt: skip
    data["metrics-1-DELETE"] = "on"
    data |= {"metrics-2-metric": str(lots.pk), "metrics-2-minimum": "5", "metrics-2-maximum": "2"}
    refused = client.post(url, data)
    assert "The highest allowed is below the lowest." in refused.content.decode()
    data["metrics-2-maximum"] = "40"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["formset"].errors
    kept = RoundMetric.objects.filter(funding_round=hospital_round).order_by("position")
    assert [(r.metric.slug, r.minimum, r.maximum) for r in kept] == [
        ("bedside-contacts", 0, 500), ("lots-greened", 5, 40)
    ]  # fmt: skip


def test_staff_set_and_clear_an_awards_targets(hospital_award, staff, client_for):
    client = client_for(staff)
    bedside = Metric.objects.get(slug="bedside-contacts")
    enrolled = Metric.objects.get(slug="participants-enrolled")
    url = f"/grants/awards/{hospital_award.uuid}/targets/"
    assert "Bedside contacts (people)" in client.get(url).content.decode()
    response = client.post(url, {
        f"value_{bedside.pk}": "", f"period_{bedside.pk}": "quarter",
        f"value_{enrolled.pk}": "120", f"period_{enrolled.pk}": "award"})  # fmt: skip
    assert response.status_code == 302
    assert [(t.metric.slug, t.period, t.value) for t in hospital_award.targets.all()] == [
        ("participants-enrolled", "award", 120)
    ]  # fmt: skip
    refused = client.post(url, {f"value_{enrolled.pk}": "0", f"period_{enrolled.pk}": "award",
                                f"period_{bedside.pk}": "quarter"})  # fmt: skip
    assert "The targets were not saved" in refused.content.decode()


@pytest.fixture
def two_quarters_reported(hospital_award, grantee_a):
    """Q1: 50 bedside contacts, Q2: 40 (target 80 a quarter: 62% then 50%, behind twice);
    $50,000 and $30,000 spent of $120,000."""
    staff = StaffFactory()
    line = hospital_award.budget_lines.get(name="Outreach workers")
    for quarter, contacts, enrolled, spent in ((1, 50, 10, "50000.00"), (2, 40, 6, "30000.00")):
        report = _report(hospital_award, quarter)
        with time_machine.travel(date(2026, 3 * quarter + 1, 10), tick=False):
            report_submit(report=report, user=grantee_a, narrative="Work.",
                          metrics={"metric_bedside-contacts": contacts,
                                   "participants_enrolled": enrolled},
                          spending={line.pk: D(spent)})  # fmt: skip
            report_approve(report=report, user=staff)
    program_data_rebuild()
    return hospital_award


def recount(award):
    """The independent count: each approved report's own figures, by quarter and metric."""
    counted = {}
    for report in award.reports.filter(status=ReportStatus.APPROVED):
        for figure in report.figures.all():
            counted[(report.period_start, figure.metric.slug)] = figure.value
        if report.participants_enrolled is not None:
            counted[(report.period_start, "participants-enrolled")] = report.participants_enrolled
    return counted


def test_the_nightly_job_sums_approved_reports_by_metric_and_quarter(two_quarters_reported):
    rows = {(r.quarter_start, r.metric.slug): r.actual for r in MetricQuarter.objects.all()}
    assert rows == recount(two_quarters_reported)


def test_performance_sets_figures_against_targets_and_flags_what_lags(two_quarters_reported):
    [award] = performance(type(two_quarters_reported).objects.all())
    q1, q2 = award.quarters
    bedside = {m.metric.slug: m for m in q2.metrics}["bedside-contacts"]
    assert (bedside.actual, bedside.target, bedside.percent) == (40, D(80), D(50))
    assert q2.spent_to_date == D("80000.00")
    assert q2.burn_rate == D("80000.00") / D("120000.00")
    assert q2.cost_per_participant == D("80000.00") / 16
    assert q1.flags == [
        "Spending ahead of outputs: 42% of the money spent, 16% of the targets reached"
    ]
    assert "Bedside contacts: under 75% of target two quarters running" in q2.flags


def test_the_performance_csv_has_a_row_per_award_quarter_and_metric(
    two_quarters_reported, staff, client_for
):
    response = client_for(staff).get("/grants/performance.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Award", "Organisation", "Strategy", "Areas", "Quarter", "Metric",
                       "Actual", "Target", "% of target"]  # fmt: skip
    body = {(r[4], r[5]): (r[6], r[7], r[8]) for r in rows[1:]}
    counted = recount(two_quarters_reported)
    assert body[("Q1 2026", "Bedside contacts")] == ("50", "80", "63")  # 62.5, as the page rounds
    assert body[("Q2 2026", "Participants enrolled")] == ("6", "", "")
    assert len(rows) - 1 == len(counted)


def test_a_grantee_sees_the_performance_of_its_own_awards_only(
    two_quarters_reported, grantee_a, grantee_b, client_for
):
    own = client_for(grantee_a).get("/portal/performance/").content.decode()
    assert "Bedside to recovery" in own and "50%" in own
    other = client_for(grantee_b).get("/portal/performance/").content.decode()
    assert "Bedside to recovery" not in other
    csv_text = client_for(grantee_b).get("/portal/performance.csv").content.decode("utf-8-sig")
    assert "Bedside to recovery" not in csv_text


def test_the_staff_page_filters_by_strategy(two_quarters_reported, staff, client_for):
    client = client_for(staff)
    assert "Bedside to recovery" in client.get("/grants/performance/").content.decode()
    page = client.get("/grants/performance/?strategy=place_based").content.decode()
    assert "Bedside to recovery" not in page and "No awards match these filters." in page


def test_the_scorecard_counts_the_awards_behind_their_targets(
    two_quarters_reported, staff, client_for
):
    with time_machine.travel(date(2026, 7, 20), tick=False):
        figures = client_for(staff).get("/office/scorecard.json").json()
        page = client_for(staff).get("/office/").content.decode()
    assert figures["awards_behind_targets"] == 1
    assert 'href="/grants/performance/"' in page


def test_an_approval_shows_on_the_performance_page_at_once(hospital_award, grantee_a, staff):
    q1 = _report(hospital_award, 1)
    with time_machine.travel(date(2026, 4, 10), tick=False):
        report_submit(report=q1, metrics={"metric_bedside-contacts": 60}, spending={},
                      narrative="Q1.", user=grantee_a)  # fmt: skip
        report_approve(report=q1, user=staff)  # no nightly job between
    [award] = performance(type(hospital_award).objects.all())
    assert {m.metric.slug: m.actual for m in award.latest.metrics}["bedside-contacts"] == 60


def test_a_changed_metric_set_keeps_what_was_reported_and_its_targets_can_be_cleared(
    two_quarters_reported, hospital_round, staff, client_for
):
    RoundMetric.objects.filter(
        funding_round=hospital_round, metric__slug="bedside-contacts"
    ).delete()
    program_data_rebuild()
    [award] = performance(type(two_quarters_reported).objects.all())
    assert {m.metric.slug: m.actual for m in award.quarters[0].metrics}["bedside-contacts"] == 50
    bedside = Metric.objects.get(slug="bedside-contacts")
    url = f"/grants/awards/{two_quarters_reported.uuid}/targets/"
    assert f'name="value_{bedside.pk}"' in client_for(staff).get(url).content.decode()
    enrolled = Metric.objects.get(slug="participants-enrolled")
    client_for(staff).post(url, {f"value_{bedside.pk}": "", f"period_{bedside.pk}": "quarter",
                                 f"period_{enrolled.pk}": "quarter"})  # fmt: skip
    assert not two_quarters_reported.targets.exists()


def test_a_definition_is_shown_as_text_not_markup(hospital_award, grantee_a, client_for):
    bedside = Metric.objects.get(slug="bedside-contacts")
    bedside.definition = '<a href="https://evil.example">Click</a> & <b>count</b>'
    bedside.save()
    page = client_for(grantee_a).get(f"/portal/reports/{_report(hospital_award, 1).uuid}/")
    text = page.content.decode()
    assert '<a href="https://evil.example">' not in text
    assert "&lt;a href=&quot;https://evil.example&quot;&gt;Click&lt;/a&gt; &amp; " in text


def test_a_grantee_filters_by_its_own_programs_and_areas_only(
    hospital_award, grantee_a, client_for
):
    from inventory.models import Program
    from tests.factories import ProgramFactory

    ProgramFactory(name="Someone else's patrols")
    page = client_for(grantee_a).get("/portal/performance/").content.decode()
    assert "Someone else&#x27;s patrols" not in page and "Someone else's patrols" not in page
    assert Program.objects.filter(name="Someone else's patrols").exists()


def test_a_strategys_metric_is_asked_of_that_strategys_awards_by_default(
    hospital_round, staff, client_for
):
    lots = Metric.objects.get(slug="lots-greened")
    data = {"metrics-TOTAL_FORMS": "1", "metrics-INITIAL_FORMS": "0",
            "metrics-MIN_NUM_FORMS": "0", "metrics-MAX_NUM_FORMS": "1000",
            "metrics-0-metric": str(lots.pk), "metrics-0-strategy": "",
            "metrics-0-minimum": "0", "metrics-0-maximum": "100"}  # fmt: skip
    response = client_for(staff).post(f"/grants/rounds/{hospital_round.uuid}/metrics/", data)
    assert response.status_code == 302
    row = RoundMetric.objects.get(funding_round=hospital_round, metric=lots)
    assert row.strategy == Strategy.PLACE_BASED


def test_a_filter_naming_nothing_says_so_and_shows_no_awards(
    two_quarters_reported, staff, client_for
):
    page = client_for(staff).get("/grants/performance/?area=abc&program=999999").content.decode()
    assert "These filters name what does not exist" in page
    assert "Bedside to recovery" not in page


def test_a_metric_may_be_named_in_any_script(staff, client_for):
    response = client_for(staff).post("/grants/metrics/", {
        "name": "Соседские встречи", "definition": "Встречи жителей.", "unit": "meetings"})  # fmt: skip
    assert response.status_code == 302
    assert Metric.objects.get(name="Соседские встречи").slug == "соседские-встречи"


def test_the_csv_rounds_a_percent_as_the_page_does(hospital_award, grantee_a, staff, client_for):
    q1 = _report(hospital_award, 1)
    AwardTarget.objects.filter(award=hospital_award).update(value=40)
    with time_machine.travel(date(2026, 4, 10), tick=False):
        report_submit(report=q1, metrics={"metric_bedside-contacts": 41}, spending={},
                      narrative="Q1.", user=grantee_a)  # fmt: skip
        report_approve(report=q1, user=staff)  # 41 of 40: 102.5%
    rows = client_for(staff).get("/grants/performance.csv").content.decode("utf-8-sig")
    assert ",41,40,103" in rows
    assert "103%" in client_for(staff).get("/grants/performance/").content.decode()
