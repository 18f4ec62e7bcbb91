"""The nightly aggregation: victims and incidents per area and period, and monthly breakdowns.

`incidents_aggregate()` recomputes the periods (weeks and months) that hold a day changed by
an import since the last run (`DirtyDay`); `full=True` recomputes everything. Either way the
work happens in one transaction: dashboards keep reading the last good aggregates until it
commits, and a run that fails halfway leaves them (and the list of days to redo) untouched.

It reads the victims once. One GROUP BY, close in cost to counting victims by area and week,
builds a small "cube": per area (or not-placed marker) and week-within-month, the victims,
fatal, non-fatal and incidents, and a count for every value of every breakdown (a FILTER
per value costs little next to the grouping). Weeks, months, the city and the breakdowns
are then sums over the cube, which is some fifteen times smaller than the victims.

Each victim counts once in the city (its first area entry carries the city) and once in each
kind of area (in an area, or in that kind's "not placed" row), so every kind adds up.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from ovp.areas.models import AreaKind
from ovp.incidents.models import NO_AREAS, AgeBand, AggregationRun, Race, Sex, not_placed_marker

AGGREGATES_VERSION_KEY = "incidents:aggregates-version"

# the breakdowns: (dimension, value, SQL condition on a victim), in the order of Breakdown.counts
BREAKDOWN_SLOTS: list[tuple[str, str, str]] = [
    *[("age", v, f"age_band = '{v}'") for v in AgeBand.values],
    *[("sex", v, f"sex = '{v}'") for v in Sex.values],
    *[("race", v, f"race = '{v}'") for v in Race.values],
    *[("hour", str(h), f"hour = {h}") for h in range(24)],
    ("hour", "unknown", "hour IS NULL"),
    *[("weekday", str(d), f"weekday = {d}") for d in range(1, 8)],
]

# plain date arithmetic: date_trunc() on a date goes through time zones, many times slower
WEEK_START = "(v.occurred_on - (EXTRACT(ISODOW FROM v.occurred_on)::int - 1))"
MONTH_START = "date_trunc('month', v.occurred_on::timestamp)::date"
KIND_OF_MARKER = (
    "CASE a "
    + " ".join(f"WHEN {not_placed_marker(kind)} THEN '{kind}'" for kind in AreaKind.values)
    + " ELSE '' END"
)

CUBE = """
    CREATE TEMP TABLE cube ON COMMIT DROP AS
    SELECT a, w, m, n = 1 AS carries_city,
           count(*) AS victims, count(*) FILTER (WHERE fatal) AS fatal,
           count(*) FILTER (WHERE NOT fatal) AS nonfatal,
           count(*) FILTER (WHERE first_of_incident) AS incidents,
           {slots}
    FROM (
        SELECT u.a, u.n, {week} AS w, {month} AS m,
               EXTRACT(ISODOW FROM v.occurred_on)::int AS weekday,
               v.fatal, v.first_of_incident, v.age_band, v.sex, v.race, v.hour
        FROM incidents_victim v, unnest(v.area_ids) WITH ORDINALITY AS u(a, n)
        WHERE v.removed_at IS NULL {where}
    ) x
    GROUP BY a, w, m, n = 1
"""

SUMS = "sum(victims), sum(fatal), sum(nonfatal), sum(incidents)"
PERIOD_COUNTS = f"""
    INSERT INTO incidents_periodcount
        (period, period_start, area_id, area_kind, victims, fatal, nonfatal, incidents)
    SELECT 'W', w, CASE WHEN a > 0 THEN a END, {KIND_OF_MARKER}, {SUMS}
        FROM cube WHERE a <> {NO_AREAS} {{weeks}} GROUP BY a, w
    UNION ALL
    SELECT 'W', w, NULL, '', {SUMS} FROM cube WHERE carries_city {{weeks}} GROUP BY w
    UNION ALL
    SELECT 'M', m, CASE WHEN a > 0 THEN a END, {KIND_OF_MARKER}, {SUMS}
        FROM cube WHERE a <> {NO_AREAS} {{months}} GROUP BY a, m
    UNION ALL
    SELECT 'M', m, NULL, '', {SUMS} FROM cube WHERE carries_city {{months}} GROUP BY m
    UNION ALL
    SELECT 'P', GREATEST(w, m), CASE WHEN a > 0 THEN a END, {KIND_OF_MARKER}, {SUMS}
        FROM cube WHERE a <> {NO_AREAS} {{parts}} GROUP BY a, w, m
    UNION ALL
    SELECT 'P', GREATEST(w, m), NULL, '', {SUMS} FROM cube WHERE carries_city {{parts}}
        GROUP BY w, m
"""

BREAKDOWNS = """
    INSERT INTO incidents_breakdown (month, area_id, counts)
    SELECT m, a, ARRAY[{sums}]::int[] FROM cube WHERE a > 0 {months} GROUP BY a, m
    UNION ALL
    SELECT m, NULL, ARRAY[{sums}]::int[] FROM cube WHERE carries_city {months} GROUP BY m
