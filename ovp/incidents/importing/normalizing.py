"""A block of an export's rows as victims with the portal's own values.

Each field has its parser: it takes the field's column (as codes into the column's distinct
values, `Coded`: each distinct value is converted once and the rows take the result by index)
and the mapping, and reports the rows it cannot read to the block's `Rejections`. A row keeps
the first reason found, so `normalize` runs the parsers in a fixed order: incident key, date,
fatal flag (or the killed and injured counts), area code, victim key. The rows left become
victims: a row-per-incident export's row becomes one victim per person in it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ovp.areas.models import normalize_area_code
from ovp.core.keys import KeyIndex
from ovp.incidents.importing import dates
from ovp.incidents.importing.rejections import FILTERED_OUT, NO_VICTIMS, Rejections
from ovp.incidents.mapping import AGE_BANDS, Mapping

FIRST_LINE = 2  # line 1 is the header
MISSING = -1
# a victim-per-row export's fatal flag, read
KILLED, WOUNDED, NOT_RECORDED, NOT_A_FLAG = 1, 0, -1, -2
# more people than this in one row cannot be true (the worst mass shooting in the US: 60
# killed, over 400 injured); an incident of LARGE_INCIDENT or more is listed in the summary
MAX_PEOPLE_PER_ROW = 5000
LARGE_INCIDENT = 20
MAX_KEY = 100  # the columns' widths in the victims table
MAX_CODE = 64


# ------------------------------------------------------------------------------ the columns


@dataclass
class Coded:
    """A column as codes into its distinct (cleaned) values; MISSING where not recorded."""

    codes: np.ndarray
    uniques: pa.Array  # of str

    def convert(self, function: Callable[[pd.Series], pd.Series], fill: Any = None) -> np.ndarray:
        """`function` applied to each distinct value once, then spread over the rows."""
        # MISSING (-1) takes the fill
        return np.append(self.convert_distinct(function), fill)[self.codes]

    def categorize(
        self, function: Callable[[pd.Series], pd.Series], fill: Any = None
    ) -> pd.Categorical:
        """Like `convert`, for text with few distinct values: the rows as a Categorical of
        the converted values (codes, not a Python object per row)."""
        converted = np.append(self.convert_distinct(function), fill)
        codes, categories = pd.factorize(pd.Series(converted, dtype=object))
        return pd.Categorical.from_codes(codes[self.codes], categories=categories.astype(str))

    def convert_distinct(self, function: Callable[[pd.Series], pd.Series]) -> np.ndarray:
        return function(pd.Series(self.uniques.to_pylist(), dtype=object)).to_numpy(dtype=object)

    @property
    def missing(self) -> np.ndarray:
        return self.codes == MISSING

    def keys(self) -> pa.Array:
        """The values as keys: text, without the ".0" some exports add to numbers."""
        cleaned = pc.if_else(
            pc.ends_with(self.uniques, ".0"),
            pc.utf8_slice_codeunits(self.uniques, 0, -2),
            self.uniques,
        )
        return pc.take(cleaned, pa.array(self.codes, mask=self.codes == MISSING))


def coded(table: pa.Table, column: str | None, missing: set[str]) -> Coded:
    """A column of the block, its values trimmed; those in `missing` (and every value of a
    column the mapping does not name) MISSING."""
    rows = table.num_rows
    if not column:
        return Coded(
            codes=np.full(rows, MISSING, dtype=np.int64), uniques=pa.array([], pa.string())
        )
    array = table.column(column).combine_chunks()
    if pa.types.is_dictionary(array.type):
        dictionary = pc.utf8_trim_whitespace(array.dictionary)
        codes = array.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    else:  # a column read as it is (see read_export_batches): each row its own value
        dictionary = pc.utf8_trim_whitespace(array)
        codes = np.arange(len(array), dtype=np.int64)
    absent = np.append(
        pc.is_in(dictionary, pa.array(sorted(missing), pa.string())).to_numpy(zero_copy_only=False),
        True,
    )
    codes[absent[codes]] = MISSING
    return Coded(codes=codes, uniques=dictionary)


def _per_row(codes: np.ndarray, by_value: list[bool]) -> np.ndarray:
    """A flag of each distinct value spread over the rows (False where MISSING)."""
    return np.append(np.asarray(by_value, dtype=bool), False)[codes]


def _too_long(keys: pa.Array, limit: int) -> np.ndarray:
    lengths = pc.utf8_length(keys).to_numpy(zero_copy_only=False)
    return np.nan_to_num(lengths.astype(float), nan=0) > limit


# -------------------------------------------------------------------------------- the dates


class Days:
    """The days of a file's date column, read as `datetime.strptime` reads them (dates.py). A
    trailing time is taken off each written value first (`dates.date_forms`), so a file holds
    a few thousand forms however many times it writes, and each form that reads as a day is
    read once for the whole file; a block costs as much as its own distinct forms."""

    def __init__(self, fmt: str, rest: str = "time") -> None:
        self.fmt = fmt
        self.rest = rest
        self.days: list[date] = []  # distinct, in the order first read
        self._day_of_form: dict[str, int] = {}  # a form read as a day, and its day's position
        self._number: dict[date, int] = {}

    def __len__(self) -> int:
        """How many written forms are remembered (those that read as a day)."""
        return len(self._day_of_form)

    def codes(self, column: Coded) -> np.ndarray:
        """Each row's day as its position in `days`; MISSING where missing or unreadable."""
        forms = pc.dictionary_encode(dates.date_forms(column.uniques, self.fmt))
        distinct = forms.dictionary.to_pylist()
        unread = [form for form in distinct if form not in self._day_of_form]
        if unread:
            for form, day in zip(unread, dates.read_days(unread, self.fmt, self.rest), strict=True):
                if day is not None:  # an unreadable form is not kept: it is rejected anyway
                    self._day_of_form[form] = self._numbered(day)
        by_form = np.array([self._day_of_form.get(form, MISSING) for form in distinct], np.int64)
        by_value = by_form[forms.indices.to_numpy(zero_copy_only=False).astype(np.int64)]
        return np.append(by_value, MISSING)[column.codes]

    def _numbered(self, day: date) -> int:
        if day not in self._number:
            self._number[day] = len(self.days)
            self.days.append(day)
        return self._number[day]


