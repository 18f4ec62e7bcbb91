"""Program performance: what each award's approved reports counted (MetricQuarter, rebuilt
nightly) against its targets, and its spending against its money, quarter by quarter.

- % of target: the quarter's figure over the quarter's target (a target for the whole award
  is shared evenly between its quarters).
- Burn rate: what the approved reports spent to date over the award's money (obligated).
- Cost per participant: spent to date over participants enrolled to date.
- Referral completion: referrals completed over referrals made, in the quarter.
- Re-injury: participants re-injured over participants active, in the quarter.
- Flags: a metric under 75% of its target two quarters running ("behind"); spending running
  ahead of outputs: the share of the award's money spent to date is more than 25 points above
  the share of its targets for the whole award reached to date.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Prefetch, QuerySet, Sum

from grants.models import (
    ZERO,
    Award,
    AwardTarget,
    Metric,
    MetricQuarter,
    ReportStatus,
    Spending,
)
from grants.selectors.metrics import award_strategy, quarter_targets, quarters_of
from grants.services.awards import quarter_of

BEHIND = Decimal("0.75")  # under 75% of target
AHEAD_BY = Decimal("0.25")  # spending's share more than 25 points above the outputs'


@dataclass
class MetricRow:
    """An award's figure for one metric in one quarter."""

    metric: Metric
    actual: int | None
    target: Decimal | None

    @property
    def percent(self) -> Decimal | None:
        if self.actual is None or not self.target:
            return None
        return Decimal(self.actual) / self.target * 100


@dataclass
class QuarterRow:
    """An award's quarter: its metrics, money and ratios."""

    award: Award
    quarter_start: date
    metrics: list[MetricRow]
    spent: Decimal
    spent_to_date: Decimal
    burn_rate: Decimal | None
    cost_per_participant: Decimal | None
    referral_completion: Decimal | None
    reinjury: Decimal | None
    flags: list[str] = field(default_factory=list)
    behind: list[str] = field(default_factory=list)  # metrics under 75% two quarters running

    @property
    def quarter_label(self) -> str:
        return f"Q{(self.quarter_start.month - 1) // 3 + 1} {self.quarter_start.year}"

    @property
    def percent_of_target(self) -> Decimal | None:
        """The lowest % of target of the quarter's targeted metrics (a metric with a target
        and no figure counts 0): an average would hide the one that lags."""
        shares = [
            row.percent if row.percent is not None else Decimal(0)
            for row in self.metrics
            if row.target
        ]
        return min(shares) if shares else None


@dataclass
class AwardPerformance:
    award: Award
    strategy: str
    areas: str
    quarters: list[QuarterRow]

    @property
    def latest(self) -> QuarterRow | None:
        return self.quarters[-1] if self.quarters else None


def _ratio(top: int | Decimal | None, bottom: int | Decimal | None) -> Decimal | None:
    if top is None or not bottom:
        return None
    return Decimal(top) / Decimal(bottom)


