"""The city's target path: setting a target (`target_set`) and reading how a year is doing
against it (`target_progress`).

A target says: each year after the baseline year, the measure (homicides, or people shot) is
`yearly_reduction` percent below the year before's target, starting from the baseline year's
count. Within a year the path follows the city's own seasons: by any day, the target so far
is the year's target times the share of a year's count that fell by that day in the earlier
years the data covers in full (the same five years the dashboard averages), so that "on track
in March" compares March with March. With no earlier year to learn the season from, the path
is even through the year, and the page says so.

The year-end projection divides the count so far by that share. Its range (about 90%) adds
two uncertainties: chance in the weeks left (a Poisson count of the expected remainder) and
how much the season itself has varied from year to year (the spread of the projections each
earlier year's season would give).
"""

from __future__ import annotations

import bisect
import math
import statistics
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from ovp.accounts.models import User
from ovp.areas.models import Area
from ovp.core.public_cache import public_pages_changed
from ovp.incidents.models import (
    DEFAULT_YEARLY_REDUCTION,
    Period,
    PeriodCount,
    TargetMeasure,
    ViolenceTarget,
)
from ovp.incidents.selectors import (
    YEARS_FOR_AVERAGE,
    DataRange,
    aggregates_version,
    data_range,
)

if TYPE_CHECKING:
    from ovp.incidents.charts import Chart

# the column of PeriodCount each measure counts
COLUMN = {TargetMeasure.HOMICIDES: "fatal", TargetMeasure.PEOPLE_SHOT: "victims"}
Z_90 = 1.645  # a two-sided 90% range of a normal quantity


def year_is_complete(year: int, data: DataRange) -> bool:
    """The data covers the whole year: from its first week to its last."""
    if data.first_week is None or data.last_week is None:
        return False
    return data.first_week <= date(year, 1, 7) and data.last_week >= date(year, 12, 25)


def target_set(
    *,
    measure: str,
    baseline_year: int,
    yearly_reduction: Decimal | float | int | str = DEFAULT_YEARLY_REDUCTION,
    area: Area | None = None,
    user: User | None = None,
) -> ViolenceTarget:
    """Set (or replace) the target of a measure for the whole city or one area. The
    baseline year must be one the data covers in full: its count is where the path starts."""
    if measure not in TargetMeasure.values:
        raise ValidationError({"measure": f"Choose one of: {', '.join(TargetMeasure.values)}."})
    try:
        reduction = Decimal(str(yearly_reduction))
    except InvalidOperation:
        raise ValidationError(
            {"yearly_reduction": "The yearly reduction must be a number of percent."}
        ) from None
    if not reduction.is_finite() or not 0 < reduction.quantize(Decimal("0.1")) < 100:
        raise ValidationError(
            {"yearly_reduction": "The yearly reduction must be more than 0% and less than 100%."}
        )
    data = data_range()
    if not year_is_complete(baseline_year, data):
        covered = [y for y in sorted(data.years) if year_is_complete(y, data)]
        raise ValidationError(
            {
                "baseline_year": f"The data does not cover all of {baseline_year}, so it cannot "
                "be the baseline: "
                + (
                    f"choose one of {', '.join(map(str, covered))}."
                    if covered
                    else "no year is covered in full yet (import and aggregate the data first)."
                )
            }
        )
    for last_try in (False, True):
        try:
            with transaction.atomic():
                mine = ViolenceTarget.objects.select_for_update().filter(measure=measure, area=area)
                target = mine.order_by("pk").first() or ViolenceTarget(measure=measure, area=area)
                target.baseline_year = baseline_year
                target.yearly_reduction = reduction.quantize(Decimal("0.1"))
                target.set_by = user if getattr(user, "is_authenticated", False) else None
                # the database checks the one-target rule: a race is caught below, not here
                target.full_clean(validate_unique=False, validate_constraints=False)
                target.save()
            # the public page shows the city's targets
            public_pages_changed()
            return target
        except IntegrityError as error:
            # another request created the same target between the lookup and the insert:
            # the next try finds it and replaces it (any other error is not retried)
            if last_try or "target_one_per_measure_area" not in str(error):
                raise
    raise AssertionError("unreachable")


def target_delete(*, target: ViolenceTarget) -> None:
    target.delete()
    public_pages_changed()


@dataclass
class Season:
    """A scope's counts of one measure, by year: the day of the year each part of a week
    starts on, and the count so far by then."""

    days: dict[int, list[int]] = field(default_factory=dict)  # year -> day of year, ascending
    so_far: dict[int, list[int]] = field(default_factory=dict)  # year -> running count

    def count_through(self, year: int, day_of_year: int) -> int:
        """The year's count from January 1 to the day of the year (parts starting by then)."""
        days, so_far = self.days.get(year, []), self.so_far.get(year, [])
        parts = bisect.bisect_right(days, day_of_year)  # those starting on or before the day
        return so_far[parts - 1] if parts else 0

    def total(self, year: int) -> int:
        return self.so_far[year][-1] if self.so_far.get(year) else 0

    def share_through(self, year: int, day_of_year: int) -> float | None:
        total = self.total(year)
        return self.count_through(year, day_of_year) / total if total else None