# ---------------------------------------------------------------- the parsers, field by field


def kept(column: Coded, values: list[str], rejections: Rejections) -> None:
    """Leave out the rows whose value in the column is not one the mapping keeps (a file of
    homicides by any weapon, or of victims beside suspects), compared without regard to case:
    filtered out, not rejected."""
    wanted = {value.strip().casefold() for value in values}
    by_value = [str(value).casefold() in wanted for value in column.uniques.to_pylist()]
    keep = np.append(np.asarray(by_value, dtype=bool), "" in wanted)[column.codes]
    rejections.leave_out(~keep, FILTERED_OUT)


def incident_keys(column: Coded, mapping: Mapping, rejections: Rejections) -> pa.Array:
    keys = column.keys()
    rejections.reject(column.missing, f"no incident key in {mapping.incident_key}")
    rejections.reject(
        _too_long(keys, MAX_KEY - 5), f"incident key is longer than {MAX_KEY - 5} characters"
    )
    return keys


def occurred_on(
    column: Coded, mapping: Mapping, days: Days, rejections: Rejections, *, today: date
) -> np.ndarray:
    """Each row's day as its position in `days.days` (each distinct day checked once)."""
    codes = days.codes(column)
    rejections.reject(column.missing, f"no date in {mapping.date}")
    rejections.reject((codes == MISSING) & ~column.missing, f"date is not {mapping.date_format}")
    rejections.reject(_per_row(codes, [day > today for day in days.days]), "date is in the future")
    rejections.reject(
        _per_row(codes, [day < date(1900, 1, 1) for day in days.days]), "date is before 1900"
    )
    return codes


def hours(column: Coded, fmt: str) -> np.ndarray:
    """Each row's hour of the day; MISSING where there is none or it cannot be read (each
    distinct value read once, by `dates.hours`)."""
    by_value = dates.hours(column.uniques, fmt)
    by_value = np.where(np.isnan(by_value), MISSING, np.nan_to_num(by_value))
    return np.append(by_value.astype(np.int64), MISSING)[column.codes]


def fatal_flags(column: Coded, mapping: Mapping, rejections: Rejections) -> np.ndarray:
    """A victim-per-row export's flags: KILLED, WOUNDED or NOT_RECORDED per row."""
    allowed = {**{v: True for v in mapping.fatal_true}, **{v: False for v in mapping.fatal_false}}
    # each distinct flag read once, as KILLED, WOUNDED, NOT_RECORDED or NOT_A_FLAG
    meaning: dict[bool | None, int] = {True: KILLED, False: WOUNDED}
    distinct = column.convert_distinct(lambda values: values)
    by_flag = [meaning.get(allowed.get(flag), NOT_A_FLAG) for flag in distinct]
    flags = np.append(np.asarray(by_flag, dtype=np.int8), NOT_RECORDED)[column.codes]
    rejections.reject(flags == NOT_A_FLAG, f"fatal flag is not one of {', '.join(allowed)}")
    return flags


