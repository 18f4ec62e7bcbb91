"""The nightly aggregation: victims and incidents per area and part-week, and monthly breakdowns.

`incidents_aggregate()` recomputes the months that hold a day changed by an import since the
last run (`DirtyDay`); `full=True` recomputes everything. Either way the work happens in one
transaction: dashboards keep reading the last good aggregates until it commits, and a run that
fails halfway leaves them (and the list of days to redo) untouched.

Only parts of weeks within months (Period.PART) are stored: a week is the sum of its parts,
a month the sum of its parts, and readers sum the few they need. A part's first day alone
tells its week and its month, so a changed day touches the parts of its month only.

How it counts: one query reads the victims once and hands back four packed columns (each
victim's areas, day and traits, a few bytes each, as raw big-endian integers), and numpy
counts them with `bincount`; the rows go back with a binary COPY
(`ovp.core.db.copy_arrow`). Postgres itself would
count the 48 breakdown slots with 48 FILTERed aggregates per victim, and that per-row,
per-aggregate work cost some three times a plain GROUP BY of area and week; numpy's counting
costs almost nothing beside reading the rows. It holds about 30 bytes per victim in memory
while it counts. A full run, in a transaction of its own, reads the table's two halves at
once on two more connections that share its snapshot, and fills the emptied tables with
their rows' ids given and their keys and indexes built once at the end.

Each victim counts once in the city and once in each kind of area (in an area, or in that
kind's "not placed" row), so every kind adds up to the city.
"""

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property, partial
from typing import Any

import numpy as np
import pandas as pd
import psycopg
import psycopg.sql
import pyarrow as pa
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.utils import timezone

from ovp.core.db import (
    copy_arrow,
    ids_from,
    ids_used_up_to,
    integer_arrays,
    next_id,
    without_indexes,
)
from ovp.core.faults import pause_for_fault_tests
from ovp.core.public_cache import public_pages_changed
from ovp.incidents.models import (
    NO_AREAS,
    AgeBand,
    AggregationRun,
    Race,
    Sex,
    kind_of_marker,
)
from ovp.incidents.selectors import AGGREGATES_VERSION_KEY

# the breakdowns' slots (dimension, value), in the order of Breakdown.counts
BREAKDOWN_SLOTS: list[tuple[str, str]] = [
    *[("age", v) for v in AgeBand.values],
    *[("sex", v) for v in Sex.values],
    *[("race", v) for v in Race.values],
    *[("hour", str(h)) for h in range(24)],
    ("hour", "unknown"),
    *[("weekday", str(d)) for d in range(1, 8)],
]
SLOTS = len(BREAKDOWN_SLOTS)
_SLOT = {slot: i for i, slot in enumerate(BREAKDOWN_SLOTS)}

# Days count from 1900-01-01, a Monday (the import refuses earlier dates): a day's distance
# from Monday is its number modulo 7.
EPOCH = date(1900, 1, 1)
_EPOCH64 = np.datetime64(EPOCH, "D")

# A victim's traits in one integer: the first letters of its age band, sex and race (bits
# 0-23; the import stores only the choices' own values, told apart by their first letter),
# its hour (bits 24-28; 31 when unknown), whether it was killed (bits 29-30: 2 yes, 1 no,
# 0 unknown) and whether it is its incident's first victim (bit 31).
# (Postgres gives | & << the same precedence, left to right: hence every bracket.)
TRAITS = (
    "(ascii(v.age_band) & 255) | ((ascii(v.sex) & 255) << 8) | ((ascii(v.race) & 255) << 16)"
    " | (coalesce(v.hour, 31) << 24) | (coalesce(v.fatal::int + 1, 0) << 29)"
    " | (v.first_of_incident::int << 31)"
)
UNKNOWN_HOUR = 31
# each victim's area ids one after another: its array's binary form without the 20-byte
# header of a one-dimensional array, so (length, value) pairs
VICTIMS = f"""
    SELECT count(*),
           string_agg(substr(array_send(v.area_ids), 21), ''),
           string_agg(int2send(cardinality(v.area_ids)::int2), ''),
           string_agg(int4send(v.occurred_on - DATE '{EPOCH}'), ''),
           string_agg(int4send({TRAITS}), '')
    FROM incidents_victim v WHERE v.removed_at IS NULL
"""
# the most (area, period) pairs numbered by a table rather than by hashing: 128 MB at most
DENSE_GROUPS = 16_000_000
# a full run reads a table of this many pages (of 8 kB: some 100,000 victims) or more in two
# halves at once
PARALLEL_PAGES = 2_000
READER_LOCK_TIMEOUT = "5s"
CITY = 0  # the area "id" the city's own rows count under here (stored as no area)

TABLES = ("incidents_periodcount", "incidents_breakdown")