def performance(awards: QuerySet[Award]) -> list[AwardPerformance]:
    """Each award's quarters with an approved report, oldest first; the awards by title."""
    awards = awards.select_related("organisation", "program", "application").prefetch_related(
        "areas", Prefetch("targets", queryset=AwardTarget.objects.select_related("metric"))
    )
    chosen = list(awards.order_by("title", "pk"))
    ids = [award.pk for award in chosen]
    actuals: dict[int, dict[date, dict[int, int]]] = defaultdict(lambda: defaultdict(dict))
    metrics: dict[int, Metric] = {}
    for row in MetricQuarter.objects.filter(award_id__in=ids).select_related("metric"):
        actuals[row.award_id][row.quarter_start][row.metric_id] = row.actual
        metrics[row.metric_id] = row.metric
    spent: dict[int, dict[date, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for award_id, period_start, amount in (
        Spending.objects.filter(report__award_id__in=ids, report__status=ReportStatus.APPROVED)
        .values_list("report__award_id", "report__period_start")
        .annotate(total=Sum("amount"))
    ):
        spent[award_id][quarter_of(period_start)[0]] += amount
    return [_award(award, actuals[award.pk], spent[award.pk], metrics) for award in chosen]


def _award(
    award: Award,
    actuals: dict[date, dict[int, int]],
    spent: dict[date, Decimal],
    metrics: dict[int, Metric],
) -> AwardPerformance:
    targets = quarter_targets(award)
    for target in award.targets.all():  # prefetched, with their metrics
        metrics.setdefault(target.metric_id, target.metric)
    columns = {m.column: m.pk for m in metrics.values() if m.column}
    quarters_total = quarters_of(award)
    quarters: list[QuarterRow] = []
    spent_to_date = ZERO
    enrolled_to_date = 0
    reached: dict[int, int] = defaultdict(int)
    for quarter in sorted(set(actuals) | set(spent)):
        figures = actuals.get(quarter, {})
        spent_to_date += spent.get(quarter, ZERO)
        enrolled = figures.get(columns.get("participants_enrolled", -1))
        enrolled_to_date += enrolled or 0
        shown = sorted(set(figures) | set(targets), key=lambda m: metrics[m].name)
        rows = [MetricRow(metrics[m], figures.get(m), targets.get(m)) for m in shown]
        for metric_id, value in figures.items():
            reached[metric_id] += value
        row = QuarterRow(
            award=award,
            quarter_start=quarter,
            metrics=rows,
            spent=spent.get(quarter, ZERO),
            spent_to_date=spent_to_date,
            burn_rate=_ratio(spent_to_date, award.obligated),
            cost_per_participant=_ratio(spent_to_date, enrolled_to_date),
            referral_completion=_ratio(
                figures.get(columns.get("referrals_completed", -1)),
                figures.get(columns.get("referrals_made", -1)),
            ),
            reinjury=_ratio(
                figures.get(columns.get("participants_reinjured", -1)),
                figures.get(columns.get("participants_active", -1)),
            ),
        )
        before = quarters[-1] if quarters else None
        behind_before = {m.metric.pk for m in before.metrics if _behind(m)} if before else set()
        row.behind = [m.metric.name for m in rows if _behind(m) and m.metric.pk in behind_before]
        row.flags = [f"{name}: under 75% of target two quarters running" for name in row.behind]
        row.flags += _spending_ahead(row, award, targets, reached, quarters_total)
        quarters.append(row)
    return AwardPerformance(
        award=award,
        strategy=_strategy_label(award),
        areas=", ".join(sorted(area.name or area.code for area in award.areas.all())),
        quarters=quarters,
    )


def _spending_ahead(
    row: QuarterRow,
    award: Award,
    targets: dict[int, Decimal],
    reached: dict[int, int],
    quarters_total: int,
) -> list[str]:
    """The flag for spending running ahead of outputs: the share of the award's money spent
    to date more than 25 points above the share of its targets reached to date (each metric's
    count to date over its target for the whole award, at most 100%, averaged)."""
    if not targets or not award.obligated:
        return []
    money_share = row.spent_to_date / award.obligated
    output_share = sum(
        (min(Decimal(reached[m]) / (target * quarters_total), Decimal(1))
         for m, target in targets.items() if target),
        Decimal(0),
    ) / len(targets)  # fmt: skip
    if money_share - output_share <= AHEAD_BY:
        return []
    return [
        f"Spending ahead of outputs: {money_share:.0%} of the money spent, "
        f"{output_share:.0%} of the targets reached"
    ]


def _behind(row: MetricRow) -> bool:
    return row.percent is not None and row.percent < BEHIND * 100


def _strategy_label(award: Award) -> str:
    from inventory.models import Strategy

    return dict(Strategy.choices).get(award_strategy(award), "")


CSV_HEADER = ["Award", "Organisation", "Strategy", "Areas", "Quarter", "Metric", "Actual",
              "Target", "% of target"]  # fmt: skip


def _plain(value: Decimal) -> str:
    """A target as a spreadsheet reads it: 80, 26.7."""
    return f"{value:.1f}".removesuffix(".0")


def csv_rows(rows: list[AwardPerformance]) -> list[list[object]]:
    """One row per award, quarter and metric."""
    return [
        [p.award.title, p.award.organisation.name, p.strategy, p.areas, q.quarter_label,
         m.metric.name, "" if m.actual is None else m.actual,
         "" if m.target is None else _plain(m.target),
         "" if m.percent is None else int(m.percent.quantize(Decimal(1), ROUND_HALF_UP))]
        for p in rows for q in p.quarters for m in q.metrics
    ]  # fmt: skip