def victim_counts(
    killed: Coded, injured: Coded, rejections: Rejections
) -> tuple[np.ndarray, np.ndarray]:
    """A row-per-incident export's people per row, and how many of them were killed."""
    numbers = [
        pd.to_numeric(
            pd.Series(column.convert(lambda v: pd.to_numeric(v, errors="coerce"))),
            errors="coerce",
        ).to_numpy()
        for column in (killed, injured)
    ]
    killed_numbers, injured_numbers = numbers
    bad = np.isnan(killed_numbers) | np.isnan(injured_numbers)
    with np.errstate(invalid="ignore"):
        for count in numbers:
            bad |= (count < 0) | (count % 1 != 0)
    rejections.reject(bad, "killed and injured must be whole numbers, 0 or more")
    with np.errstate(invalid="ignore"):
        too_many = np.nan_to_num(killed_numbers) + np.nan_to_num(injured_numbers)
    rejections.reject(
        too_many > MAX_PEOPLE_PER_ROW, f"more than {MAX_PEOPLE_PER_ROW:,} people in one row"
    )
    usable = ~bad & (too_many <= MAX_PEOPLE_PER_ROW)
    killed_counts = np.where(usable, np.nan_to_num(killed_numbers), 0).astype(np.int64)
    people = killed_counts + np.where(usable, np.nan_to_num(injured_numbers), 0).astype(np.int64)
    # a row of an incident in which no one was hurt is not an error: it is left out, counted
    rejections.leave_out(people == 0, NO_VICTIMS)
    return people, killed_counts


def coordinates(column: Coded) -> np.ndarray:
    """Latitudes or longitudes; NaN where missing or not a number."""
    try:
        # every distinct value a number (or empty): Arrow converts them all at once
        text = pc.if_else(pc.equal(pc.utf8_length(column.uniques), 0), None, column.uniques)
        numbers = pc.cast(text, pa.float64()).to_numpy(zero_copy_only=False)
        return np.append(numbers, np.nan)[column.codes]
    except pa.ArrowInvalid:  # some are not numbers: those become empty, one by one
        values = column.convert(lambda v: pd.to_numeric(v, errors="coerce"), fill=np.nan)
        return values.astype(np.float64)


def area_codes(column: Coded, rejections: Rejections) -> pd.Categorical:
    codes = column.categorize(lambda v: v.map(normalize_area_code))
    too_long = column.convert(lambda v: v.str.len() > MAX_CODE, fill=False)
    rejections.reject(too_long.astype(bool), f"area code is longer than {MAX_CODE} characters")
    return codes


def age_bands(column: Coded, mapping: Mapping) -> pd.Categorical:
    return column.categorize(lambda v: _age_bands(v, mapping.age_values), fill="unknown")


def _age_bands(values: pd.Series, age_values: dict[str, str] | str) -> pd.Series:
    """Ages in years cut into the portal's bands, or the export's own bands mapped."""
    if age_values == "years":
        years = pd.to_numeric(values, errors="coerce")
        bands = pd.cut(years, bins=[-1, 17, 24, 44, 64, 130], labels=AGE_BANDS)
        return bands.astype(object).where(bands.notna(), "unknown")
    assert isinstance(age_values, dict)
    return values.map(age_values).fillna("unknown")


def sexes(column: Coded, mapping: Mapping) -> pd.Categorical:
    return column.categorize(lambda v: v.map(mapping.sex_values).fillna("unknown"), fill="unknown")


def races(race: Coded, hispanic: Coded, mapping: Mapping) -> pd.Categorical:
    """The race column's values; "hispanic" where the export's Hispanic flag (if it has
    one) says so, whatever the race column says."""
    values = race.categorize(lambda v: v.map(mapping.race_values).fillna("unknown"), fill="unknown")
    if mapping.hispanic:
        flagged = hispanic.convert(lambda v: v.isin(mapping.hispanic_true), fill=False)
        if "hispanic" not in values.categories:
            values = values.add_categories(["hispanic"])
        values[flagged.astype(bool)] = "hispanic"
    return values


