import json
from datetime import date, timedelta
from io import StringIO

import numpy as np
import pandas as pd
import psycopg
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from ovp.areas.models import Area, AreaKind
from ovp.incidents import aggregation, selectors
from ovp.incidents.aggregation import BREAKDOWN_SLOTS, incidents_aggregate
from ovp.incidents.mapping import PRESETS
from ovp.incidents.models import (
    AggregationRun,
    Breakdown,
    DirtyDay,
    PeriodCount,
    Victim,
    kind_of_marker,
)
from ovp.incidents.services import incidents_import, source_for
from tests.builders import nypd_csv, nypd_row
from tests.factories import AreaFactory, square

pytestmark = pytest.mark.django_db


def random_rows(seed: int, count: int = 400) -> list[dict]:
    rng = np.random.default_rng(seed)
    start = date(2022, 12, 20)
    rows = []
    for number in range(count):
        day = start + timedelta(int(rng.integers(0, 500)))
        where = rng.choice(["p1", "p2", "none"], p=[0.6, 0.3, 0.1])
        lon = {"p1": "-74.995", "p2": "-74.985", "none": ""}[where]
        rows.append(
            nypd_row(
                str(1000 + number // 2 if number % 5 == 0 else 5000 + number), day.strftime("%m/%d/%Y"),
                fatal=rng.choice(["TRUE", "FALSE"]), lat="40.005" if lon else "", lon=lon,
                precinct="9" if where == "none" else "", age=rng.choice(["<18", "25-44"]),
                sex=rng.choice(["M", "F"]), time=f"{int(rng.integers(24)):02d}:00:00",
            )
        )  # fmt: skip
    return rows


def import_rows(rows, source):
    return incidents_import(
        location=nypd_csv(rows), mapping=PRESETS["nypd"], source=source, today=date(2025, 1, 1)
    )


def snapshot() -> tuple:
    counts = sorted(PeriodCount.objects.values_list("period", "period_start", "area_id", "area_kind", "victims",
                                                    "fatal", "nonfatal", "incidents"), key=str)  # fmt: skip
    parts = sorted(
        Breakdown.objects.values_list("month", "area_id", "counts"),
        key=str,
    )
    return counts, parts


def summed(by: str) -> dict[tuple, int]:
    """Victims of the stored parts summed by week ("W") or month ("M"): (start, area, kind)."""
    totals: dict[tuple, int] = {}
    for part in PeriodCount.objects.all():
        assert part.period == "P"
        day = part.period_start
        start = day - timedelta(days=day.weekday()) if by == "W" else day.replace(day=1)
        key = (start, part.area_id, part.area_kind)
        totals[key] = totals.get(key, 0) + part.victims
    return totals


def expected_weekly(rows: list[dict], precinct_id: dict[str, int]) -> dict:
    frame = pd.DataFrame(rows)
    frame["day"] = pd.to_datetime(frame["OCCUR_DATE"], format="%m/%d/%Y")
    frame["week"] = (frame["day"] - pd.to_timedelta(frame["day"].dt.day_of_week, unit="D")).dt.date
    frame["area"] = frame["Longitude"].map(
        {"-74.995": precinct_id["1"], "-74.985": precinct_id["2"]}
    )
    grouped = frame.dropna(subset=["area"]).groupby(["week", "area"]).size()
    return {(week, int(area)): int(n) for (week, area), n in grouped.items()}


def test_weekly_counts_per_area_match_a_count_of_the_rows(two_precincts, nypd_source):
    rows = random_rows(1)
    import_rows(rows, nypd_source)
    incidents_aggregate()
    ids = {a.code: a.pk for a in two_precincts}
    got = {(week, area): n for (week, area, _), n in summed("W").items() if area is not None}
    assert got == expected_weekly(rows, ids)


def test_every_kind_adds_up_to_the_city_total_with_its_not_placed_row(two_precincts, nypd_source):
    import_rows(random_rows(2), nypd_source)
    incidents_aggregate()
    for by in ("W", "M"):
        totals = summed(by)
        city = sum(n for (_, area, kind), n in totals.items() if area is None and kind == "")
        placed = sum(n for (_, area, _), n in totals.items() if area is not None)
        not_placed = sum(
            n for (_, area, kind), n in totals.items() if area is None and kind == "precinct"
        )
        assert city == 400
        assert placed + not_placed == city
        assert not_placed > 0
    city_counts = [
        sum(column)
        for column in zip(
            *Breakdown.objects.filter(area__isnull=True).values_list("counts", flat=True),
            strict=True,
        )
    ]
    for dimension in ("age", "sex", "race", "hour", "weekday"):
        slots = [i for i, slot in enumerate(BREAKDOWN_SLOTS) if slot[0] == dimension]
        assert sum(city_counts[i] for i in slots) == 400


def test_incremental_run_after_a_revised_export_equals_a_full_rebuild(two_precincts, nypd_source):
    rows = random_rows(3)
    import_rows(rows, nypd_source)
    incidents_aggregate()
    revised = rows[:350] + random_rows(4, 30)  # 50 removed, some changed keys, 30 new
    revised[10] = {
        **revised[10],
        "STATISTICAL_MURDER_FLAG": "TRUE"
        if revised[10]["STATISTICAL_MURDER_FLAG"] == "FALSE"
        else "FALSE",
    }
    import_rows(revised, nypd_source)
    result = incidents_aggregate()
    assert result.run.days > 0 and not result.run.full
    incremental = snapshot()
    incidents_aggregate(full=True)
    assert snapshot() == incremental
    assert not DirtyDay.objects.exists()


def test_running_twice_changes_nothing(two_precincts, nypd_source):
    import_rows(random_rows(5), nypd_source)
    incidents_aggregate()
    first = snapshot()
    second_run = incidents_aggregate()
    assert second_run.run.rows_written == 0
    assert snapshot() == first


def test_a_failed_run_leaves_the_last_good_aggregates_and_the_work_to_do(
    two_precincts, nypd_source, monkeypatch
):
    import_rows(random_rows(6), nypd_source)
    incidents_aggregate()
    good = snapshot()
    import_rows(random_rows(7), nypd_source)
    pending = set(DirtyDay.objects.values_list("day", flat=True))

    def broken(entries):  # fails after the period counts are rewritten
        assert snapshot()[0] != good[0]
        raise RuntimeError("the breakdowns failed")

    monkeypatch.setattr(aggregation, "_breakdowns", broken)
    with pytest.raises(RuntimeError, match="the breakdowns failed"):
        incidents_aggregate()
    assert snapshot() == good
    assert set(DirtyDay.objects.values_list("day", flat=True)) == pending
    failed = AggregationRun.objects.order_by("-id").first()
    assert not failed.succeeded and "the breakdowns failed" in failed.error


def test_aggregate_command_prints_json(two_precincts, nypd_source):
    import_rows(random_rows(8, 20), nypd_source)
    out = StringIO()
    call_command("aggregate_incidents", "--full", "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert report["full"] is True and report["rows_written"] > 0


def test_week_and_month_starts_use_the_city_calendar(two_precincts, nypd_source):
    # Sunday 2023-01-01 belongs to the week starting Monday 2022-12-26 and to January
    import_rows([nypd_row("1", "01/01/2023")], nypd_source)
    incidents_aggregate()
    city = PeriodCount.objects.filter(area__isnull=True, area_kind="")
    # the part of that week inside January; the week itself starts in December
    assert list(city.values_list("period", "period_start", "victims")) == [
        ("P", date(2023, 1, 1), 1)
    ]
    assert selectors.data_range().first_week == date(2022, 12, 26)
    sunday = [slot[:2] for slot in BREAKDOWN_SLOTS].index(("weekday", "7"))
    assert Breakdown.objects.get(area__isnull=True).counts[sunday] == 1
    with connection.cursor() as cursor:
        cursor.execute("SHOW TimeZone")
        assert cursor.fetchone()[0]  # dates are dates: the answer does not depend on it


def test_a_week_across_new_year_sums_its_parts_in_both_months(two_precincts, nypd_source):
    # Monday 2019-12-30 starts a week whose part from January 1 belongs to 2020
    import_rows([nypd_row("1", "12/31/2019"), nypd_row("2", "01/02/2020")], nypd_source)
    incidents_aggregate()
    parts = PeriodCount.objects.filter(area__isnull=True, area_kind="")
    assert sorted(parts.values_list("period_start", "victims")) == [
        (date(2019, 12, 30), 1),
        (date(2020, 1, 1), 1),
    ]
    data = selectors.data_range()
    assert (data.first_week, data.last_week) == (date(2019, 12, 30), date(2019, 12, 30))
    scope = selectors.Scope(year=2019, through_week=date(2019, 12, 30), area_kind="precinct")
    weeks, year_parts = selectors.weeks_and_parts(scope)
    assert weeks[["period_start", "victims", "week"]].values.tolist() == [
        [pd.Timestamp(2019, 12, 30), 2, 52]
    ]
    assert year_parts["period_start"].tolist() == [pd.Timestamp(2019, 12, 30)]


def expected_breakdowns() -> dict[tuple, list[int]]:
    """(month, area id or None) -> slot counts, counted victim by victim in Python."""
    expected: dict[tuple, list[int]] = {}
    for victim in Victim.objects.current():
        month = victim.occurred_on.replace(day=1)
        values = {
            "age": victim.age_band, "sex": victim.sex, "race": victim.race,
            "hour": "unknown" if victim.hour is None else str(victim.hour),
            "weekday": str(victim.occurred_on.isoweekday()),
        }  # fmt: skip
        areas = [None] + [area for area in victim.area_ids if area > 0]
        for area in areas:
            counts = expected.setdefault((month, area), [0] * len(BREAKDOWN_SLOTS))
            for dimension, value in values.items():
                counts[BREAKDOWN_SLOTS.index((dimension, value))] += 1
    return expected


def test_breakdowns_match_a_count_of_the_victims_one_by_one(two_precincts, nypd_source):
    rows = random_rows(9)
    for number, row in enumerate(rows):
        row["VIC_RACE"] = ["BLACK", "WHITE HISPANIC", "ASIAN / PACIFIC ISLANDER", "UNKNOWN"][
            number % 4
        ]
        if number % 7 == 0:
            row["OCCUR_TIME"] = ""
    import_rows(rows, nypd_source)
    incidents_aggregate(full=True)
    got = {(month, area): counts for month, area, counts in
           Breakdown.objects.values_list("month", "area_id", "counts")}  # fmt: skip
    expected = expected_breakdowns()
    assert got == expected
    # the rows used two ages, two sexes, four races, every hour and unknown, every weekday
    seen = [sum(column) for column in zip(*expected.values(), strict=True)]
    assert sum(1 for count in seen if count) == 2 + 2 + 4 + 24 + 1 + 7


def test_period_counts_match_a_count_of_the_victims_one_by_one(two_precincts, nypd_source):
    import_rows(random_rows(10), nypd_source)
    incidents_aggregate(full=True)
    expected: dict[tuple, list[int]] = {}
    for victim in Victim.objects.current():
        day = victim.occurred_on
        start = max(day - timedelta(days=day.weekday()), day.replace(day=1))
        keys = [(start, None, "")] + [
            (start, area, "") if area > 0 else (start, None, kind_of_marker(area))
            for area in victim.area_ids
        ]
        for key in keys:
            counts = expected.setdefault(key, [0, 0, 0, 0])
            counts[0] += 1
            counts[1] += victim.fatal is True
            counts[2] += victim.fatal is False
            counts[3] += victim.first_of_incident
    got = {(start, area, kind): [victims, fatal, nonfatal, incidents]
           for _, start, area, kind, victims, fatal, nonfatal, incidents in snapshot()[0]}  # fmt: skip
    assert got == expected
    assert any(kind for _, _, kind in got)  # the not-placed row is among them


def test_first_letters_that_clash_are_refused():
    with pytest.raises(ImproperlyConfigured, match="first letter"):
        aggregation._slots_by_first_letter("race", ["white", "white_hispanic"])


@pytest.mark.django_db(transaction=True)
def test_reading_the_victims_in_two_halves_gives_the_same_aggregates(monkeypatch):
    # a run in a transaction of its own reads a large table in halves on two more
    # connections; here every table is "large"
    for code, west in (("1", -75.0), ("2", -74.99)):
        AreaFactory(kind="precinct", code=code, min_lon=west, max_lon=west + 0.01,
                    boundary=square(west, 40.0))  # fmt: skip
    import_rows(random_rows(11, 2000), source_for(name="nypd-halves", preset="nypd"))
    incidents_aggregate(full=True)
    whole = snapshot()
    with connection.cursor() as cursor:
        # rows rolled back by earlier tests leave room at the start of the table: pack it,
        # so that each half holds victims
        cursor.execute("VACUUM FULL incidents_victim")
    monkeypatch.setattr(aggregation, "PARALLEL_PAGES", 0)
    halves = []
    real = aggregation._read_with_snapshot

    def spy(options, snapshot_id, where):
        row = real(options, snapshot_id, where)
        halves.append(row[0])
        return row

    monkeypatch.setattr(aggregation, "_read_with_snapshot", spy)
    incidents_aggregate(full=True)
    assert len(halves) == 2 and min(halves) > 500 and sum(halves) == 2000
    assert snapshot() == whole


def test_a_full_run_keeps_the_tables_keys_and_indexes_and_later_rows_get_new_ids(
    two_precincts, nypd_source
):
    def keys_and_indexes():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT tablename, indexname, indexdef FROM pg_indexes "
                "WHERE tablename IN ('incidents_periodcount', 'incidents_breakdown')"
            )
            return set(cursor.fetchall())

    before = keys_and_indexes()
    assert len(before) == 4  # a primary key and an index each
    import_rows(random_rows(12), nypd_source)
    incidents_aggregate(full=True)
    assert keys_and_indexes() == before
    ids = set(PeriodCount.objects.values_list("id", flat=True))
    import_rows([*random_rows(12), nypd_row("new-1", "06/01/2024")], nypd_source)
    incidents_aggregate()  # adds rows for June 2024 after the ones given ids above
    added = set(PeriodCount.objects.values_list("id", flat=True)) - ids
    assert added and min(added) > max(ids)


@pytest.mark.parametrize("areas", ["none loaded", "none holding a victim"])
def test_a_full_run_counts_the_city_when_no_victim_is_in_an_area(areas, nypd_source):
    if areas == "none holding a victim":
        AreaFactory(kind="precinct", code="1", min_lon=-75.0, max_lon=-74.99,
                    boundary=square(-75.0, 40.0))  # fmt: skip
    rows = [nypd_row(str(n), f"03/0{n + 1}/2024", lat="", lon="", precinct="77")
            for n in range(3)]  # fmt: skip
    import_rows(rows, nypd_source)
    incidents_aggregate(full=True)
    city = PeriodCount.objects.filter(area__isnull=True, area_kind="")
    assert sum(city.values_list("victims", flat=True)) == 3
    assert not PeriodCount.objects.filter(area__isnull=False).exists()
    not_placed = PeriodCount.objects.filter(area_kind="precinct")
    assert sum(not_placed.values_list("victims", flat=True)) == (3 if Area.objects.exists() else 0)
    assert Breakdown.objects.filter(area__isnull=True).count() == 1


def test_a_marker_of_no_kind_there_is_now_names_no_kind():
    assert kind_of_marker(-1) == AreaKind.values[0]
    assert kind_of_marker(-1 - len(AreaKind.values)) == ""


@pytest.mark.django_db(transaction=True)
def test_readers_that_cannot_get_the_table_give_way_to_one_read(monkeypatch):
    AreaFactory(kind="precinct", code="1", min_lon=-75.0, max_lon=-74.99,
                boundary=square(-75.0, 40.0))  # fmt: skip
    import_rows(random_rows(13, 300), source_for(name="nypd-locked", preset="nypd"))
    incidents_aggregate(full=True)
    whole = snapshot()

    def locked_out(options, snapshot_id, where):
        raise psycopg.errors.LockNotAvailable("canceling statement due to lock timeout")

    monkeypatch.setattr(aggregation, "PARALLEL_PAGES", 0)
    monkeypatch.setattr(aggregation, "_read_with_snapshot", locked_out)
    incidents_aggregate(full=True)
    assert snapshot() == whole
