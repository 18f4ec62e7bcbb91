"""Program data: approved quarterly reports' metrics per area and quarter, rebuilt nightly."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Decimal

from django.db import transaction
from django.db.models import Sum

from grants.models import (
    ZERO,
    Award,
    MetricQuarter,
    ProgramQuarter,
    QuarterlyReport,
    ReportFigure,
    ReportStatus,
    Spending,
)
from grants.selectors.metrics import AskedMetric, award_metrics, award_strategy
from grants.services.awards import quarter_of

# ProgramQuarter keeps 4 decimal places
STEP = Decimal("0.0001")
SHARED_METRICS = [
    "participants_enrolled",
    "participants_active",
    "outreach_contacts",
    "conflicts_mediated",
    "referrals_made",
    "referrals_completed",
    "participants_reinjured",
]


@dataclass(frozen=True)
class ProgramDataResult:
    rows: int
    reports: int
    reports_without_areas: int


def share_evenly(value: Decimal, parts: int) -> list[Decimal]:
    """`value` cut into `parts` shares of 0.0001 that add up to it exactly: each gets the
    even share rounded down, and the first ones one more step until nothing is left."""
    base = (value / parts).quantize(STEP, rounding=ROUND_DOWN)
    leftover_steps = int((value - base * parts) / STEP)
    return [base + (STEP if index < leftover_steps else ZERO) for index in range(parts)]


def _metric_quarters_rebuild(reports: list[QuarterlyReport]) -> None:
    """Each approved report's figure for every metric its award reports, by award, metric
    and quarter (MetricQuarter): the performance page's actuals. Awards with no area count
    here too: their targets are theirs, wherever they work."""
    figures: dict[int, dict[int, int]] = defaultdict(dict)
    for report_id, metric_id, figure in ReportFigure.objects.filter(
        report__in=[report.pk for report in reports]
    ).values_list("report_id", "metric_id", "value"):
        figures[report_id][metric_id] = figure
    asked_of: dict[int, list[AskedMetric]] = {}
    rows: dict[tuple[int, date, int], MetricQuarter] = {}
    for report in reports:
        if report.award_id not in asked_of:
            asked_of[report.award_id] = award_metrics(report.award)
        quarter_start, _ = quarter_of(report.period_start)
        for asked in asked_of[report.award_id]:
            metric = asked.metric
            value: int | None = (
                getattr(report, metric.column) if metric.column
                else figures[report.pk].get(metric.pk)
            )  # fmt: skip
            if value is None:
                continue
            key = (report.award_id, quarter_start, metric.pk)
            if key in rows:
                rows[key].actual += value  # two reports in one quarter: an award's odd dates
            else:
                rows[key] = MetricQuarter(
                    award_id=report.award_id, quarter_start=quarter_start, metric=metric,
                    actual=value,
                )  # fmt: skip
    MetricQuarter.objects.all().delete()
    MetricQuarter.objects.bulk_create(rows.values(), batch_size=1000)


@transaction.atomic
def program_data_rebuild() -> ProgramDataResult:
    """Rebuild ProgramQuarter from every approved report, in one transaction: each report's
    counts and funds spent are shared evenly between its award's areas (as decimals, adding up
    to the report's own figures exactly). Running it twice gives the same rows. Reports of
    awards with no area are counted in the result and left out of the data."""
    reports = list(
        QuarterlyReport.objects.filter(status=ReportStatus.APPROVED)
        .select_related("award", "award__program", "award__application")
        .order_by("pk")
    )
    award_ids = {report.award_id for report in reports}
    areas_of: dict[int, list[int]] = defaultdict(list)
    for award_id, area_id in (
        Award.areas.through.objects.filter(award_id__in=award_ids)
        .order_by("award_id", "area_id")
        .values_list("award_id", "area_id")
    ):
        areas_of[award_id].append(area_id)
    spent = dict(
        Spending.objects.filter(report__in=[report.pk for report in reports])
        .values("report_id")
        .annotate(total=Sum("amount"))
        .values_list("report_id", "total")
    )

    rows: dict[tuple, ProgramQuarter] = {}
    without_areas = 0
    for report in reports:
        area_ids = areas_of.get(report.award_id, [])
        if not area_ids:
            without_areas += 1
            continue
        quarter_start, _ = quarter_of(report.period_start)
        shares = {
            name: share_evenly(Decimal(getattr(report, name) or 0), len(area_ids))
            for name in SHARED_METRICS
        }
        funds = share_evenly(spent.get(report.pk) or ZERO, len(area_ids))
        for index, area_id in enumerate(area_ids):
            key = (quarter_start, area_id, report.award_id)
            row = rows.get(key)
            if row is None:
                row = rows[key] = ProgramQuarter(
                    quarter_start=quarter_start,
                    area_id=area_id,
                    award_id=report.award_id,
                    program_id=report.award.program_id,
                    strategy=award_strategy(report.award),
                )
            for name in SHARED_METRICS:
                setattr(row, name, (getattr(row, name) or ZERO) + shares[name][index])
            row.funds_spent = (row.funds_spent or ZERO) + funds[index]
    # swapped in whole: readers in other transactions see the old rows until commit
    ProgramQuarter.objects.all().delete()
    ProgramQuarter.objects.bulk_create(rows.values(), batch_size=1000)
    _metric_quarters_rebuild(reports)
    return ProgramDataResult(
        rows=len(rows), reports=len(reports), reports_without_areas=without_areas
    )
