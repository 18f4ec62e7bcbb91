"""What the public page publishes of a year, and when.

Residents see the city's people shot, month by month: at the end of each complete month,
the year so far (people shot, killed, incidents) in a few tables: each month; killed,
wounded and not recorded; the coarsest kind of area (the fewest areas, so the fewest small
counts); age band, sex, race/ethnicity, time of day in four-hour blocks and day of week.
Every table adds up to the people shot so far. The staff dashboard's weekly and finer
figures are not published: a week, an hour or a small area holds too few people to show.

Counts are hidden by `suppression`: those under the threshold, and whatever else it takes
so that, from everything released for the year (every month's release, every table and
total), no hidden count can be narrowed to fewer than `suppression.MIN_POSSIBLE` values. A
month whose release cannot be made so is held back (the page stays at the month before).
Releases are worked out again from the aggregates whenever they change, in the same way,
so a page shows the same figures every day of a month; a revised export that changes
earlier months changes them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.core.cache import cache

from ovp.incidents import selectors
from ovp.incidents.models import AgeBand, Race, Sex
from ovp.incidents.suppression import History, extend

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

    def table(self, slug: str) -> PublicTable | None:
        return next((t for t in self.tables if t.slug == slug), None)


@dataclass
class _Table:
    """A table's categories and, for each month, its counts so far (or that month's)."""

    slug: str
    title: str
    label: str
    labels: list[str]
    counts: Any  # (12, categories): the year so far at each month's end, or each month
    series: bool = False
    protected: tuple[int, ...] = ()
    codes: list[str] = field(default_factory=list)
    area_ids: list[int | None] = field(default_factory=list)


def public_year(year: int, by_month: selectors.YearByMonth | None = None) -> PublicYear:
    """The latest release of the year (see the module's docstring)."""
    threshold = settings.OVP_SUPPRESSION_THRESHOLD
    by_month = by_month or selectors.year_by_month(year, public_area_kind())
    tables = _tables(by_month)
    months, histories = release(tables, by_month.complete_months, threshold)
    return _page(year, months[-1] if months else 0, by_month, tables, histories, threshold)


def public_area_kind() -> str | None:
    """The kind with the fewest areas: the fewest small counts."""
    kinds = selectors.area_kinds()  # the finest first
    return kinds[-1] if kinds else None


def release(
    tables: list[_Table], complete_months: int, threshold: int
) -> tuple[list[int], list[History]]:
    """The months the year was released at (the end of each quarter the data covers, but
    those held back because they could not be made safe), and each table's releases."""
    histories = [History((), (), t.series) for t in tables]
    released: list[int] = []
    for month in [m for m in RELEASE_MONTHS if m <= complete_months]:
        total = sum(_counts(tables[0], month))
        if total < threshold:
            continue  # too few people shot so far to publish anything
        cells = [
            extend(history, _counts(table, month), threshold, protected=table.protected)
            for history, table in zip(histories, tables, strict=True)
        ]
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


def _page(
    year: int, released: int, by_month: selectors.YearByMonth, tables: list[_Table],
    histories: list[History], threshold: int,
) -> PublicYear:  # fmt: skip
    if not released:
        return PublicYear(year, None, None, None, None, [])
    incidents = int(by_month.incidents[:released].sum())
    public_tables = [
        PublicTable(t.slug, t.title, t.label, t.labels[: len(h.cells[-1])], list(h.cells[-1]),
                    t.codes, t.area_ids)
        for t, h in zip(tables, histories, strict=True)
    ]  # fmt: skip
    outcome = next(t for t in public_tables if t.slug == "outcome")
    return PublicYear(
        year=year,
        through=selectors.month_end(year, released),
        people_shot=histories[0].totals[-1],
        killed=outcome.cells[0],
        incidents=None if 0 < incidents < threshold else incidents,
        tables=public_tables,
    )


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
        labels, codes, ids = [*labels, "Outside every area"], [*codes, ""], [*ids, None]
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
        _Table("months", "People shot each month", "Month", MONTHS,
               by_month.victims.reshape(12, 1), series=True),
        _Table("outcome", "Killed and wounded", "Outcome",
               ["Killed", "Wounded", "Not recorded"], so_far(outcome, axis=0), protected=(0,)),
        _Table("areas", "People shot by area", "Area", labels, so_far(area_counts, axis=0),
               codes=codes, area_ids=ids),
        _Table("age", "Age band", "Age band", list(AgeBand.labels),
               so_far(breakdown("age", list(AgeBand.values)), axis=0)),
        _Table("sex", "Sex", "Sex", list(Sex.labels),
               so_far(breakdown("sex", list(Sex.values)), axis=0)),
        _Table("race", "Race/ethnicity", "Race/ethnicity", list(Race.labels),
               so_far(breakdown("race", list(Race.values)), axis=0)),
        _Table("time", "Time of day", "Time of day", [*block_labels, "Not recorded"],
               so_far(blocks, axis=0)),
        _Table("weekday", "Day of week", "Day of week", WEEKDAYS,
               so_far(breakdown("weekday", [str(d) for d in range(1, 8)]), axis=0)),
    ]  # fmt: skip


def public_year_cached(year: int) -> PublicYear:
    """The year's public release, with last year's months beside it. Working a year out
    takes a second or more (an attacker's calculation for each table and release), so it
    is kept under a key made of the year's own figures: a past year is worked out again
    only when its figures change, and the nightly job works out the changed ones first
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
    by_month = selectors.year_by_month(year, public_area_kind())
    key = _key(year, by_month)
    page = cache.get(key)
    if page is None:
        page = public_year(year, by_month)
        cache.set(key, page, 60 * 60 * 24 * 31)
    return page


def _key(year: int, by_month: selectors.YearByMonth) -> str:
    figures = hashlib.sha256()
    for part in (by_month.victims, by_month.fatal, by_month.nonfatal, by_month.incidents,
                 by_month.by_area, by_month.breakdowns):  # fmt: skip
        figures.update(part.tobytes())
    figures.update(repr([(a.pk, a.code, a.name) for a in by_month.areas]).encode())
    figures.update(f"{by_month.complete_months}:{settings.OVP_SUPPRESSION_THRESHOLD}".encode())
    return f"public-year:{year}:{figures.hexdigest()[:32]}"


def public_years_refresh() -> int:
    """Work out each year's public release that its figures' change left out of date (the
    nightly job, after the aggregation); returns how many years there are."""
    years = selectors.data_range().years
    for year in years:
        _cached(year)
    return len(years)
