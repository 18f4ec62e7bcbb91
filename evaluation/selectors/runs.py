"""Reads for impact evaluation: the periods (months or weeks) a window holds, the outcome per
area and period from the incident aggregates, and the treatment table (which areas a
program or strategy serves from when, or which areas an office campaign covers from its
start)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Min

from inventory.models import Campaign, ServiceArea
from ovp.incidents.models import Period, PeriodCount
from ovp.incidents.selectors import data_range

if TYPE_CHECKING:
    import pandas as pd

MONTH, WEEK = "month", "week"
OUTCOMES = {
    "victims": "people shot",
    "fatal": "people killed by gunfire",
    "incidents": "shooting incidents",
}


def period_start(day: date, period: str) -> date:
    """The month (first day) or week (Monday) a day falls in."""
    if period == WEEK:
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def next_period(start: date, period: str) -> date:
    if period == WEEK:
        return start + timedelta(days=7)
    return date(start.year + (start.month == 12), start.month % 12 + 1, 1)


def period_starts(begin: date, end: date, period: str) -> list[date]:
    """Every period from the one holding `begin` to the one holding `end`."""
    current, last = period_start(begin, period), period_start(end, period)
    starts = []
    while current <= last:
        starts.append(current)
        current = next_period(current, period)
    return starts


def complete_window(period: str) -> tuple[date, date] | None:
    """The first and last complete periods of the incident data (None without data)."""
    data = data_range()
    first_day = PeriodCount.objects.filter(
        period=Period.PART, area__isnull=True, area_kind=""
    ).aggregate(first=Min("period_start"))["first"]
    if first_day is None or data.last_week is None:
        return None
    last_day = data.last_week + timedelta(days=6)
    first = period_start(first_day, period)
    if first < first_day:
        first = next_period(first, period)
    last = period_start(last_day, period)
    if next_period(last, period) - timedelta(days=1) > last_day:
        last = period_start(last - timedelta(days=1), period)
    return (first, last) if first <= last else None


def outcome_counts(
    *, area_ids: list[int] | None, begin: date, end: date, period: str, outcome: str = "victims"
) -> pd.DataFrame:
    """Counts per area (area_id; 0 for the whole city when `area_ids` is None) and period
    from `begin` to the period holding `end`, zeros where nothing happened.

    Read from the weeks-within-months rows (`Period.PART`): every month and every week is an
    exact sum of them, whatever other period rows the nightly job writes. One query."""
    import pandas as pd

    if outcome not in OUTCOMES:
        raise ValueError(f"Unknown outcome {outcome!r}.")
    starts = period_starts(begin, end, period)
    rows = PeriodCount.objects.filter(
        period=Period.PART,
        period_start__gte=starts[0],
        period_start__lt=next_period(starts[-1], period),
    )
    if area_ids is None:
        rows = rows.filter(area__isnull=True, area_kind="")
    else:
        rows = rows.filter(area_id__in=area_ids)
    frame = pd.DataFrame.from_records(
        list(rows.values_list("area_id", "period_start", outcome)),
        columns=["area_id", "part_start", "count"],
    )
    keys = [0] if area_ids is None else sorted(area_ids)
    grid = pd.MultiIndex.from_product([keys, starts], names=["area_id", "period_start"])
    if frame.empty:
        return pd.Series(0, index=grid, name="count").reset_index()
    frame["area_id"] = frame["area_id"].fillna(0).astype(int)
    frame["period_start"] = [period_start(day, period) for day in frame["part_start"]]
    sums = frame.groupby(["area_id", "period_start"])["count"].sum()
    return sums.reindex(grid, fill_value=0).astype(int).reset_index()


def service_starts(*, program_id: int | None, strategy: str, area_kind: str) -> dict[int, date]:
    """Area id -> the first day the program (or any program of the strategy) served it,
    for areas of one kind. Service that ended later is still counted from its start."""
    rows = ServiceArea.objects.filter(area__kind=area_kind)
    if program_id is not None:
        rows = rows.filter(program_id=program_id)
    else:
        rows = rows.filter(program__strategy=strategy)
    return dict(
        rows.values("area_id").annotate(first=Min("started_on")).values_list("area_id", "first")
    )


def campaign_starts(*, campaign: Campaign, area_kind: str) -> dict[int, date]:
    """Area id -> the campaign's start, for the areas of one kind it lists (none for a
    campaign of the whole city: its treated unit is the city)."""
    if campaign.covers_whole_city:
        return {}
    return {
        area_id: campaign.started_on
        for area_id in campaign.areas.filter(kind=area_kind).values_list("pk", flat=True)
    }


def scorecard_figures(today: date) -> list[Any]:
    from django.urls import reverse

    from evaluation.models import EvaluationRun
    from ovp.core.scorecard import Figure

    return [
        Figure("evaluations_this_year", "Evaluations run this year",
               EvaluationRun.objects.filter(created_at__year=today.year).count(),
               reverse("evaluation:run_list"), "Work",
               f"Impact evaluations since 1 January {today.year}"),
    ]  # fmt: skip
