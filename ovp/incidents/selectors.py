"""Reads of the incident aggregates for dashboards. A fixed number of queries per call,
whatever the size of the data: dashboards never touch the victims table."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.db.models import Count, Max, Min, Q, Sum

from ovp.areas.models import Area
from ovp.incidents.models import AggregationRun, Breakdown, Period, PeriodCount

if TYPE_CHECKING:
    import pandas as pd

YEARS_FOR_AVERAGE = 5
# the cache key whose value changes whenever the aggregates change (the nightly job sets it)
AGGREGATES_VERSION_KEY = "incidents:aggregates-version"


@dataclass(frozen=True)
class Scope:
    """What a dashboard looks at: a year up to a week, an area kind, maybe one area."""

    year: int
    through_week: date  # the last week counted (its Monday)
    area_kind: str
    area: Area | None = None

    @property
    def start(self) -> date:
        return date(self.year, 1, 1)

    def same_window(self, year: int) -> tuple[date, date]:
        """From January 1 to the same day of the year as the Sunday ending `through_week`
        (exact in the scope's year; within a few days in others, as weeks fall)."""
        days_in = (
            min(self.through_week + timedelta(days=6), date(self.year, 12, 31)) - self.start
        ).days
        begin = date(year, 1, 1)
        return begin, min(begin + timedelta(days=days_in), date(year, 12, 31))


@dataclass
class DataRange:
    first_week: date | None
    last_week: date | None
    years: list[int] = field(default_factory=list)


def aggregates_version() -> int:
    """Changes whenever aggregates change; cache keys of figures include it."""
    version = cache.get(AGGREGATES_VERSION_KEY)
    if version is None:
        last = AggregationRun.objects.filter(succeeded=True).order_by("-id").first()
        version = last.pk if last else 0
        cache.set(AGGREGATES_VERSION_KEY, version, None)
    return int(version)


def data_range() -> DataRange:
    """The first and last weeks with data: those of the city's first and last parts."""
    bounds = PeriodCount.objects.filter(
        period=Period.PART, area__isnull=True, area_kind=""
    ).aggregate(first=Min("period_start"), last=Max("period_start"))
    first, last = _week_start(bounds["first"]), _week_start(bounds["last"])
    years = list(range(last.year, first.year - 1, -1)) if first and last else []
    return DataRange(first_week=first, last_week=last, years=years)


def _week_start(day: date | None) -> date | None:
    return day - timedelta(days=day.weekday()) if day else None


def _scope_filter(scope: Scope) -> Q:
    if scope.area is not None:
        return Q(area=scope.area)
    return Q(area__isnull=True, area_kind="")


COUNTS = ["victims", "fatal", "nonfatal", "incidents"]


def weeks_and_parts(scope: Scope) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Victims, fatal, non-fatal and incidents for the scope, this year and the five before,
    by week and by part of a week within a month (for exact year-to-date sums), with each
    row's year and week number (1 = first week starting in the year). One query of the
    parts: those of the weeks starting in the six years (a week's last part may start in
    the next January)."""
    import pandas as pd

    first, after = date(scope.year - YEARS_FOR_AVERAGE, 1, 1), date(scope.year + 1, 1, 1)
    rows = (
        PeriodCount.objects.filter(_scope_filter(scope), period=Period.PART)
        .filter(period_start__gte=first, period_start__lt=after + timedelta(days=6))
        .values("period_start", *COUNTS)
    )
    parts = pd.DataFrame.from_records(list(rows), columns=["period_start", *COUNTS])
    parts["period_start"] = pd.to_datetime(parts["period_start"])
    # a part's week starts on the Monday on or before it
    week_starts = parts["period_start"] - pd.to_timedelta(
        parts["period_start"].dt.day_of_week, unit="D"
    )
    weeks = (
        parts[COUNTS]
        .groupby(week_starts.rename("period_start"))
        .sum()
        .reset_index()
        .astype({c: "int64" for c in COUNTS})
    )
    weeks = weeks[(weeks["period_start"] >= pd.Timestamp(first))
                  & (weeks["period_start"] < pd.Timestamp(after))]  # fmt: skip
    parts = parts[parts["period_start"] < pd.Timestamp(after)]
    return _with_year_and_week(weeks), _with_year_and_week(parts)


def _with_year_and_week(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.reset_index(drop=True)
    frame["year"] = frame["period_start"].dt.year
    frame["week"] = (frame["period_start"].dt.day_of_year - 1) // 7 + 1
    return frame


@dataclass(frozen=True)
class YearToDate:
    victims: int
    fatal: int
    nonfatal: int
    incidents: int
    last_year: int | None
    average: float | None  # the five years before
    years_in_average: int

    @property
    def change_from_last_year(self) -> float | None:
        if not self.last_year:
            return None
        return (self.victims - self.last_year) / self.last_year

    @property
    def change_from_average(self) -> float | None:
        if not self.average:
            return None
        return (self.victims - self.average) / self.average

    @property
    def fatal_share(self) -> float | None:
        known = self.fatal + self.nonfatal
        return self.fatal / known if known else None


def covered_years(scope: Scope, first_week: date | None) -> list[int]:
    """The years before the scope's that the data covers from their first week: only those
    count in comparisons and averages."""
    return [
        year
        for year in range(scope.year - YEARS_FOR_AVERAGE, scope.year)
        if first_week is not None and first_week <= date(year, 1, 7)
    ]


def year_to_date(parts: pd.DataFrame, scope: Scope, first_week: date | None) -> YearToDate:
    """Sums of the weeks-within-months (from `weeks_and_parts`) of each year's
    window: January 1 to the same day of the year."""
    import pandas as pd

    totals: dict[int, dict[str, int]] = {}
    for year in range(scope.year - YEARS_FOR_AVERAGE, scope.year + 1):
        begin, end = scope.same_window(year)
        window = parts[
            (parts["period_start"] >= pd.Timestamp(begin))
            & (parts["period_start"] <= pd.Timestamp(end))
        ]
        totals[year] = {
            c: int(window[c].sum()) for c in ("victims", "fatal", "nonfatal", "incidents")
        }
    covered = covered_years(scope, first_week)
    average_years = covered
    this = totals[scope.year]
    return YearToDate(
        victims=this["victims"],
        fatal=this["fatal"],
        nonfatal=this["nonfatal"],
        incidents=this["incidents"],
        last_year=totals[scope.year - 1]["victims"] if scope.year - 1 in covered else None,
        average=(sum(totals[y]["victims"] for y in average_years) / len(average_years))
        if average_years
        else None,
        years_in_average=len(average_years),
    )


def area_totals(scope: Scope, areas: list[Area]) -> pd.DataFrame:
    """Victims year to date in each of these areas (of the scope's kind), with rate."""
    return area_totals_between(areas, *scope.same_window(scope.year))


def area_totals_between(areas: list[Area], begin: date, end: date) -> pd.DataFrame:
    """Victims and fatal victims in each area over the parts of weeks (within months) that
    start between the two days, with rate per 100,000 residents and share of the areas'
    total, the highest first. One query."""
    import pandas as pd

    sums: dict[int, dict[str, Any]] = {
        row["area_id"]: dict(row)
        for row in PeriodCount.objects.filter(
            period=Period.PART,
            area_id__in=[area.pk for area in areas],
            period_start__gte=begin,
            period_start__lte=end,
        )
        .values("area_id")
        .annotate(victims=Sum("victims"), fatal=Sum("fatal"))
    }
    frame = pd.DataFrame(
        {
            "area_id": [a.pk for a in areas],
            "code": [a.code for a in areas],
            "name": [a.name for a in areas],
            "population": [a.population for a in areas],
            "victims": [int(sums.get(a.pk, {}).get("victims") or 0) for a in areas],
            "fatal": [int(sums.get(a.pk, {}).get("fatal") or 0) for a in areas],
        }
    )
    residents = frame["population"].astype(float).where(frame["population"].fillna(0) > 0)
    frame["rate"] = frame["victims"] / residents * 100_000  # no rate without residents
    total = frame["victims"].sum()
    frame["share"] = frame["victims"] / total if total else 0.0
    return frame.sort_values(["victims", "code"], ascending=[False, True]).reset_index(drop=True)


def not_placed(scope: Scope) -> int:
    begin, end = scope.same_window(scope.year)
    return int(
        PeriodCount.objects.filter(
            period=Period.PART,
            area__isnull=True,
            area_kind=scope.area_kind,
            period_start__gte=begin,
            period_start__lte=end,
        ).aggregate(total=Sum("victims"))["total"]
        or 0
    )


def breakdowns(scope: Scope) -> pd.DataFrame:
    """Victims by age band, sex, race, hour and weekday in the months of the scope."""
    import numpy as np
    import pandas as pd

    from ovp.incidents.aggregation import BREAKDOWN_SLOTS

    rows = Breakdown.objects.filter(
        Q(area=scope.area) if scope.area else Q(area__isnull=True),
        month__gte=scope.start,
        month__lte=min(scope.through_week + timedelta(days=6), date(scope.year, 12, 31)),
    ).values_list("counts", flat=True)
    totals = np.zeros(len(BREAKDOWN_SLOTS), dtype=np.int64)
    for counts in rows:
        totals += np.asarray(counts, dtype=np.int64)
    return pd.DataFrame(
        {
            "dimension": [slot[0] for slot in BREAKDOWN_SLOTS],
            "value": [slot[1] for slot in BREAKDOWN_SLOTS],
            "victims": totals,
        }
    )


def area_kinds() -> list[str]:
    """Kinds of area, the finest (most areas) first: the dashboards' default."""
    rows = Area.objects.values("kind").annotate(areas=Count("id")).order_by("-areas", "kind")
    return [row["kind"] for row in rows]


def areas_of_kind(kind: str) -> list[Area]:
    return list(Area.objects.of_kind(kind).only("id", "code", "name", "kind").order_by("code"))


def scope_from(params: Mapping[str, Any], data: DataRange, kinds: list[str]) -> Scope | None:
    """The scope a dashboard's GET parameters ask for, within the data there is."""
    if data.last_week is None or data.first_week is None:
        return None
    requested = str(params.get("kind") or "")
    kind = requested if requested in kinds else (kinds[0] if kinds else "")
    try:
        year = int(params.get("year") or data.last_week.year)
    except ValueError:
        year = data.last_week.year
    year = min(max(year, data.first_week.year), data.last_week.year)
    through = data.last_week if year == data.last_week.year else _last_week_start(year)
    area = None
    if params.get("area"):
        area = Area.objects.of_kind(kind).filter(code=params["area"]).first()
    return Scope(year=year, through_week=through, area_kind=kind, area=area)


def _last_week_start(year: int) -> date:
    last_day = date(year, 12, 31)
    return last_day - timedelta(days=last_day.weekday())


@dataclass
class YearByMonth:
    """A year's people shot month by month (row 0 is January), citywide and in each area of
    one kind: what the public page publishes, month by month."""

    complete_months: int  # how many months, from January, the data covers to their end
    area_kind: str | None  # the kind of the areas
    victims: Any  # numpy arrays: (12,)
    fatal: Any
    nonfatal: Any
    incidents: Any
    areas: list[Area]
    by_area: Any  # (12, areas + 1): the last column is victims placed in none of them
    breakdowns: Any  # (12, slots of aggregation.BREAKDOWN_SLOTS)


def year_by_month(year: int, area_kind: str | None) -> YearByMonth:
    """Three queries: the city's parts, the areas' parts, the city's breakdowns."""
    import numpy as np

    from ovp.incidents.aggregation import BREAKDOWN_SLOTS

    start, end = date(year, 1, 1), date(year + 1, 1, 1)
    in_year = Q(period=Period.PART, period_start__gte=start, period_start__lt=end)
    city = np.zeros((4, 12), dtype=np.int64)
    for row in (
        PeriodCount.objects.filter(in_year, area__isnull=True, area_kind="")
        .values_list("period_start__month")
        .annotate(Sum("victims"), Sum("fatal"), Sum("nonfatal"), Sum("incidents"))
    ):
        city[:, row[0] - 1] = row[1:]
    areas = list(Area.objects.of_kind(area_kind).order_by("code")) if area_kind else []
    column = {area.pk: i for i, area in enumerate(areas)}
    by_area = np.zeros((12, len(areas) + 1), dtype=np.int64)
    if area_kind:
        for area_id, month, victims in (
            PeriodCount.objects.filter(in_year)
            .filter(Q(area__kind=area_kind) | Q(area__isnull=True, area_kind=area_kind))
            .values_list("area_id", "period_start__month")
            .annotate(Sum("victims"))
        ):
            by_area[month - 1, column.get(area_id, len(areas))] += victims
    breakdowns = np.zeros((12, len(BREAKDOWN_SLOTS)), dtype=np.int64)
    for month, counts in Breakdown.objects.filter(
        area__isnull=True, month__gte=start, month__lt=end
    ).values_list("month", "counts"):
        breakdowns[month.month - 1] += np.asarray(counts, dtype=np.int64)
    data = data_range()
    covered = data.last_week + timedelta(days=6) if data.last_week else start - timedelta(days=1)
    complete = sum(1 for m in range(1, 13) if month_end(year, m) <= covered)
    victims, fatal, nonfatal, incidents = city
    return YearByMonth(
        complete_months=complete, area_kind=area_kind, victims=victims, fatal=fatal,
        nonfatal=nonfatal,
        incidents=incidents, areas=areas, by_area=by_area, breakdowns=breakdowns,
    )  # fmt: skip


def month_end(year: int, month: int) -> date:
    return date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)


def city_counts_between(begin: date, end: date) -> dict[str, int]:
    """People shot and killed in the whole city over the parts of weeks (within months)
    that start between the two days. One query."""
    sums = PeriodCount.objects.filter(
        period=Period.PART, area__isnull=True, area_kind="",
        period_start__gte=begin, period_start__lte=end,
    ).aggregate(victims=Sum("victims"), fatal=Sum("fatal"))  # fmt: skip
    return {"victims": int(sums["victims"] or 0), "fatal": int(sums["fatal"] or 0)}


def last_twelve_months(data: DataRange) -> tuple[date, date] | None:
    """The last 52 weeks of the data (the window the allocation and the benchmark use)."""
    if data.last_week is None:
        return None
    end = data.last_week + timedelta(days=6)
    return end - timedelta(days=363), end
