"""Dates and hours read as Python's datetime.strptime reads them, whatever the format's width."""

from datetime import date, datetime, timedelta

import numpy as np
import pyarrow as pa
import pytest

from ovp.incidents.importing.dates import hours
from ovp.incidents.importing.normalizing import MISSING, Days, coded
from ovp.incidents.mapping import mapping_from_json

# every date directive a mapping may use, alone and in the forms cities write
FORMATS = [
    "%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y", "%d/%m/%Y", "%Y/%m/%d", "%d.%m.%Y", "%Y%m%d",
    "%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d-%b-%y", "%A, %B %d, %Y", "%a %b %d %Y",
    "%j/%Y", "%U %w %Y", "%W %a %Y", "%G-W%V-%u",
]  # fmt: skip
DAYS = [date(2019, 1, 1) + timedelta(days=n) for n in range(3 * 366)]
# what follows a date in real exports: nothing, or a time in any of the forms cities write
TIMES = ["", " 5:00:00 AM", " 17:45", "T13:00:00Z", " 00:00:00+00", " 12:05:00.000 PM"]


def _read(values: list[str], fmt: str, rest: str = "time") -> list[date | None]:
    days = Days(fmt, rest)
    codes = days.codes(coded(pa.table({"d": values}), "d", {""}))
    return [None if code == MISSING else days.days[code] for code in codes]


def _written(day: date, fmt: str) -> str:
    written = day.strftime(fmt)
    # a non-padded form ("1/1/2004"): strptime reads it, so must the importer
    unpadded = fmt in ("%m/%d/%Y", "%m/%d/%y", "%d/%m/%Y", "%B %d, %Y", "%d %B %Y")
    if unpadded and day.day % 2:
        return " ".join(part.replace("/0", "/").lstrip("0") for part in written.split(" "))
    return written


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_importer_reads_every_day_as_strptime_does(fmt):
    written = [_written(day, fmt) for day in DAYS]
    values = [text + TIMES[n % len(TIMES)] for n, text in enumerate(written)]
    # what strptime reads of the date itself (the time after it is not the date's)
    assert _read(values, fmt) == [datetime.strptime(text, fmt).date() for text in written]
    # and every value of the form the format writes is read, to the day it names
    assert _read([day.strftime(fmt) for day in DAYS], fmt) == [
        datetime.strptime(day.strftime(fmt), fmt).date() for day in DAYS
    ]


def test_september_with_month_names_is_read_not_cut():
    """Wider than "December 31, 2000": the old width cut lost every September date."""
    assert _read(["September 30, 2019", "May 1, 2020"], "%B %d, %Y") == [
        date(2019, 9, 30),
        date(2020, 5, 1),
    ]


def test_a_non_padded_date_with_a_time_after_it_is_read():
    assert _read(["1/1/2004 5:00:00 AM", "12/31/2004 11:59:00 PM"], "%m/%d/%Y") == [
        date(2004, 1, 1),
        date(2004, 12, 31),
    ]


def test_text_after_the_date_is_refused_unless_the_mapping_ignores_it():
    values = ["2021-08-01 (approx.)", "2021-08-02"]
    assert _read(values, "%Y-%m-%d") == [None, date(2021, 8, 2)]
    assert _read(values, "%Y-%m-%d", rest="ignore") == [date(2021, 8, 1), date(2021, 8, 2)]
    mapping = {"incident_key": "k", "date": "d", "date_format": "%Y-%m-%d", "fatal": "f"}
    assert mapping_from_json({**mapping, "date_rest": "ignore"}).date_rest == "ignore"
    with pytest.raises(Exception, match="date_rest"):
        mapping_from_json({**mapping, "date_rest": "sometimes"})


def test_hours_as_written_with_am_and_pm():
    values = pa.array(
        ["5:00:00 AM", "12:30 PM", "12:05 AM", "17:45:00", "1/1/2004 4:15 PM", "2130", "", None]
    )
    read = hours(values, "%H:%M:%S")
    assert np.array_equal(read[:5], [5, 12, 0, 17, 16])
    assert np.isnan(read[5:]).all()
    assert np.array_equal(hours(pa.array(["2130", "705", "2460"]), "%H%M")[:2], [21, 7])