def _slots_by_first_letter(dimension: str, values: list[str]) -> np.ndarray:
    """The slot of each value, looked up by its first letter (SLOTS, one past the last: none)."""
    table = np.full(256, SLOTS, dtype=np.int64)
    for value in values:
        letter = ord(value[0])
        if letter > 255 or table[letter] != SLOTS:
            raise ImproperlyConfigured(
                f"The aggregation tells {dimension} values apart by their first letter; "
                f"{value!r} shares its first letter with another or is not plain ASCII."
            )
        table[letter] = _SLOT[(dimension, value)]
    return table


_AGE = _slots_by_first_letter("age", AgeBand.values)
_SEX = _slots_by_first_letter("sex", Sex.values)
_RACE = _slots_by_first_letter("race", Race.values)
_HOUR = np.full(32, SLOTS, dtype=np.int64)
_HOUR[:24] = [_SLOT[("hour", str(h))] for h in range(24)]
_HOUR[UNKNOWN_HOUR] = _SLOT[("hour", "unknown")]
_WEEKDAY = np.array([_SLOT[("weekday", str(d))] for d in range(1, 8)], dtype=np.int64)


@dataclass
class AggregationResult:
    run: AggregationRun
    weeks: int
    months: int


@dataclass
class Entries:
    """Each victim's day and traits (each victim counts once in the city), and its entries:
    one for each area (or not-placed marker) in its `area_ids`."""

    day: np.ndarray  # per victim: days since EPOCH
    traits: np.ndarray  # per victim: uint32, as TRAITS
    area: np.ndarray  # per entry: an area id, or a kind's not-placed marker (or NO_AREAS)
    victim: np.ndarray  # per entry: its victim's place in `day` and `traits`

    @classmethod
    def read(cls, cursor: Any, where: str = "", params: list[Any] | None = None) -> "Entries":
        """The victims (of `where`), in one query on this transaction's connection."""
        # a server-side binding cursor: binary results (Django's binds on the client)
        with psycopg.Cursor(cursor.connection) as binary:
            binary.execute(VICTIMS + where, params, binary=True)
            row = binary.fetchone()
            assert row is not None  # an aggregate query returns one row  # nosec B101
            return cls.parse([tuple(row)])

    @classmethod
    def read_in_halves(cls, cursor: Any) -> "Entries":
        """Every victim: the table's two halves read at once, each by a connection of its own
        that shares this transaction's snapshot (so together they see what one query here
        would). Only for a transaction that has not written victims itself: the others
        cannot see its changes."""
        cursor.execute(
            "SELECT pg_export_snapshot(), "
            "pg_relation_size('incidents_victim') / current_setting('block_size')::int"
        )
        snapshot, pages = cursor.fetchone()
        # (a role Django sets on its own connection would not be the readers')
        if pages < PARALLEL_PAGES or connection.settings_dict["OPTIONS"].get("assume_role"):
            return cls.read(cursor)
        options = {
            name: value
            for name, value in connection.get_connection_params().items()
            if name not in ("cursor_factory", "context")
        }
        middle = f"'({pages // 2},0)'::tid"
        try:
            with ThreadPoolExecutor(max_workers=2) as pool:
                halves = pool.map(
                    partial(_read_with_snapshot, options, snapshot),
                    [f" AND v.ctid < {middle}", f" AND v.ctid >= {middle}"],
                )
                return cls.parse(list(halves))
        except psycopg.errors.LockNotAvailable:
            # someone queued for the whole table (a first import, a migration) behind this
            # transaction, and the readers behind them: read here, where the lock is held
            return cls.read(cursor)

    @classmethod
    def parse(cls, results: list[tuple[Any, ...]]) -> "Entries":
        """Entries from the rows of VICTIMS (one, or one per part of the table)."""
        results = [row for row in results if row[0]]
        if not results:
            empty = np.zeros(0, dtype=np.int64)
            return cls(day=empty, traits=empty.astype(np.uint32), area=empty, victim=empty)
        count = sum(row[0] for row in results)
        # (length, value) of each element; every element is a 4-byte id, never NULL
        pairs = np.concatenate(
            [np.frombuffer(row[1], dtype=">i4").reshape(-1, 2) for row in results]
        )
        repeats = np.concatenate([np.frombuffer(row[2], dtype=">i2") for row in results])
        if len(pairs) != repeats.sum() or (pairs[:, 0] != 4).any():
            raise RuntimeError("The victims' area ids did not read back as expected.")
        victims = np.arange(count, dtype=np.int64)
        return cls(
            day=np.concatenate([np.frombuffer(row[3], dtype=">i4") for row in results]).astype(
                np.int64
            ),
            traits=np.concatenate([np.frombuffer(row[4], dtype=">u4") for row in results]).astype(
                np.uint32
            ),
            area=pairs[:, 1].astype(np.int64),
            victim=np.repeat(victims, repeats),
        )

    @cached_property
    def month_start(self) -> np.ndarray:
        """Per victim: the first day of its month, in days since EPOCH (worked out once per
        day of the range, then looked up)."""
        if not len(self.day):
            return self.day
        first = int(self.day.min())
        days = _EPOCH64 + np.arange(first, int(self.day.max()) + 1)
        starts = (days.astype("datetime64[M]").astype("datetime64[D]") - _EPOCH64).astype(np.int64)
        return starts[self.day - first]