"""


@dataclass
class AggregationResult:
    run: AggregationRun
    weeks: int
    months: int


def aggregates_version() -> int:
    """Changes whenever aggregates change; cache keys of figures include it."""
    version = cache.get(AGGREGATES_VERSION_KEY)
    if version is None:
        last = AggregationRun.objects.filter(succeeded=True).order_by("-id").first()
        version = last.pk if last else 0
        cache.set(AGGREGATES_VERSION_KEY, version, None)
    return int(version)


def _cube_sql(where: str) -> str:
    slots = ", ".join(
        f"count(*) FILTER (WHERE {condition}) AS s{i}"
        for i, (_, _, condition) in enumerate(BREAKDOWN_SLOTS)
    )
    return CUBE.format(slots=slots, week=WEEK_START, month=MONTH_START, where=where)


def _recompute(cursor: Any, *, weeks: list[date] | None, months: list[date] | None) -> int:
    """Delete and rebuild the aggregates of these periods (all of them when None)."""
    cursor.execute("DROP TABLE IF EXISTS pg_temp.cube")
    if weeks is None or months is None:
        # readers wait for the commit rather than see half; a fresh table fills much faster
        cursor.execute("TRUNCATE incidents_periodcount, incidents_breakdown")
        cursor.execute(_cube_sql(where=""))
        week_filter = month_filter = part_filter = ""
        named: dict[str, Any] | None = None
    else:
        # a part's week and month both follow from its first day
        part_week = "(period_start - (EXTRACT(ISODOW FROM period_start)::int - 1))"
        part_month = "date_trunc('month', period_start::timestamp)::date"
        cursor.execute(
            "DELETE FROM incidents_periodcount WHERE (period = 'W' AND period_start = ANY(%s)) "
            "OR (period = 'M' AND period_start = ANY(%s)) "
            f"OR (period = 'P' AND ({part_week} = ANY(%s) OR {part_month} = ANY(%s)))",
            [weeks, months, weeks, months],
        )
        cursor.execute("DELETE FROM incidents_breakdown WHERE month = ANY(%s)", [months])
        # every victim of a touched week or month, found through the date index
        start = min([*weeks, *months])
        end = max([*[w + timedelta(days=7) for w in weeks], *[_next_month(m) for m in months]])
        cursor.execute(
            _cube_sql(
                where="AND v.occurred_on >= %s AND v.occurred_on < %s "
                f"AND ({WEEK_START} = ANY(%s) OR {MONTH_START} = ANY(%s))"
            ),
            [start, end, weeks, months],
        )
        # a week that crosses into an untouched month must not rewrite that month, and back
        week_filter, month_filter = "AND w = ANY(%(weeks)s)", "AND m = ANY(%(months)s)"
        part_filter = "AND (w = ANY(%(weeks)s) OR m = ANY(%(months)s))"
        named = {"weeks": weeks, "months": months}
    cursor.execute(
        PERIOD_COUNTS.format(weeks=week_filter, months=month_filter, parts=part_filter), named
    )
    rows = cursor.rowcount
    sums = ", ".join(f"sum(s{i})" for i in range(len(BREAKDOWN_SLOTS)))
    cursor.execute(BREAKDOWNS.format(sums=sums, months=month_filter), named)
    rows += cursor.rowcount
    cursor.execute("DROP TABLE pg_temp.cube")
    return rows


def _next_month(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def incidents_aggregate(*, full: bool = False) -> AggregationResult:
    """Bring the aggregates up to date; see the module docstring. Safe to run twice."""
    run = AggregationRun.objects.create(started_at=timezone.now(), full=full)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            # one aggregation at a time
            cursor.execute("SELECT pg_advisory_xact_lock(8432, 0)")
            cursor.execute("SET LOCAL work_mem = '256MB'")
            cursor.execute("SELECT day FROM incidents_dirtyday ORDER BY day FOR UPDATE")
            days = [row[0] for row in cursor.fetchall()]
            if full:
                rows = _recompute(cursor, weeks=None, months=None)
                weeks = months = -1
            elif days:
                week_starts = sorted({d - timedelta(days=d.weekday()) for d in days})
                month_starts = sorted({d.replace(day=1) for d in days})
                rows = _recompute(cursor, weeks=week_starts, months=month_starts)
                weeks, months = len(week_starts), len(month_starts)
            else:
                rows, weeks, months = 0, 0, 0
            cursor.execute("DELETE FROM incidents_dirtyday WHERE day = ANY(%s)", [days])
    except Exception as error:
        run.error = f"{type(error).__name__}: {error}"
        run.finished_at = timezone.now()
        run.save()
        raise
    run.finished_at = timezone.now()
    run.succeeded = True
    run.days = len(days)
    run.rows_written = rows
    run.save()
    cache.set(AGGREGATES_VERSION_KEY, run.pk, None)
    return AggregationResult(run=run, weeks=weeks, months=months)
