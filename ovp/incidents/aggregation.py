"""The nightly aggregation: victims and incidents per area and part-week, and monthly breakdowns.

`incidents_aggregate()` recomputes the months that hold a day changed by an import since the
last run (`DirtyDay`); `full=True` recomputes everything. Either way the work happens in one
transaction: dashboards keep reading the last good aggregates until it commits, and a run that
fails halfway leaves them (and the list of days to redo) untouched.

Only parts of weeks within months (Period.PART) are stored: a week is the sum of its parts,
a month the sum of its parts, and readers sum the few they need. A part's first day alone
tells its week and its month, so a changed day touches the parts of its month only.

It reads the victims once. One GROUP BY, close in cost to counting victims by area and week,
builds a small "cube": per area (or not-placed marker) and part, the victims, fatal, non-fatal
and incidents, and a count for every value of every breakdown. The counts per part are the
cube itself; the city and the monthly breakdowns are sums over it (it is some fifteen times
smaller than the victims).

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
from ovp.core.faults import pause_for_fault_tests
from ovp.incidents.models import NO_AREAS, AgeBand, AggregationRun, Race, Sex, not_placed_marker

AGGREGATES_VERSION_KEY = "incidents:aggregates-version"

# the breakdowns: (dimension, value, SQL condition on a victim), in the order of Breakdown.counts
BREAKDOWN_SLOTS: list[tuple[str, str, str]] = [
    *[("age", v, f"age_band = '{v}'") for v in AgeBand.values],
    *[("sex", v, f"sex = '{v}'") for v in Sex.values],
    *[("race", v, f"race = '{v}'") for v in Race.values],
    *[("hour", str(h), f"hour = {h}") for h in range(24)],
    ("hour", "unknown", "hour IS NULL"),
    *[("weekday", str(d), f"days_from_monday = {d - 1}") for d in range(1, 8)],
]

# Plain integer date arithmetic, evaluated for every victim: EXTRACT() returns numeric and
# date_trunc() on a date goes through time zones, both many times slower. 0001-01-01 was a
# Monday, so the days since then modulo 7 count from Monday (the import refuses dates before
# 1900, so the difference is never negative).
DAYS_FROM_MONDAY = "mod(v.occurred_on - DATE '0001-01-01', 7)"
WEEK_START = f"(v.occurred_on - {DAYS_FROM_MONDAY})"
MONTH_START = "date_trunc('month', v.occurred_on::timestamp)::date"
# a part of a week within a month starts on the later of its week's and its month's first day
PART_START = f"GREATEST({WEEK_START}, {MONTH_START})"
PART_MONTH = "date_trunc('month', p::timestamp)::date"
KIND_OF_MARKER = (
    "CASE a "
    + " ".join(f"WHEN {not_placed_marker(kind)} THEN '{kind}'" for kind in AreaKind.values)
    + " ELSE '' END"
)

# int, not count()'s bigint: sums of bigint are numeric, several times slower to add up
CUBE = """
    CREATE TEMP TABLE cube ON COMMIT DROP AS
    SELECT a, p, n = 1 AS carries_city,
           count(*)::int AS victims, count(*) FILTER (WHERE fatal)::int AS fatal,
           count(*) FILTER (WHERE NOT fatal)::int AS nonfatal,
           count(*) FILTER (WHERE first_of_incident)::int AS incidents,
           {slots}
    FROM (
        SELECT u.a, u.n, {part} AS p, {days_from_monday} AS days_from_monday,
               v.fatal, v.first_of_incident, v.age_band, v.sex, v.race, v.hour
        FROM incidents_victim v, unnest(v.area_ids) WITH ORDINALITY AS u(a, n)
        WHERE v.removed_at IS NULL {where}
    ) x
    GROUP BY a, p, n = 1