def victim_keys(
    column: Coded, mapping: Mapping, seen: set[str], rejections: Rejections
) -> pa.Array:
    """An export's own victim keys: each must be there, fit, and be new to the file (`seen`
    holds the earlier blocks')."""
    keys = column.keys()
    rejections.reject(column.missing, f"no victim key in {mapping.victim_key}")
    rejections.reject(_too_long(keys, MAX_KEY), f"victim key is longer than {MAX_KEY} characters")
    as_text = keys.to_pandas()
    earlier = np.fromiter((k in seen for k in as_text), dtype=bool, count=len(as_text))
    seen_before = (as_text.duplicated().to_numpy() | earlier) & ~column.missing
    rejections.reject(seen_before, f"{mapping.victim_key} appears twice")
    return keys


# ------------------------------------------------------------------------ a block as victims


@dataclass
class ImportState:
    """What one chunk of a file must know of the chunks before it."""

    # every incident key seen so far, once, and how many victims each has had so far (by
    # the incident's number in `incidents`)
    incidents: KeyIndex = field(default_factory=KeyIndex)
    incident_victims: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    victim_keys: set[str] = field(default_factory=set)
    # the file's days, each written form read once (made with the mapping's date format)
    days: Days | None = None
    first_line: int = FIRST_LINE  # of the chunk

    def lines(self, rows: int) -> np.ndarray:
        """The line numbers of the chunk's rows; the next chunk's go on after them."""
        lines = np.arange(self.first_line, self.first_line + rows)
        self.first_line += rows
        return lines


@dataclass
class Normalized:
    victims: pd.DataFrame  # one row per victim, columns as Victim's
    rejected: pd.DataFrame  # line, key, reason
    rows_read: int
    # rows left out that are not errors, by kind (rejections.FILTERED_OUT, NO_VICTIMS)
    set_aside: dict[str, int] = field(default_factory=dict)
    # a row-per-incident export's incidents of LARGE_INCIDENT people or more: line, key,
    # killed, injured (kept: listed in the summary so that staff can check them)
    large: pd.DataFrame = field(default_factory=pd.DataFrame)


@dataclass
class Fields:
    """A block's rows, each field read (a value per row, before rows become victims)."""

    incident_key: pa.Array
    day: np.ndarray  # the position of the row's day in the file's Days
    hour: np.ndarray
    fatal: np.ndarray | None  # a victim-per-row export's flags
    people: np.ndarray  # victims in the row
    killed: np.ndarray  # of whom killed (a row-per-incident export's)
    latitude: np.ndarray
    longitude: np.ndarray
    area_code: pd.Categorical
    age_band: pd.Categorical
    sex: pd.Categorical
    race: pd.Categorical
    victim_key: pa.Array | None


def normalize(
    table: pa.Table, mapping: Mapping, *, today: date, state: ImportState | None = None
) -> Normalized:
    """One chunk of an export (or the whole file) as victims; `state` carries what earlier
    chunks saw (victims numbered within their incident, victim keys) and is updated."""
    state = state if state is not None else ImportState()
    rejections = Rejections(table.num_rows)
    fields = read_fields(table, mapping, state, rejections, today=today)
    lines = state.lines(table.num_rows)
    rejected = rejections.table(lines, fields.incident_key)
    victims = _victims(fields, rejections.accepted, state)
    large = rejections.accepted & (fields.people >= LARGE_INCIDENT)
    return Normalized(
        victims=victims,
        rejected=rejected,
        rows_read=table.num_rows,
        set_aside=dict(rejections.set_aside),
        large=pd.DataFrame(
            {
                "line": lines[large],
                "key": pc.take(fields.incident_key, pa.array(np.flatnonzero(large))).to_pandas(),
                "killed": fields.killed[large],
                "injured": fields.people[large] - fields.killed[large],
            }
        ),
    )


