"""What the public page publishes of a year, and when.

Residents see the city's people shot, quarter by quarter: at the end of each complete
quarter, the year so far (people shot, killed, incidents) in a few tables: each month; killed,
wounded and not recorded; the coarsest kind of area (the fewest areas, so the fewest small
counts); age band, sex, race/ethnicity, time of day in four-hour blocks and day of week.
Every table adds up to the people shot so far. The staff dashboard's weekly and finer
figures are not published: a week, an hour or a small area holds too few people to show.

Counts are hidden by `suppression`: those under the threshold, and whatever else it takes
so that, from everything released for the year (every month's release, every table and
total), no hidden count can be narrowed to fewer than `suppression.MIN_POSSIBLE` values. A
quarter whose release cannot be made so is held back (the page stays at the quarter before).

A release is stored when first published (`PublicRelease`) and shown as it is from then on:
the year's later releases are worked out from it, its months as released and the new months
from the data. A revised export therefore never changes a published figure (comparing two
copies of the page, or of its CSVs, taken at different times shows nothing new); it reaches
the public page only in the quarters still to come, and the staff dashboards at once.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction

from ovp.core.public_cache import public_pages_changed
from ovp.incidents import selectors
from ovp.incidents.models import AgeBand, PublicRelease, Race, Sex
from ovp.incidents.suppression import RULES, History, extend

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]  # fmt: skip
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
HOUR_BLOCKS = 6  # four hours each
# a release at the end of each quarter: the year so far changes four times a year, so that
# each release adds a quarter's people to what can be compared with the one before
RELEASE_MONTHS = (3, 6, 9, 12)


@dataclass
class PublicTable:
    slug: str
    title: str
    label: str  # the column of the categories
    labels: list[str]
    cells: list[int | None]  # None: hidden
    codes: list[str] = field(default_factory=list)  # the areas' codes, for the areas table
    area_ids: list[int | None] = field(default_factory=list)


@dataclass
class PublicYear:
    year: int
    through: date | None  # the last day released; None: nothing released yet
    people_shot: int | None
    killed: int | None
    incidents: int | None
    tables: list[PublicTable]
    last_year_months: list[int | None] = field(default_factory=list)
    release_ids: list[int] = field(default_factory=list)  # the stored releases it shows
    threshold: int | None = None  # the one its releases were made with
    area_kind: str | None = None  # the kind of area its areas table counts by

    def table(self, slug: str) -> PublicTable | None:
        return next((t for t in self.tables if t.slug == slug), None)


@dataclass
class _Table:
    """A table's categories and, for each month, its counts so far (or that month's)."""

    slug: str
    labels: list[str]
    counts: Any  # (12, categories): the year so far at each month's end, or each month
    series: bool = False
    kind: str | None = None  # the areas table's kind of area
    protected: tuple[int, ...] = ()
    codes: list[str] = field(default_factory=list)
    area_ids: list[int | None] = field(default_factory=list)


def public_year(year: int, by_month: selectors.YearByMonth | None = None) -> PublicYear:
    """The latest release of the year (see the module's docstring), storing the releases
    due since the last one stored."""
    with transaction.atomic():
        # one at a time for a year: two requests working from different data must not store
        # a release each, one built on a release the other never stored
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK, year])
        stored = list(PublicRelease.objects.filter(year=year))
        kind = year_area_kind(year)
        if by_month is None or by_month.area_kind != kind:
            by_month = selectors.year_by_month(year, kind)
        fresh = _new_releases(year, by_month, stored)
        if fresh:
            PublicRelease.objects.bulk_create(fresh)
            stored = list(PublicRelease.objects.filter(year=year))
    return _page(year, stored)


LOCK = 0x0F0B  # the advisory lock's first key: the public releases'


def year_area_kind(year: int) -> str | None:
    """The kind of area a year is published by: the one its first release used (a year
    keeps it), else the kind with the fewest areas today."""
    first = PublicRelease.objects.filter(year=year).order_by("month").first()
    areas = next((t for t in first.tables if t["slug"] == "areas"), None) if first else None
    if areas is not None and "kind" in areas:
        return areas["kind"] or None
    return public_area_kind()


def public_area_kind() -> str | None:
    """The kind with the fewest areas: the fewest small counts."""
    kinds = selectors.area_kinds()  # the finest first
    return kinds[-1] if kinds else None


def release(
    tables: list[_Table],
    complete_months: int,
    threshold: int,
    *,
    histories: list[History] | None = None,
    after: int = 0,
) -> tuple[list[int], list[History]]:
    """The months the year is released at after month `after` (the end of each quarter the
    data covers, but those held back because they could not be made safe), and each table's
    releases: `histories`, those released up to `after`, with the new ones."""
    if histories is None:
        histories = [History((), (), t.series, threshold, t.protected) for t in tables]
    if any(h.threshold != threshold for h in histories):
        raise ValueError("A year's releases keep the threshold of its first.")
    released: list[int] = []
    for month in [m for m in RELEASE_MONTHS if after < m <= complete_months]:
        total = sum(_counts(tables[0], month))
        if total < threshold:
            continue  # too few people shot so far to publish anything
        cells = [extend(h, _counts(t, month)) for h, t in zip(histories, tables, strict=True)]
        if any(c is None for c in cells):
            continue  # held back: tried again at the next quarter's end, with both
        histories = [
            history.then(total, c or []) for history, c in zip(histories, cells, strict=True)
        ]
        released.append(month)
    return released, histories


def _counts(table: _Table, month: int) -> list[int]:
    if table.series:
        return [int(v) for v in table.counts[:month, 0]]
    return [int(v) for v in table.counts[month - 1]]


def _new_releases(
    year: int, by_month: selectors.YearByMonth, stored: list[PublicRelease]
) -> list[PublicRelease]:
    """The releases due after the stored ones, unsaved: worked out from the stored ones'
    counts for their months, and the data for the months after."""
    import numpy as np

    threshold = stored[0].threshold if stored else settings.OVP_SUPPRESSION_THRESHOLD
    tables = _tables(by_month)
    incidents = np.cumsum(by_month.incidents)
    after = stored[-1].month if stored else 0
    if stored:
        frozen = _frozen(tables, stored[-1])
        if frozen is None:
            return []  # the categories changed (new areas): the year's figures stay as they are
        tables = frozen
        incidents = incidents - incidents[after - 1] + stored[-1].incidents
        histories = [_history(year, table, stored, threshold) for table in tables]
    else:
        histories = [
            History((), (), t.series, threshold, t.protected, order_key(year, t.slug))
            for t in tables
        ]
    released, histories = release(
        tables, by_month.complete_months, threshold, histories=histories, after=after
    )
    first = len(stored)
    return [
        PublicRelease(
            year=year,
            month=month,
            threshold=threshold,
            incidents=int(incidents[month - 1]),
            tables=[
                _stored_table(table, history, first + i, month) for table, history in
                zip(tables, histories, strict=True)
            ],
        )
        for i, month in enumerate(released)
    ]  # fmt: skip


def _stored_table(table: _Table, history: History, index: int, month: int) -> dict[str, Any]:
    counts = table.counts[:month]
    return {
        "slug": table.slug,
        "labels": table.labels,
        **({"kind": table.kind} if table.slug == "areas" else {}),
        "codes": table.codes,
        "area_ids": table.area_ids,
        "total": history.totals[index],
        "cells": list(history.cells[index]),
        "counts": counts.tolist(),
    }


def order_key(year: int, slug: str) -> bytes:
    """The secret a table's hiding order is drawn from, for a year (from SECRET_KEY)."""
    return hmac.new(
        settings.SECRET_KEY.encode(), f"public-order:{year}:{slug}".encode(), hashlib.sha256
    ).digest()


def _history(year: int, table: _Table, stored: list[PublicRelease], threshold: int) -> History:
    """A table's releases so far, as stored."""
    mine = [next(t for t in r.tables if t["slug"] == table.slug) for r in stored]
    return History(
        totals=tuple(t["total"] for t in mine),
        cells=tuple(tuple(t["cells"]) for t in mine),
        series=table.series,
        threshold=threshold,
        protected=table.protected,
        key=order_key(year, table.slug),
    )


def _frozen(tables: list[_Table], last: PublicRelease) -> list[_Table] | None:
    """The tables with the months of the last release as it stored them, and each later
    month's people added to them. Categories are matched by code (areas) or label: one
    added since (a new area, people outside every area) comes after the others with none
    before; one gone keeps what was released, with none added; a renamed area takes its new
    name. None when a table is new."""
    import numpy as np

    month = last.month
    stored = {t["slug"]: t for t in last.tables}
    frozen = []
    for table in tables:
        then = stored.get(table.slug)
        if then is None:
            return None
        if table.series:  # its months as released, then today's
            months = np.array(then["counts"], dtype=np.int64).reshape(month, -1)
            frozen.append(replace(table, counts=np.vstack([months, table.counts[month:]])))
            continue
        keys_then = then["codes"] if table.slug == "areas" else then["labels"]
        keys_now = table.codes if table.slug == "areas" else table.labels
        keys = [*keys_then, *(k for k in keys_now if k not in keys_then)]
        before = np.zeros((month, len(keys)), dtype=np.int64)
        before[:, : len(keys_then)] = np.array(then["counts"], dtype=np.int64).reshape(month, -1)
        now = np.zeros((12, len(keys)), dtype=np.int64)
        for index, key in enumerate(keys_now):
            now[:, keys.index(key)] = table.counts[:, index]
        # a series' later months as they are; counts so far: the stored ones, and what came after
        later = now[month:] if table.series else now[month:] - now[month - 1] + before[-1]
        where = {key: index for index, key in enumerate(keys_now)}
        frozen.append(replace(
            table, counts=np.vstack([before, later]),
            labels=_pick(keys, where, table.labels, then["labels"]),
            codes=_pick(keys, where, table.codes, then["codes"]) if table.codes else [],
            area_ids=_pick(keys, where, table.area_ids, then["area_ids"]) if table.area_ids else [],
        ))  # fmt: skip
    return frozen


def _pick(keys: list[Any], where: dict[Any, int], now: list[Any], then: list[Any]) -> list[Any]:
    """Each category's value today where it has one, else as released."""
    return [now[where[key]] if key in where else then[i] for i, key in enumerate(keys)]


def _page(year: int, stored: list[PublicRelease]) -> PublicYear:
    if not stored:
        return PublicYear(year, None, None, None, None, [])
    last = stored[-1]
    tables = [
        PublicTable(t["slug"], _TITLES[t["slug"]][0], _TITLES[t["slug"]][1],
                    t["labels"][: len(t["cells"])], list(t["cells"]), t["codes"], t["area_ids"])
        for t in last.tables if t["slug"] in _TITLES
    ]  # fmt: skip
    outcome = next(t for t in tables if t.slug == "outcome")
    return PublicYear(
        year=year,
        through=selectors.month_end(year, last.month),
        people_shot=last.tables[0]["total"],
        killed=outcome.cells[0],
        incidents=None if 0 < last.incidents < last.threshold else last.incidents,
        tables=tables,
        release_ids=[r.pk for r in stored],
        threshold=last.threshold,
        area_kind=next((t.get("kind") for t in last.tables if t["slug"] == "areas"), None),
    )


OUTSIDE = "Outside every area"
_TITLES = {  # slug: (title, the column of the categories)
    "months": ("People shot each month", "Month"),
    "outcome": ("Killed and wounded", "Outcome"),
    "areas": ("People shot by area", "Area"),
    "age": ("Age band", "Age band"),
    "sex": ("Sex", "Sex"),
    "race": ("Race/ethnicity", "Race/ethnicity"),
    "time": ("Time of day", "Time of day"),
    "weekday": ("Day of week", "Day of week"),
}


def _tables(by_month: selectors.YearByMonth) -> list[_Table]:
    """The public tables, each as counts at each month's end."""
    import numpy as np

    from ovp.incidents.aggregation import BREAKDOWN_SLOTS

    so_far = np.cumsum  # the year so far, at each month's end
    unknown = by_month.victims - by_month.fatal - by_month.nonfatal
    outcome = np.column_stack([by_month.fatal, by_month.nonfatal, unknown])
    areas = by_month.areas
    area_counts = by_month.by_area
    labels = [area.name or area.code for area in areas]
    codes = [area.code for area in areas]
    ids: list[int | None] = [area.pk for area in areas]
    if area_counts[:, -1].sum() > 0:  # people shot outside every area of the kind
        labels, codes, ids = [*labels, OUTSIDE], [*codes, ""], [*ids, None]
    else:
        area_counts = area_counts[:, :-1]

    def breakdown(dimension: str, values: list[str]) -> Any:
        slots = [BREAKDOWN_SLOTS.index((dimension, v)) for v in values]
        return by_month.breakdowns[:, slots]

    hours = breakdown("hour", [str(h) for h in range(24)])
    blocks = hours.reshape(12, HOUR_BLOCKS, 24 // HOUR_BLOCKS).sum(axis=2)
    blocks = np.column_stack([blocks, breakdown("hour", ["unknown"])])
    block_labels = [f"{4 * b:02d}:00-{4 * b + 3:02d}:59" for b in range(HOUR_BLOCKS)]
    return [
        _Table("months", MONTHS, by_month.victims.reshape(12, 1), series=True),
        _Table("outcome", ["Killed", "Wounded", "Not recorded"], so_far(outcome, axis=0),
               protected=(0,)),
        _Table("areas", labels, so_far(area_counts, axis=0), codes=codes, area_ids=ids,
               kind=by_month.area_kind),
        _Table("age", list(AgeBand.labels), so_far(breakdown("age", list(AgeBand.values)), axis=0)),
        _Table("sex", list(Sex.labels), so_far(breakdown("sex", list(Sex.values)), axis=0)),
        _Table("race", list(Race.labels), so_far(breakdown("race", list(Race.values)), axis=0)),
        _Table("time", [*block_labels, "Not recorded"], so_far(blocks, axis=0)),
        _Table("weekday", WEEKDAYS,
               so_far(breakdown("weekday", [str(d) for d in range(1, 8)]), axis=0)),
    ]  # fmt: skip


def public_year_cached(year: int) -> PublicYear:
    """The year's public release, with last year's months beside it. Working a new release
    out takes a second or more (an attacker's calculation for each table and release), so
    the page is kept under a key made of the year's figures, its stored releases and the
    suppression rule's version; the nightly job works out the changed ones first
    (`public_years_refresh`)."""
    page = _cached(year)
    last = _cached(year - 1)
    months = last.table("months")
    page.last_year_months = months.cells if months else []
    return page


def latest_release(years: list[int]) -> tuple[int, PublicYear]:
    """The latest of the years (newest first) with something released, with its page; the
    newest year when none has."""
    for year in years:
        page = public_year_cached(year)
        if page.through:
            return year, page
    return years[0], public_year_cached(years[0])


def _cached(year: int) -> PublicYear:
    by_month = selectors.year_by_month(year, year_area_kind(year))
    stored = list(PublicRelease.objects.filter(year=year).values_list("pk", flat=True))
    page = cache.get(_key(year, by_month, stored))
    if page is None:
        page = public_year(year, by_month)
        cache.set(_key(year, by_month, page.release_ids), page, 60 * 60 * 24 * 31)
    return page


def _key(year: int, by_month: selectors.YearByMonth, releases: list[int]) -> str:
    figures = hashlib.sha256()
    for part in (by_month.victims, by_month.fatal, by_month.nonfatal, by_month.incidents,
                 by_month.by_area, by_month.breakdowns):  # fmt: skip
        figures.update(part.tobytes())
    figures.update(repr([(a.pk, a.code, a.name) for a in by_month.areas]).encode())
    figures.update(f"{by_month.complete_months}:{settings.OVP_SUPPRESSION_THRESHOLD}".encode())
    figures.update(f"{releases}:{RULES}".encode())
    return f"public-year:{year}:{figures.hexdigest()[:32]}"


def public_years_refresh() -> int:
    """Work out each year's public release that its figures' change left out of date (the
    nightly job, after the aggregation); returns how many years there are."""
    years = selectors.data_range().years
    for year in years:
        _cached(year)
    # the public pages kept whole are rendered again from these (ovp/core/public.py)
    public_pages_changed()
    return len(years)