"""

SUMS = "sum(victims), sum(fatal), sum(nonfatal), sum(incidents)"
# an area may sit first in some victims' area_ids and not in others' (kinds loaded later),
# so it can have two cube rows per part: group again
PERIOD_COUNTS = f"""
    INSERT INTO incidents_periodcount
        (period, period_start, area_id, area_kind, victims, fatal, nonfatal, incidents)
    SELECT 'P', p, CASE WHEN a > 0 THEN a END, {KIND_OF_MARKER}, {SUMS}
        FROM cube WHERE a <> {NO_AREAS} GROUP BY a, p
    UNION ALL
    SELECT 'P', p, NULL, '', {SUMS} FROM cube WHERE carries_city GROUP BY p
"""

BREAKDOWNS = f"""
    INSERT INTO incidents_breakdown (month, area_id, counts)
    SELECT {PART_MONTH}, a, ARRAY[{{sums}}] FROM cube WHERE a > 0 GROUP BY a, {PART_MONTH}
    UNION ALL
    SELECT {PART_MONTH}, NULL, ARRAY[{{sums}}] FROM cube WHERE carries_city
        GROUP BY {PART_MONTH}
"""

# what a full run drops and builds again once the rows are in: several times faster than
# keeping them up to date row by row (as the import does for the victims)
INDEXES = {
    "periodcount_period": "incidents_periodcount (period, period_start, area_id)",
    "breakdown_month": "incidents_breakdown (month)",
}


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
        f"count(*) FILTER (WHERE {condition})::int AS s{i}"
        for i, (_, _, condition) in enumerate(BREAKDOWN_SLOTS)
    )
    return CUBE.format(slots=slots, part=PART_START, days_from_monday=DAYS_FROM_MONDAY, where=where)


def _recompute(cursor: Any, *, months: list[date] | None) -> int:
    """Delete and rebuild the aggregates of these months (all of them when None)."""
    cursor.execute("DROP TABLE IF EXISTS pg_temp.cube")
    if months is None:
        # readers wait for the commit rather than see half; a fresh table fills much faster
        cursor.execute("TRUNCATE incidents_periodcount, incidents_breakdown")
        for name in INDEXES:
            cursor.execute(f"DROP INDEX {name}")
        cursor.execute(_cube_sql(where=""))
    else:
        start, end = months[0], _next_month(months[-1])
        part_month = "date_trunc('month', period_start::timestamp)::date"
        cursor.execute(
            "DELETE FROM incidents_periodcount WHERE period = 'P' "
            f"AND period_start >= %s AND period_start < %s AND {part_month} = ANY(%s)",
            [start, end, months],
        )
        cursor.execute("DELETE FROM incidents_breakdown WHERE month = ANY(%s)", [months])
        # every victim of a touched month, found through the date index
        cursor.execute(
            _cube_sql(
                where=f"AND v.occurred_on >= %s AND v.occurred_on < %s AND {MONTH_START} = ANY(%s)"
            ),
            [start, end, months],
        )
    cursor.execute(PERIOD_COUNTS)
    rows = cursor.rowcount
    # each sum cast on its own: cheaper than casting the bigint[] they would make
    sums = ", ".join(f"sum(s{i})::int" for i in range(len(BREAKDOWN_SLOTS)))
    cursor.execute(BREAKDOWNS.format(sums=sums))
    rows += cursor.rowcount
    if months is None:
        for name, columns in INDEXES.items():
            cursor.execute(f"CREATE INDEX {name} ON {columns}")
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
            # the cube's estimated cost passes the thresholds for inlining and optimizing JIT
            # code: each parallel worker would spend about a second compiling ~50 aggregates
            # that run in less
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SELECT day FROM incidents_dirtyday ORDER BY day FOR UPDATE")
            days = [row[0] for row in cursor.fetchall()]
            if full:
                rows = _recompute(cursor, months=None)
                weeks = months = -1
            elif days:
                month_starts = sorted({d.replace(day=1) for d in days})
                rows = _recompute(cursor, months=month_starts)
                weeks = len({d - timedelta(days=d.weekday()) for d in days})
                months = len(month_starts)
            else:
                rows, weeks, months = 0, 0, 0
            pause_for_fault_tests("aggregate")
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