def _read_with_snapshot(options: dict[str, Any], snapshot: str, where: str) -> tuple[Any, ...]:
    with psycopg.connect(**options) as reader:
        reader.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        reader.read_only = True
        reader.execute(psycopg.sql.SQL("SET TRANSACTION SNAPSHOT {}").format(snapshot))
        reader.execute("SET LOCAL jit = off")
        # never wait long behind a lock that waits for the transaction this read serves
        reader.execute(f"SET LOCAL lock_timeout = '{READER_LOCK_TIMEOUT}'")
        with reader.cursor() as cursor:
            cursor.execute(VICTIMS + where, binary=True)
            row = cursor.fetchone()
            assert row is not None  # an aggregate query returns one row  # nosec B101
            return tuple(row)


def _group(area: np.ndarray, start: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each entry's group of (area, start), numbered in order of area then start, and the
    groups' areas and starts. Both keys are integers of modest range (ids, and days), so
    one integer says both; a table of every such integer, where it fits, numbers them without
    sorting or hashing."""
    if not len(area):
        return area, area, start
    low, first = int(area.min()), int(start.min())
    span = int(start.max()) - first + 1
    keys = (area - low) * span + (start - first)
    size = int(keys.max()) + 1
    if size <= DENSE_GROUPS:
        used = np.bincount(keys, minlength=size) > 0
        number = np.cumsum(used) - 1
        codes, unique = number[keys], np.flatnonzero(used)
    else:
        codes, unique = pd.factorize(keys, sort=True)
    return codes, unique // span + low, unique % span + first


def _per_city_and_area(
    entries: Entries, count: Callable[..., dict[str, np.ndarray]], keep: np.ndarray,
    *per_victim: np.ndarray,
) -> dict[str, np.ndarray]:  # fmt: skip
    """`count(area, *values)` of the city (each victim once) and of the entries kept (each
    taking its victim's values), one after the other."""
    victim = entries.victim[keep]
    city = count(np.full(len(entries.day), CITY, dtype=np.int64), *per_victim)
    areas = count(entries.area[keep], *(values[victim] for values in per_victim))
    return {name: np.concatenate([city[name], areas[name]]) for name in city}


def _period_counts(entries: Entries) -> dict[str, np.ndarray]:
    """Victims, fatal, non-fatal and incidents per area (or marker, or the city) and part."""
    day, traits = entries.day, entries.traits
    part = np.maximum(day - day % 7, entries.month_start)
    # killed (yes 2, no 1, unknown 0) x first of its incident
    kind = ((traits >> 29) & 3).astype(np.int64) * 2 + (traits >> 31)

    def count(area: np.ndarray, start: np.ndarray, kind: np.ndarray) -> dict[str, np.ndarray]:
        group, areas, starts = _group(area, start)
        by_kind = np.bincount(group * 6 + kind, minlength=len(areas) * 6).reshape(-1, 6)
        return {
            "area": areas,
            "start": starts,
            "victims": by_kind.sum(axis=1),
            "fatal": by_kind[:, 4] + by_kind[:, 5],
            "nonfatal": by_kind[:, 2] + by_kind[:, 3],
            "incidents": by_kind[:, 1::2].sum(axis=1),
        }

    return _per_city_and_area(entries, count, entries.area != NO_AREAS, part, kind)


def _breakdowns(entries: Entries) -> dict[str, np.ndarray]:
    """The breakdown slots' counts per area (or the city) and month."""
    traits = entries.traits
    # a value in no slot counts in an extra one, dropped at the end
    width = SLOTS + 1
    slots = [
        _AGE[traits & 255],
        _SEX[(traits >> 8) & 255],
        _RACE[(traits >> 16) & 255],
        _HOUR[(traits >> 24) & 31],
        _WEEKDAY[entries.day % 7],
    ]

    def count(area: np.ndarray, month: np.ndarray, *slots: np.ndarray) -> dict[str, np.ndarray]:
        group, areas, months = _group(area, month)
        counts = np.zeros(len(areas) * width, dtype=np.int64)
        base = group * width
        for slot in slots:
            counts += np.bincount(base + slot, minlength=len(counts))
        return {"area": areas, "month": months, "counts": counts.reshape(-1, width)[:, :SLOTS]}

    return _per_city_and_area(entries, count, entries.area > CITY, entries.month_start, *slots)


def _write(
    cursor: Any, entries: Entries, *, first_ids: tuple[int, int] | None = None
) -> tuple[int, int]:
    """Count the entries and COPY the period counts and breakdowns in; returns how many rows
    each. With `first_ids`, the rows of each table are given ids from these on."""
    periods = _period_counts(entries)
    area = periods["area"]
    # the city and the not-placed rows have no area; the not-placed rows name their kind
    distinct, inverse = np.unique(area, return_inverse=True)
    kinds = [kind_of_marker(int(value)) if value < CITY else "" for value in distinct]
    copy_arrow(
        cursor,
        TABLES[0],
        pa.table(
            {
                **ids_from(first_ids[0] if first_ids else None, len(area)),
                "period": pa.repeat(pa.scalar("P"), len(area)),
                "period_start": _EPOCH64 + periods["start"],
                "area_id": pa.array(area, mask=area <= CITY),
                "area_kind": pa.array(kinds, pa.string()).take(inverse),
                **{
                    name: periods[name].astype(np.int32)
                    for name in ("victims", "fatal", "nonfatal", "incidents")
                },
            }
        ),
    )
    breakdowns = _breakdowns(entries)
    area = breakdowns["area"]
    copy_arrow(
        cursor,
        TABLES[1],
        pa.table(
            {
                **ids_from(first_ids[1] if first_ids else None, len(area)),
                "month": _EPOCH64 + breakdowns["month"],
                "area_id": pa.array(area, mask=area == CITY),
                "counts": integer_arrays(breakdowns["counts"]),
            }
        ),
    )
    return len(periods["area"]), len(area)


def _recompute(cursor: Any, *, months: list[date] | None, outermost: bool) -> int:
    """Delete and rebuild the aggregates of these months (all of them when None). An
    `outermost` transaction (no victims of its own unsaved) reads them in two halves."""
    if months is None:
        # readers wait for the commit rather than see half; a fresh table, given its ids and
        # its keys and indexes built once at the end, fills much faster
        entries = Entries.read_in_halves(cursor) if outermost else Entries.read(cursor)
        cursor.execute("TRUNCATE incidents_periodcount, incidents_breakdown")
        with (
            without_indexes(cursor, TABLES[0]),
            without_indexes(cursor, TABLES[1]),
        ):
            first_ids = (next_id(cursor, TABLES[0]), next_id(cursor, TABLES[1]))
            written = _write(cursor, entries, first_ids=first_ids)
            for table, first, count in zip(TABLES, first_ids, written, strict=True):
                if count:
                    ids_used_up_to(cursor, table, first + count - 1)
        return sum(written)
    start, end = months[0], _next_month(months[-1])
    part_month = "date_trunc('month', period_start::timestamp)::date"
    cursor.execute(
        "DELETE FROM incidents_periodcount WHERE period = 'P' "
        f"AND period_start >= %s AND period_start < %s AND {part_month} = ANY(%s)",
        [start, end, months],
    )
    cursor.execute("DELETE FROM incidents_breakdown WHERE month = ANY(%s)", [months])
    # every victim of a touched month, found through the date index
    month_of = "date_trunc('month', v.occurred_on::timestamp)::date"
    entries = Entries.read(
        cursor,
        f" AND v.occurred_on >= %s AND v.occurred_on < %s AND {month_of} = ANY(%s)",
        [start, end, months],
    )
    return sum(_write(cursor, entries))


def _next_month(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def incidents_aggregate(*, full: bool = False) -> AggregationResult:
    """Bring the aggregates up to date; see the module docstring. Safe to run twice."""
    run = AggregationRun.objects.create(started_at=timezone.now(), full=full)
    outermost = not connection.in_atomic_block
    try:
        with transaction.atomic(), connection.cursor() as django_cursor:
            cursor = django_cursor.cursor  # psycopg's own: binary results and COPY
            # one aggregation at a time
            cursor.execute("SELECT pg_advisory_xact_lock(8432, 0)")
            # reading the victims is one scan; compiling it (JIT) would cost more than it saves
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SELECT day FROM incidents_dirtyday ORDER BY day FOR UPDATE")
            days = [row[0] for row in cursor.fetchall()]
            if full:
                rows = _recompute(cursor, months=None, outermost=outermost)
                weeks = months = -1
            elif days:
                month_starts = sorted({d.replace(day=1) for d in days})
                rows = _recompute(cursor, months=month_starts, outermost=outermost)
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
    if rows or full:
        # the public page's years and its next release come from the aggregates
        public_pages_changed()
    return AggregationResult(run=run, weeks=weeks, months=months)