def _season(target: ViolenceTarget, first_year: int, last_year: int) -> Season:
    """One query: the scope's parts of the years, as running counts."""
    scope = {"area": target.area} if target.area_id else {"area__isnull": True, "area_kind": ""}
    rows = (
        PeriodCount.objects.filter(period=Period.PART, **scope)
        .filter(period_start__gte=date(first_year, 1, 1), period_start__lte=date(last_year, 12, 31))
        .order_by("period_start")
        .values_list("period_start", COLUMN[TargetMeasure(target.measure)])
    )
    season = Season()
    for start, count in rows:
        days = season.days.setdefault(start.year, [])
        so_far = season.so_far.setdefault(start.year, [])
        day = start.timetuple().tm_yday
        if days and days[-1] == day:
            so_far[-1] += count
        else:
            days.append(day)
            so_far.append((so_far[-1] if so_far else 0) + count)
    return season


@dataclass
class TargetProgress:
    target: ViolenceTarget
    year: int
    through: date  # the last day counted
    baseline_count: int
    year_target: float | None  # None: the year is not after the baseline year
    so_far: int
    target_so_far: float | None
    projected: float | None
    low: float | None
    high: float | None
    season_years: list[int]  # the earlier years whose season the path follows
    weeks: list[dict[str, Any]]  # week of the year, count so far, target path, last year

    @property
    def on_track(self) -> bool | None:
        if self.target_so_far is None:
            return None
        return self.so_far <= self.target_so_far

    @property
    def complete(self) -> bool:
        return self.through == date(self.year, 12, 31)

    @property
    def measure_label(self) -> str:
        return "homicides" if self.target.measure == TargetMeasure.HOMICIDES else "people shot"

    @property
    def where(self) -> str:
        return self.target.area.name if self.target.area_id and self.target.area else "the city"

    @property
    def difference(self) -> float | None:
        """How far above (positive) or below the path the year is so far."""
        return None if self.target_so_far is None else self.so_far - self.target_so_far


def _days_in(year: int) -> int:
    return (date(year, 12, 31) - date(year, 1, 1)).days + 1


def _expected_share(season: Season, years: list[int], day: int, year: int) -> float:
    """The share of a year's count that usually falls by this day: the earlier years'
    average; with none, the share of the year's days."""
    shares = [s for y in years if (s := season.share_through(y, day)) is not None]
    if not shares:
        return day / _days_in(year)
    return sum(shares) / len(shares)


def through_week_end(year: int, through_week: date) -> date:
    """The last day a dashboard counts: the Sunday ending its last week (or December 31)."""
    return min(through_week + timedelta(days=6), date(year, 12, 31))


def target_progress(target: ViolenceTarget, year: int, through: date) -> TargetProgress:
    """The year, from January 1 to `through`, against the target's path. `through` is the
    last day of a part of a week within a month (a Sunday or a month's end): parts are
    counted whole."""
    data = data_range()
    first = min(target.baseline_year, year - YEARS_FOR_AVERAGE)
    season = _season(target, first, year)
    baseline = season.total(target.baseline_year)
    year_target = target.target_for(year, baseline)
    season_years = [y for y in _earlier_years(year, data) if season.total(y) > 0]
    day = through.timetuple().tm_yday
    so_far = season.count_through(year, day)
    share = _expected_share(season, season_years, day, year)
    target_so_far = year_target * share if year_target is not None else None
    projected = low = high = None
    if through == date(year, 12, 31):
        projected = low = high = float(so_far)
    elif share > 0:
        projected = so_far / share
        remainder = projected - so_far
        by_year = [so_far / s for y in season_years if (s := season.share_through(y, day))]
        spread = _standard_deviation(by_year)
        half = Z_90 * math.sqrt(max(remainder, 0) + spread**2)
        low, high = max(float(so_far), projected - half), projected + half
    weeks = []
    last_year_known = (year - 1) in season_years
    for week in range(1, 54):
        week_day = min(7 * week, _days_in(year))
        weeks.append(
            {
                "week": week,
                "so_far": season.count_through(year, week_day) if week_day <= day else None,
                "path": None
                if year_target is None
                else round(year_target * _expected_share(season, season_years, week_day, year), 1),
                "last_year": season.count_through(year - 1, min(week_day, _days_in(year - 1)))
                if last_year_known
                else None,
            }
        )
    return TargetProgress(
        target=target, year=year, through=through, baseline_count=baseline,
        year_target=year_target, so_far=so_far, target_so_far=target_so_far,
        projected=projected, low=low, high=high, season_years=season_years, weeks=weeks,
    )  # fmt: skip


def _earlier_years(year: int, data: DataRange) -> list[int]:
    """The years before (up to five, as the dashboard's average) the data covers in full."""
    return [y for y in range(year - YEARS_FOR_AVERAGE, year) if year_is_complete(y, data)]


