"""The demo city's grants: a past round with awards and a year of reports in various states."""

from io import StringIO

from django.core.management import call_command

from grants.models import (
    Allocation,
    Application,
    ApplicationStatus,
    Award,
    Fund,
    ProgramQuarter,
    QuarterlyReport,
    ReportStatus,
    ReviewAssignment,
    Tranche,
)


def test_demo_has_a_past_round_with_awards_and_a_year_of_reports_in_various_states(db):
    call_command("seed_demo", stdout=StringIO())

    assert Award.objects.count() == 4
    states = set(QuarterlyReport.objects.values_list("status", flat=True))
    assert states == {s.value for s in ReportStatus}  # every state, from not started to approved
    assert QuarterlyReport.objects.filter(versions__number=2).exists()  # returned and resubmitted
    assert Allocation.objects.get().decided_by.email == "staff@demo.ovp"
    assert ReviewAssignment.objects.filter(
        has_conflict=True, reviewer__email="board@demo.ovp"
    ).exists()
    assert Application.objects.filter(status=ApplicationStatus.DRAFT).exists()
    fund = Fund.objects.get()
    released = sum(t.amount for t in Tranche.objects.filter(released_at__isnull=False))
    assert fund.disbursed == released == sum(a.paid for a in Award.objects.all())
    assert fund.available == fund.total_budget - sum(a.amount for a in Award.objects.all())
    assert ProgramQuarter.objects.exists()  # approved reports feed the program data


def test_demo_grants_are_built_once(db):
    call_command("seed_demo", stdout=StringIO())
    counts = (Award.objects.count(), Application.objects.count(), QuarterlyReport.objects.count())

    call_command("seed_demo", stdout=StringIO())

    assert (
        Award.objects.count(),
        Application.objects.count(),
        QuarterlyReport.objects.count(),
    ) == counts


def test_demo_tranches_are_released_on_the_days_of_the_year_after_their_reports(db):
    call_command("seed_demo", stdout=StringIO())

    released = list(
        Tranche.objects.filter(released_at__isnull=False).select_related("requires_report")
    )
    assert len({tranche.released_at.date() for tranche in released}) > 4  # not one seed time
    for tranche in released:
        report = tranche.requires_report
        if report is None:
            assert tranche.released_at.date() == tranche.planned_on
            continue
        assert report.submitted_at and report.reviewed_at and tranche.released_at
        assert report.submitted_at < report.reviewed_at < tranche.released_at
        assert report.period_end < report.submitted_at.date()
        assert tranche.released_at.year == 2026
    for report in QuarterlyReport.objects.filter(status=ReportStatus.APPROVED):
        assert list(report.versions.values_list("submitted_at", flat=True)) == sorted(
            report.versions.values_list("submitted_at", flat=True)
        )
        assert report.versions.order_by("-number").first().submitted_at == report.submitted_at


def test_demo_results_have_targets_an_award_behind_a_late_tranche_and_a_city_off_its_path(db):
    from grants.models import AwardTarget, MetricQuarter, ReportFigure
    from grants.selectors.metrics import award_metrics
    from grants.selectors.performance import performance
    from ovp.incidents.models import ViolenceTarget
    from ovp.incidents.selectors import data_range
    from ovp.incidents.targets import target_progress, through_week_end

    call_command("seed_demo", stdout=StringIO())

    assert AwardTarget.objects.count() >= 4 * 2
    jobs = Award.objects.get(title="Eastgate Summer Jobs 2026")
    asked = {a.metric.slug for a in award_metrics(jobs)}
    assert "youth-placed-in-jobs" in asked and "outreach-contacts" not in asked
    assert "bedside-contacts" in {
        a.metric.slug for a in award_metrics(Award.objects.get(program__strategy="hospital"))
    }
    # the nightly sums against a recount of the approved reports' own figures
    counted = {}
    for report in QuarterlyReport.objects.filter(status=ReportStatus.APPROVED):
        # every figure the report holds: its own columns, and its figure rows
        columns = {"participants_enrolled": "participants-enrolled",
                   "participants_active": "participants-active", "referrals_made": "referrals-made",
                   "referrals_completed": "referrals-completed",
                   "participants_reinjured": "participants-reinjured",
                   "outreach_contacts": "outreach-contacts",
                   "conflicts_mediated": "conflicts-mediated", "staff_caseload": "caseload-per-worker"}  # fmt: skip
        held = [(slug, getattr(report, column)) for column, slug in columns.items()]
        held += [(f.metric.slug, f.value) for f in report.figures.select_related("metric")]
        for slug, value in held:
            if value is not None:
                counted[(report.award_id, report.period_start, slug)] = value
    summed = {(r.award_id, r.quarter_start, r.metric.slug): r.actual
              for r in MetricQuarter.objects.select_related("metric")}  # fmt: skip
    assert summed == counted and ReportFigure.objects.exists()
    flagged = {
        p.award.title for p in performance(Award.objects.all())
        if p.latest and any("two quarters running" in flag for flag in p.latest.flags)
    }  # fmt: skip
    assert flagged == {"Bedside intervention for young adults"}
    late = [t for t in Tranche.objects.filter(released_at__isnull=False)
            if t.released_at.date() > t.planned_on]  # fmt: skip
    assert [(t.award.title, t.number) for t in late] == [("Eastgate Summer Jobs 2026", 3)]
    target = ViolenceTarget.objects.get(area__isnull=True, measure="homicides")
    data = data_range()
    progress = target_progress(target, 2026, through_week_end(2026, data.last_week))
    assert progress.on_track is False
    assert progress.target_so_far is not None
    assert progress.so_far <= progress.target_so_far * 1.10  # narrowly
