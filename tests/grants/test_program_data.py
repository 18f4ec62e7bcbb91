"""Program data: approved reports' metrics shared between an award's areas, per quarter."""

from datetime import date
from decimal import Decimal

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core.exceptions import ValidationError

from grants.models import METRIC_MAX, ProgramQuarter
from grants.services.program_data import SHARED_METRICS, program_data_rebuild, share_evenly
from grants.services.reports import report_save_draft
from grants.tasks import program_data_rebuild as rebuild_task
from inventory.models import Strategy
from ovp.celery import app
from tests.builders import approve, make_award, submit
from tests.factories import AreaFactory, ProgramFactory

D = Decimal


@pytest.mark.parametrize(
    ("value", "parts", "shares"),
    [
        (Decimal("10"), 3, ["3.3334", "3.3333", "3.3333"]),
        (Decimal("100.00"), 3, ["33.3334", "33.3333", "33.3333"]),
        (Decimal("0.0002"), 3, ["0.0001", "0.0001", "0.0000"]),
        (Decimal("7"), 1, ["7.0000"]),
    ],
)
def test_shares_add_up_exactly(value, parts, shares):
    result = share_evenly(value, parts)
    assert [str(share) for share in result] == shares
    assert sum(result) == value


@pytest.mark.django_db
def test_counts_and_spending_are_shared_between_the_awards_areas_exactly(
    organisation_a, grantee_a, staff
):
    areas = [AreaFactory(code=code) for code in ("N1", "N2", "N3")]
    program = ProgramFactory(strategy=Strategy.HOSPITAL)
    award = make_award(
        organisation_a,
        areas=areas,
        program=program,
        starts_on=date(2026, 2, 15),
        tranches=[("120000.00", date(2026, 2, 15), None)],
    )
    lines = {line.name: line.pk for line in award.budget_lines.all()}
    q1 = award.reports.order_by("period_start")[0]
    approve(
        q1,
        grantee_a,
        staff,
        participants_enrolled=10,
        participants_active=7,
        outreach_contacts=101,
        spending={lines["Outreach workers"]: D("1000.00"), lines["Supplies"]: D("0.01")},
    )
    submit(award.reports.order_by("period_start")[1], grantee_a)  # not approved: left out

    result = program_data_rebuild()
    assert (result.rows, result.reports, result.reports_without_areas) == (3, 1, 0)
    rows = list(ProgramQuarter.objects.order_by("area__code"))
    assert {row.quarter_start for row in rows} == {date(2026, 1, 1)}
    assert {(row.program_id, row.strategy) for row in rows} == {(program.pk, Strategy.HOSPITAL)}
    assert [row.participants_enrolled for row in rows] == [
        D("3.3334"),
        D("3.3333"),
        D("3.3333"),
    ]
    q1.refresh_from_db()
    for name in SHARED_METRICS:
        assert sum(getattr(row, name) for row in rows) == Decimal(getattr(q1, name))
    assert sum(row.funds_spent for row in rows) == D("1000.01")
    assert all(isinstance(row.funds_spent, Decimal) for row in rows)


@pytest.mark.django_db
def test_rebuilding_twice_gives_the_same_rows(organisation_a, grantee_a, staff):
    award = make_award(organisation_a, areas=[AreaFactory(), AreaFactory()])
    approve(award.reports.order_by("period_start")[0], grantee_a, staff)
    program_data_rebuild()
    first = list(ProgramQuarter.objects.order_by("area_id").values(*SHARED_METRICS, "area_id"))
    program_data_rebuild()
    again = list(ProgramQuarter.objects.order_by("area_id").values(*SHARED_METRICS, "area_id"))
    assert first == again
    assert len(first) == 2
    # an award with neither a program nor an application counts under "other"
    assert set(ProgramQuarter.objects.values_list("strategy", flat=True)) == {Strategy.OTHER}


@pytest.mark.django_db
def test_reports_of_awards_without_areas_are_counted_but_left_out(organisation_a, grantee_a, staff):
    award = make_award(organisation_a)
    approve(award.reports.order_by("period_start")[0], grantee_a, staff)
    result = program_data_rebuild()
    assert (result.rows, result.reports_without_areas) == (0, 1)
    assert not ProgramQuarter.objects.exists()


def test_the_rebuild_is_a_nightly_job_after_the_incident_aggregates():
    job = settings.OVP_SCHEDULED_JOBS["grants-program-data"]
    assert job["task"] == "grants.tasks.program_data_rebuild"
    assert (set(job["schedule"].hour), set(job["schedule"].minute)) == ({2}, {45})
    reminders = settings.OVP_SCHEDULED_JOBS["grants-report-reminders"]
    assert (set(reminders["schedule"].hour), set(reminders["schedule"].minute)) == ({7}, {0})
    app.loader.import_default_modules()
    assert "grants.tasks.program_data_rebuild" in app.tasks
    assert "grants.tasks.reports_send_reminders" in app.tasks


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_rebuilds_program_data(organisation_a, grantee_a, staff):
    award = make_award(organisation_a, areas=[AreaFactory()])
    approve(award.reports.order_by("period_start")[0], grantee_a, staff)
    with start_worker(app, perform_ping_check=False, shutdown_timeout=10):
        assert rebuild_task.delay().get(timeout=30) == 1
    assert ProgramQuarter.objects.get().participants_enrolled == D("40")


@pytest.mark.django_db
def test_the_rebuild_holds_reports_at_the_metric_ceiling(organisation_a, grantee_a, staff):
    area = AreaFactory(code="N1")
    award = make_award(organisation_a, areas=[area])
    at_ceiling = dict.fromkeys(SHARED_METRICS, METRIC_MAX)
    for report in award.reports.order_by("period_start")[:3]:
        approve(report, grantee_a, staff, staff_caseload=METRIC_MAX, **at_ceiling)

    result = program_data_rebuild()

    assert result.rows == 3
    for row in ProgramQuarter.objects.all():
        assert all(getattr(row, name) == Decimal(METRIC_MAX) for name in SHARED_METRICS)
    # the field holds far more than the ceiling: twelve digits before the point
    field = ProgramQuarter._meta.get_field("participants_enrolled")
    assert field.max_digits - field.decimal_places == 12
    with pytest.raises(ValidationError, match="is more than a quarter's report can count"):
        report_save_draft(report=award.reports.order_by("period_start")[3],
                          metrics={"participants_enrolled": METRIC_MAX + 1}, spending={},
                          narrative="", user=grantee_a)  # fmt: skip