def _standard_deviation(values: list[float]) -> float:
    return statistics.stdev(values) if len(values) > 1 else 0.0


def targets_for(area: Area | None) -> list[ViolenceTarget]:
    """The targets of the whole city (area None) or of one area."""
    return list(ViolenceTarget.objects.filter(area=area).select_related("area"))


def cached_progress(target: ViolenceTarget, year: int, through: date) -> TargetProgress:
    key = ":".join(
        ["target", str(aggregates_version()), str(target.pk), target.updated_at.isoformat(),
         str(year), through.isoformat()]
    )  # fmt: skip
    progress = cache.get(key)
    if progress is None:
        progress = target_progress(target, year, through)
        cache.set(key, progress, 60 * 60 * 24)
    return progress


def progress_chart(progress: TargetProgress) -> Chart:
    """The year's running count against the path (and last year's), with the projected
    year-end and its range."""
    import pandas as pd

    from ovp.incidents.charts import PALETTE, Chart, layout, line, values

    label = progress.measure_label
    table = pd.DataFrame(
        {
            "Week of the year": [w["week"] for w in progress.weeks],
            f"{progress.year} so far": [w["so_far"] for w in progress.weeks],
            "Target path": [w["path"] for w in progress.weeks],
            f"{progress.year - 1} so far": [w["last_year"] for w in progress.weeks],
        }
    )
    weeks = table.iloc[:, 0].tolist()
    traces = [
        line(weeks, values(table.iloc[:, 3]), str(table.columns[3]),
             color=PALETTE["last"], dash="dot"),
        line(weeks, values(table.iloc[:, 2]), "Target path", color=PALETTE["average"], width=3),
        line(weeks, values(table.iloc[:, 1]), str(table.columns[1]), color=PALETTE["this"],
             width=3),
    ]  # fmt: skip
    if progress.projected is not None and not progress.complete:
        assert progress.low is not None and progress.high is not None
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": "Projected year-end (about 90% range)",
                "x": [53],
                "y": [round(progress.projected, 1)],
                "marker": {"color": PALETTE["this"], "symbol": "diamond-open", "size": 11},
                "error_y": {
                    "type": "data",
                    "symmetric": False,
                    "array": [round(progress.high - progress.projected, 1)],
                    "arrayminus": [round(progress.projected - progress.low, 1)],
                    "color": PALETTE["this"],
                },
            }
        )
    figure = {"data": traces, "layout": layout(x="Week of the year", y=label.capitalize())}
    return Chart(
        f"target-{progress.target.measure}",
        f"{label.capitalize()} so far against the target path",
        f"Line chart of {label} so far in {progress.year}, week by week, against the target "
        f"path and {progress.year - 1}, with the projected year-end.",
        figure,
        table,
    )


def scorecard_figures(today: date) -> list[Any]:
    """The scorecard's violence figures: the latest year of data so far, against the
    city-wide homicide target when there is one, and the last 12 months' homicides."""
    from django.urls import reverse

    from ovp.core.scorecard import Figure
    from ovp.incidents.selectors import city_counts_between, last_twelve_months

    data = data_range()
    url = reverse("incidents:dashboard")
    if data.last_week is None:
        return [Figure("year", "Year", today.year, url, "")]
    year = data.last_week.year
    through = through_week_end(year, data.last_week)
    so_far = city_counts_between(date(year, 1, 1), through)
    target = ViolenceTarget.objects.filter(
        measure=TargetMeasure.HOMICIDES, area__isnull=True
    ).first()
    progress = cached_progress(target, year, through) if target else None
    window = last_twelve_months(data)
    assert window is not None
    last_12 = city_counts_between(*window)["fatal"]
    up_to = f"1 January to {through:%-d %B} {year}"
    return [
        Figure("year", "Year", year, url, ""),
        Figure("homicides_ytd", "Homicides this year", so_far["fatal"], url, "Violence", up_to),
        Figure(
            "homicides_target_ytd",
            "Target path so far",
            None
            if progress is None or progress.target_so_far is None
            else round(progress.target_so_far, 1),
            reverse("incidents:targets"),
            "Violence",
            "No city-wide homicide target is set"
            if progress is None
            else f"{progress.target.yearly_reduction:g}% a year below "
            f"{progress.target.baseline_year}",
        ),
        Figure(
            "on_track",
            "On track",
            None if progress is None else progress.on_track,
            reverse("incidents:targets"),
            "Violence",
            "Homicides so far against the path",
            kind="yes/no",
        ),
        Figure(
            "people_shot_ytd", "People shot this year", so_far["victims"], url, "Violence", up_to
        ),
        Figure(
            "homicides_last_12_months",
            "Homicides, last 12 months",
            last_12,
            url,
            "Violence",
            f"{window[0]:%-d %b %Y} to {window[1]:%-d %b %Y}",
        ),
    ]
