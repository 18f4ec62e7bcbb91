"""Reading the dates and hours an export writes, exactly as Python's ``datetime.strptime`` reads
them with the mapping's format.

A value holds a date in the mapping's format, perhaps followed by a time ("1/1/2004 5:00:00 AM",
"2021-08-01 00:00:00+00"). The date is what the format reads; what follows it is ignored when
it is a time (with seconds, fractions, AM/PM and a zone, in any of the forms cities write), or
anything at all when the mapping says so (``"date_rest": "ignore"``); otherwise the value is
not a date. Nothing is cut to a width: "September 30, 2019" reads with ``%B %d, %Y`` though
"December 31, 2000" is shorter.

Days are read once per distinct written form, so a file costs as much as its distinct dates:
a trailing time is removed first (in Arrow, for every row at once), which leaves a few thousand
forms however many rows a file has.
"""

import re
from collections.abc import Callable, Iterable
from datetime import date, datetime

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

# the directives of a time of day: a format with none of them reads dates only
TIME_DIRECTIVES = ("%H", "%I", "%M", "%S", "%p", "%f", "%z", "%Z", "%X", "%c", "%T", "%R")
# what may follow a date: a time of day with optional seconds, fraction, AM/PM and zone
_ZONE = r"(?:\s*(?:Z|UTC|GMT|[A-Z]{3}|[+-]\d{2}(?::?\d{2})?))?"
# a time of day as cities write it: hours and minutes, seconds and a fraction, AM/PM
CLOCK = r"\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:\s*[AaPp]\.?[Mm]\.?)?"
_TIME = CLOCK + _ZONE
TRAILING_TIME = r"(?:[ T]+|\s*,\s*)" + _TIME + r"\s*$"
# what may follow a time the format reads: a fraction of a second or a zone
_TIME_REST = re.compile(r"^(?:[.,]\d+)?" + _ZONE + r"\s*$")
_TRAILING_TIME = re.compile(TRAILING_TIME)
_UNCONVERTED = "unconverted data remains: "


def reads_time(fmt: str) -> bool:
    """Whether a format holds a time of day (then a value's time is part of what it reads)."""
    return any(directive in fmt for directive in TIME_DIRECTIVES)


def read_day(value: str, fmt: str, rest: str = "time") -> date | None:
    """The day ``value`` holds in format ``fmt``, as ``datetime.strptime`` reads it; what follows
    the date is ignored when it is a time (``rest="time"``) or always (``rest="ignore"``)."""
    read = _strptime_start(value, fmt, lambda extra: _rest_allowed(extra, fmt, rest))
    return read.date() if read else None


def _strptime_start(value: str, fmt: str, allowed: Callable[[str], bool]) -> datetime | None:
    """``datetime.strptime`` of the value, or of its start when what the format leaves over
    (strptime's "unconverted data remains") is `allowed`; None when neither reads."""
    try:
        return datetime.strptime(value, fmt)
    except ValueError as error:
        message = str(error)
        if not message.startswith(_UNCONVERTED):
            return None
        extra = message[len(_UNCONVERTED) :]
    if not extra or not allowed(extra):
        return None
    try:
        return datetime.strptime(value[: -len(extra)], fmt)
    except ValueError:
        return None


def _rest_allowed(extra: str, fmt: str, rest: str) -> bool:
    if rest == "ignore":
        return True
    if reads_time(fmt):
        return bool(_TIME_REST.match(extra))
    return bool(_TRAILING_TIME.fullmatch(extra))


def read_days(forms: Iterable[str], fmt: str, rest: str = "time") -> list[date | None]:
    """``read_day`` of each form."""
    return [read_day(form, fmt, rest) for form in forms]


def date_forms(values: pa.Array, fmt: str) -> pa.Array:
    """Each value without a trailing time, when the format reads a date only: the forms to read
    (a few thousand per file, where values with times may all differ)."""
    if reads_time(fmt):
        return values
    return pc.replace_substring_regex(values, pattern=TRAILING_TIME, replacement="")


# ------------------------------------------------------------------------------ hours

_CLOCK = (
    r"(?:^|[^0-9:])(?P<hour>[0-9]{1,2}):(?P<minute>[0-9]{2})(?::[0-9]{2}(?:[.,][0-9]+)?)?"
    r"(?:\s*(?P<half>[AaPp])\.?[Mm]\.?)?"
)


def hours(values: pa.Array, fmt: str) -> np.ndarray:
    """The hour of each value as a float (NaN where there is none or it cannot be read).

    A time is the first "H:MM" in the value (after a date, if the column holds both), with
    its AM/PM when written; a time written without a colon ("2130", "0705")
    is read when the format is ``%H%M``; any other format is read by ``strptime``."""
    if "%H:" in fmt or "%I:" in fmt:
        return _clock_hours(values)
    if "%H%M" in fmt:
        digits = pc.extract_regex(values, r"^\s*(?P<hhmm>[0-9]{3,4})\s*$")
        number = pc.cast(
            pc.if_else(
                pc.is_valid(digits), pc.struct_field(digits, [0]), pa.scalar(None, pa.string())
            ),
            pa.int32(),
        ).to_numpy(zero_copy_only=False)
        number = np.asarray(number, dtype=float)
        hour, minute = np.floor_divide(number, 100), np.mod(number, 100)
        return np.where((hour <= 23) & (minute <= 59), hour, np.nan)
    return np.array([_strptime_hour(value, fmt) for value in values.to_pylist()], dtype=float)


def _clock_hours(values: pa.Array) -> np.ndarray:
    """The hour of the first "H:MM" in each value; an AM/PM after it is read whatever the
    format says (a "4:15 PM" is 16 o'clock), and then the hour must be 1 to 12."""
    found = pc.extract_regex(values, _CLOCK)
    valid = pc.is_valid(found)
    hour = pc.cast(
        pc.if_else(valid, pc.struct_field(found, [0]), pa.scalar(None, pa.string())), pa.int16()
    )
    result = np.asarray(hour.to_numpy(zero_copy_only=False), dtype=float)
    half = pc.utf8_upper(
        pc.if_else(valid, pc.struct_field(found, [2]), pa.scalar(None, pa.string()))
    )
    pm = np.asarray(pc.fill_null(pc.equal(half, "P"), False).to_numpy(zero_copy_only=False))
    am = np.asarray(pc.fill_null(pc.equal(half, "A"), False).to_numpy(zero_copy_only=False))
    twelve = pm | am
    result = np.where(
        twelve,
        np.where((result < 1) | (result > 12), np.nan, np.mod(result, 12) + np.where(pm, 12, 0)),
        result,
    )
    return np.where(result > 23, np.nan, result)


def _strptime_hour(value: str | None, fmt: str) -> float:
    read = _strptime_start(value, fmt, lambda extra: True) if value is not None else None
    return float(read.hour) if read else float("nan")