def read_fields(
    table: pa.Table, mapping: Mapping, state: ImportState, rejections: Rejections, *, today: date
) -> Fields:
    """Every field of the block through its parser, in the order of their rejections."""
    missing = set(mapping.missing)
    column = {name: coded(table, name, missing) for name in [*mapping.columns(), None]}
    for name, values in mapping.keep.items():
        kept(column[name], values, rejections)
    incident_key = incident_keys(column[mapping.incident_key], mapping, rejections)
    state.days = state.days or Days(mapping.date_format, mapping.date_rest)
    day = occurred_on(column[mapping.date], mapping, state.days, rejections, today=today)
    fatal = None
    if mapping.shape == "victim":
        fatal = fatal_flags(column[mapping.fatal], mapping, rejections)
        people = np.ones(table.num_rows, dtype=np.int64)
        killed = np.zeros(table.num_rows, dtype=np.int64)
    else:
        people, killed = victim_counts(column[mapping.killed], column[mapping.injured], rejections)
    area_code = area_codes(column[mapping.area_code], rejections)
    victim_key = None
    if mapping.victim_key:
        victim_key = victim_keys(column[mapping.victim_key], mapping, state.victim_keys, rejections)
    return Fields(
        incident_key=incident_key,
        day=day,
        hour=hours(column[mapping.time], mapping.time_format),
        fatal=fatal,
        people=people,
        killed=killed,
        latitude=coordinates(column[mapping.latitude]),
        longitude=coordinates(column[mapping.longitude]),
        area_code=area_code,
        age_band=age_bands(column[mapping.age], mapping),
        sex=sexes(column[mapping.sex], mapping),
        race=races(column[mapping.race], column[mapping.hispanic], mapping),
        victim_key=victim_key,
    )


def _victims(fields: Fields, accepted: np.ndarray, state: ImportState) -> pd.DataFrame:
    """One row per victim: a row-per-incident export repeats each incident once per victim."""
    index = np.repeat(np.flatnonzero(accepted), fields.people[accepted])
    of_incident = pc.take(fields.incident_key, pa.array(index))
    ordinal = number_within_incidents(of_incident, state)
    if fields.victim_key is not None:
        accepted_keys = pc.take(fields.victim_key, pa.array(np.flatnonzero(accepted)))
        state.victim_keys.update(accepted_keys.to_pylist())
        record_key = pc.take(fields.victim_key, pa.array(index))
    else:
        record_key = pc.binary_join_element_wise(
            of_incident, pc.cast(pa.array(ordinal), pa.string()), "#"
        )
    hour = fields.hour[index]
    assert state.days is not None
    return pd.DataFrame(
        {
            "record_key": record_key.to_pandas(),
            "incident_key": of_incident.to_pandas(),
            "first_of_incident": ordinal == 1,
            "occurred_on": pd.Categorical.from_codes(
                fields.day[index], categories=pd.Index(state.days.days, dtype=object)
            ),
            "hour": pd.arrays.IntegerArray(hour.astype(np.int16), hour == MISSING),
            "fatal": _fatal(fields, index),
            "age_band": fields.age_band[index],
            "sex": fields.sex[index],
            "race": fields.race[index],
            "latitude": fields.latitude[index],
            "longitude": fields.longitude[index],
            "reported_area_code": fields.area_code[index],
        }
    )


def _fatal(fields: Fields, index: np.ndarray) -> pd.arrays.BooleanArray:
    """Each victim killed or not (empty where a victim-per-row export does not say); of a
    row-per-incident export's people, the first `killed` were."""
    if fields.fatal is not None:
        flags = fields.fatal[index]
        return pd.arrays.BooleanArray(flags == KILLED, flags == NOT_RECORDED)
    within = pd.Series(index).groupby(index).cumcount().to_numpy()
    was_killed = within < fields.killed[index]
    return pd.arrays.BooleanArray(was_killed, np.zeros(len(was_killed), dtype=bool))


def number_within_incidents(keys: pa.Array, state: ImportState) -> np.ndarray:
    """Each victim's number within its incident (1, 2, ...), going on from where earlier
    chunks left each incident; `state` learns this chunk's incidents."""
    encoded = pc.dictionary_encode(keys.cast(pa.string()))
    codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    uniques = encoded.dictionary
    within = pd.Series(codes).groupby(codes, sort=False).cumcount().to_numpy() + 1
    at, hashes = state.incidents.find(uniques)
    seen = at >= 0
    before = np.zeros(len(uniques), dtype=np.int64)
    before[seen] = state.incident_victims[at[seen]]
    in_chunk = np.bincount(codes, minlength=len(uniques))
    state.incident_victims[at[seen]] += in_chunk[seen]
    state.incidents.add(uniques.filter(pa.array(~seen)), hashes[~seen])
    state.incident_victims = np.concatenate([state.incident_victims, in_chunk[~seen]])
    return within + before[codes]
