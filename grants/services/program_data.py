"""Program data: approved quarterly reports' metrics per area and quarter, rebuilt nightly."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Decimal

from django.db import transaction
from django.db.models import Sum

from grants.library import built_in_metrics
from grants.models import (
    ZERO,
    Award,
    Metric,
    MetricQuarter,
    ProgramQuarter,
    QuarterlyReport,
    ReportFigure,
    ReportStatus,
    Spending,
)
from grants.selectors.metrics import award_strategy
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


def metric_quarters_rebuild(*, award_id: int | None = None) -> int:
    """Each approved report's figures, by award, metric and quarter (MetricQuarter): the
    performance page's actuals, every award's (awards with no area too: their targets are
    theirs, wherever they work), or one award's. Every figure a report holds counts, whether
    or not its round asks the metric today: changing a round's metric set does not rewrite
    what was reported. Run nightly with ProgramQuarter, and for an award when one of its
    reports is approved, so the page is current at once."""
    reports = QuarterlyReport.objects.filter(status=ReportStatus.APPROVED)
    if award_id is not None:
        reports = reports.filter(award_id=award_id)
    built_in = {metric.column: metric for metric in built_in_metrics()}
    figures: dict[int, list[tuple[Metric, int]]] = defaultdict(list)
    for figure in ReportFigure.objects.filter(report__in=reports).select_related("metric"):
        figures[figure.report_id].append((figure.metric, figure.value))
    rows: dict[tuple[int, date, int], MetricQuarter] = {}
    for report in reports.order_by("pk"):
        quarter_start, _ = quarter_of(report.period_start)
        held = [(built_in[name], getattr(report, name)) for name in built_in]
        for metric, value in [*held, *figures[report.pk]]:
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
    with transaction.atomic():
        stale = MetricQuarter.objects.all()
        if award_id is not None:
            stale = stale.filter(award_id=award_id)
        stale.delete()
        MetricQuarter.objects.bulk_create(rows.values(), batch_size=1000)
    return len(rows)


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
    metric_quarters_rebuild()
    return ProgramDataResult(
        rows=len(rows), reports=len(reports), reports_without_areas=without_areas
    )
