"""Which metrics an award reports, the figures a report holds for them, and the targets.

An award reports the metrics its round asks for (`RoundMetric`); an award with no round, or
of a round that asks for none, reports the built-in ones, each required (what every report
asked before rounds had metric sets)."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser

from grants.library import built_in_metrics
from grants.models import (
    METRIC_MAX,
    Award,
    Metric,
    QuarterlyReport,
    ReportFigure,
    RoundMetric,
    TargetPeriod,
)
from inventory.models import Resource, Strategy
from ovp.accounts.models import User


@dataclass(frozen=True)
class AskedMetric:
    metric: Metric
    required: bool
    minimum: int
    maximum: int

    @property
    def field(self) -> str:
        return self.metric.field


def award_strategy(award: Award) -> str:
    """The award's strategy: its program's, else its application's, else "other"."""
    if award.program_id and award.program:
        return award.program.strategy
    if award.application_id and award.application:
        return award.application.strategy
    return Strategy.OTHER


def award_metrics(award: Award) -> list[AskedMetric]:
    """The metrics the award reports: its round's for every award and for the award's
    strategy (a metric asked both ways once, as asked for the strategy)."""
    round_id = award.application.funding_round_id if award.application_id else None  # type: ignore[union-attr]
    rows = list(
        RoundMetric.objects.filter(
            funding_round_id=round_id, strategy__in=["", award_strategy(award)]
        ).select_related("metric")
    ) if round_id else []  # fmt: skip
    chosen: dict[int, RoundMetric] = {}
    for row in rows:
        if row.metric_id not in chosen or row.strategy:
            chosen[row.metric_id] = row
    asked = [
        AskedMetric(row.metric, row.required, row.minimum, row.maximum)
        for row in rows
        if chosen[row.metric_id] is row
    ]
    if asked:
        return asked
    return [AskedMetric(metric, True, 0, METRIC_MAX) for metric in built_in_metrics()]


def report_values(report: QuarterlyReport, asked: list[AskedMetric]) -> dict[str, int | None]:
    """The report's figure for each metric asked, by the form's field name."""
    figures = dict(
        ReportFigure.objects.filter(report=report).values_list("metric_id", "value")
    ) if report.pk else {}  # fmt: skip
    return {
        a.field: getattr(report, a.metric.column) if a.metric.column else figures.get(a.metric.pk)
        for a in asked
    }


def previous_report(report: QuarterlyReport) -> QuarterlyReport | None:
    return (
        QuarterlyReport.objects.filter(
            award_id=report.award_id, period_start__lt=report.period_start
        )
        .order_by("-period_start")
        .first()
    )


def quarters_of(award: Award) -> int:
    """How many reporting quarters the award has (its reports, or its calendar quarters)."""
    from grants.services.awards import report_periods

    return len(report_periods(starts_on=award.starts_on, ends_on=award.ends_on)) or 1


def quarter_targets(award: Award) -> dict[int, Decimal]:
    """Each targeted metric's target for one quarter (by metric id): the quarterly target,
    or the whole award's shared evenly between its quarters (the award's `targets`, read
    from a prefetch where the caller made one)."""
    quarters = quarters_of(award)
    return {
        target.metric_id: Decimal(target.value)
        if target.period == TargetPeriod.QUARTER
        else Decimal(target.value) / quarters
        for target in award.targets.all()
    }


def metric_guidance(
    metrics: Iterable[Metric], viewer: User | AnonymousUser | None
) -> dict[int, Resource]:
    """Each metric's data-collection guidance that the viewer may open (by metric id), in
    one query: a grantee is linked to guidance for grantees or the public, never to the
    office's own; a retired resource is linked to nobody."""
    metrics = list(metrics)
    ids = {metric.guidance_id for metric in metrics if metric.guidance_id}
    if not ids:
        return {}
    visible = {
        resource.pk: resource
        for resource in Resource.objects.visible_to(viewer).published().filter(pk__in=ids)
    }
    return {
        metric.pk: visible[metric.guidance_id]
        for metric in metrics
        if metric.guidance_id in visible
    }
