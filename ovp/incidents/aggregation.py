"""The nightly aggregation: victims and incidents per area and period, and monthly breakdowns.

`incidents_aggregate()` recomputes the periods (weeks and months) that hold a day changed by
an import since the last run (`DirtyDay`); `full=True` recomputes everything. Either way the
work happens in one transaction: dashboards keep reading the last good aggregates until it
commits, and a run that fails halfway leaves them (and the list of days to redo) untouched.

Each victim counts once citywide (area empty) and once in its area of each kind; a victim
without an area of some kind counts in that kind's "not placed" row, so every kind's rows
add up to the city total.
"""

import time
from dataclasses import dataclass
from datetime import date

from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from ovp.incidents.models import AggregationRun

AGGREGATES_VERSION_KEY = "incidents:aggregates-version"

# plain date arithmetic: date_trunc() on a date goes through time zones, many times slower
WEEK_START = "(v.occurred_on - (EXTRACT(ISODOW FROM v.occurred_on)::int - 1))"
MONTH_START = "date_trunc('month', v.occurred_on::timestamp)::date"

# one row per victim and area, plus one with an empty area for the city as a whole
VICTIM_AREAS = """
    SELECT v.occurred_on, v.fatal, v.first_of_incident, v.age_band, v.sex, v.race, v.hour,
           {week} AS w,
           {month} AS m,
           unnest(array_append(v.area_ids, NULL)) AS area_id
    FROM incidents_victim v
    WHERE v.removed_at IS NULL {where}
""".replace("{week}", WEEK_START).replace("{month}", MONTH_START)

PERIOD_COUNTS = """
    INSERT INTO incidents_periodcount
        (period, period_start, area_id, area_kind, victims, fatal, nonfatal, incidents)
    SELECT CASE WHEN GROUPING(w) = 0 THEN 'W' ELSE 'M' END, COALESCE(w, m), area_id, '',
           count(*), count(*) FILTER (WHERE fatal), count(*) FILTER (WHERE NOT fatal),
           count(*) FILTER (WHERE first_of_incident)
    FROM ({victims}) x
    GROUP BY GROUPING SETS ((w, area_id), (m, area_id))
    {having}
"""

BREAKDOWNS = """
    INSERT INTO incidents_breakdown (month, area_id, dimension, value, victims, fatal)
    SELECT m, area_id,
           CASE WHEN GROUPING(age_band) = 0 THEN 'age' WHEN GROUPING(sex) = 0 THEN 'sex'
                WHEN GROUPING(race) = 0 THEN 'race' WHEN GROUPING(hour_of_day) = 0 THEN 'hour'
                ELSE 'weekday' END,
           COALESCE(age_band, sex, race, hour_of_day, weekday),
           count(*), count(*) FILTER (WHERE fatal)
    FROM (SELECT m, area_id, fatal, age_band, sex, race,
                 COALESCE(hour::text, 'unknown') AS hour_of_day,
                 extract(isodow FROM occurred_on)::int::text AS weekday
          FROM ({victims}) y) x
    GROUP BY GROUPING SETS ((m, area_id, age_band), (m, area_id, sex), (m, area_id, race),
                            (m, area_id, hour_of_day), (m, area_id, weekday))
    {having}
"""

# for each kind of area, what the city counted that no area of that kind did
NOT_PLACED = """
    INSERT INTO incidents_periodcount
        (period, period_start, area_id, area_kind, victims, fatal, nonfatal, incidents)
    SELECT city.period, city.period_start, NULL, kinds.kind,
           city.victims - COALESCE(placed.victims, 0), city.fatal - COALESCE(placed.fatal, 0),
           city.nonfatal - COALESCE(placed.nonfatal, 0),
           city.incidents - COALESCE(placed.incidents, 0)
    FROM incidents_periodcount city
    CROSS JOIN (SELECT DISTINCT kind FROM areas_area) kinds
    LEFT JOIN (
        SELECT p.period, p.period_start, a.kind, sum(p.victims) AS victims, sum(p.fatal) AS fatal,
               sum(p.nonfatal) AS nonfatal, sum(p.incidents) AS incidents
        FROM incidents_periodcount p JOIN areas_area a ON a.id = p.area_id
        {placed_where}
        GROUP BY 1, 2, 3
    ) placed ON placed.period = city.period AND placed.period_start = city.period_start
            AND placed.kind = kinds.kind
    WHERE city.area_id IS NULL AND city.area_kind = ''
      AND city.victims > COALESCE(placed.victims, 0) {city_where}
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


def _recompute(cursor, *, weeks: list[date] | None, months: list[date] | None) -> int:
    """Delete and rebuild the aggregates of these periods (all of them when None)."""
    if weeks is None or months is None:
        # readers wait for the commit rather than see half; a fresh table fills much faster
        cursor.execute("TRUNCATE incidents_periodcount, incidents_breakdown")
        victims = VICTIM_AREAS.format(where="")
        params: list = []
        having = breakdown_having = placed_where = city_where = ""
        counts_params: list = []
        breakdown_params: list = []
        not_placed_params: list = []
    else:
        cursor.execute(
            "DELETE FROM incidents_periodcount WHERE (period = 'W' AND period_start = ANY(%s)) "
            "OR (period = 'M' AND period_start = ANY(%s))",
            [weeks, months],
        )
        cursor.execute("DELETE FROM incidents_breakdown WHERE month = ANY(%s)", [months])
        # the victims of every touched week and month, found through the date index
        start = min([*weeks, *months])
        end = max([*[w.toordinal() + 7 for w in weeks], *[_month_end(m) for m in months]])
        victims = VICTIM_AREAS.format(
            where="AND v.occurred_on >= %s AND v.occurred_on < %s "
            f"AND ({WEEK_START} = ANY(%s) OR {MONTH_START} = ANY(%s))"
        )
        params = [start, date.fromordinal(end), weeks, months]
        # a week that crosses into an untouched month must not rewrite that month, and back
        having = "HAVING (GROUPING(w) = 0 AND w = ANY(%s)) OR (GROUPING(m) = 0 AND m = ANY(%s))"
        counts_params = [*params, weeks, months]
        breakdown_having = "HAVING m = ANY(%s)"
        breakdown_params = [*params, months]
        period_filter = (
            "((period = 'W' AND period_start = ANY(%s)) "
            "OR (period = 'M' AND period_start = ANY(%s)))"
        )
        placed_where = "WHERE " + period_filter.replace("period", "p.period")
        city_where = "AND " + period_filter.replace("period", "city.period")
        not_placed_params = [weeks, months, weeks, months]
    rows = 0
    cursor.execute(PERIOD_COUNTS.format(victims=victims, having=having), counts_params or params)
    rows += cursor.rowcount
    cursor.execute(
        BREAKDOWNS.format(victims=victims, having=breakdown_having), breakdown_params or params
    )
    rows += cursor.rowcount
    cursor.execute(
        NOT_PLACED.format(placed_where=placed_where, city_where=city_where), not_placed_params
    )
    rows += cursor.rowcount
    return rows


def _month_end(month: date) -> int:
    following = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return following.toordinal()


def incidents_aggregate(*, full: bool = False) -> AggregationResult:
    """Bring the aggregates up to date; see the module docstring. Safe to run twice."""
    run = AggregationRun.objects.create(started_at=timezone.now(), full=full)
    started = time.perf_counter()
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
                week_starts = sorted({date.fromordinal(d.toordinal() - d.weekday()) for d in days})
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
    _ = time.perf_counter() - started
    return AggregationResult(run=run, weeks=weeks, months=months)
