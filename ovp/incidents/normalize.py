"""Turn an export's rows into victims with the portal's own values.

The file is read by Arrow's multithreaded CSV reader with every column dictionary-encoded:
exports repeat the same dates, codes and flags thousands of times, so each distinct value is
converted once and the rows take the result by index. Rows that cannot be read are rejected
with their line number and reason; the rest go on.
"""

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from django.core.exceptions import ValidationError

from ovp.areas.models import normalize_area_code
from ovp.core.exports import spreadsheet_safe
from ovp.core.keys import KeyIndex
from ovp.incidents.mapping import AGE_BANDS, Mapping

FIRST_LINE = 2  # line 1 is the header
MISSING = -1
# a victim-per-row export's fatal flag, read
KILLED, WOUNDED, NOT_RECORDED, NOT_A_FLAG = 1, 0, -1, -2
MAX_VICTIMS_PER_ROW = 100
# bytes of the file checked and saved at a time: Arrow reads a quarter at a time, the first
# quarter is checked and saved alone (Postgres starts storing rows sooner) and the rest in
# fours (fewer, larger blocks cost less to check); blocks under a megabyte are read whole
BLOCK_SIZE = 16 << 20
READS_PER_BLOCK = 4
MAX_KEY = 100  # the columns' widths in the victims table
MAX_CODE = 64


class UnreadableFile(ValidationError):
    """The file is not a CSV export the mapping can read; the message quotes the file."""


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


@dataclass
class ImportState:
    """What one chunk of a file must know of the chunks before it."""

    # every incident key seen so far, once, and how many victims each has had so far (by
    # the incident's number in `incidents`)
    incidents: KeyIndex = field(default_factory=KeyIndex)
    incident_victims: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    victim_keys: set[str] = field(default_factory=set)
    # the file's days, each written form read once (made with the mapping's date format)
    days: "Days | None" = None
    first_line: int = 2  # of the chunk; line 1 is the header


@dataclass
class Normalized:
    victims: pd.DataFrame  # one row per victim, columns as Victim's
    rejected: pd.DataFrame  # line, key, reason
    rows_read: int


def read_export_batches(
    source: str | IO[bytes], mapping: Mapping, *, block_size: int | None = None
) -> Iterator[pa.Table]:
    """The file in blocks of rows (each a table like `read_export`'s), so that checking and
    saving one block can overlap with reading the next."""
    check_columns(source, mapping)
    if hasattr(source, "seek"):
        source.seek(0)
    text = pa.dictionary(pa.int32(), pa.string())
    # keys and coordinates differ in nearly every row: encoding them would cost, not save
    plain = {mapping.incident_key, mapping.victim_key, mapping.latitude, mapping.longitude}
    size = block_size or BLOCK_SIZE
    reads = READS_PER_BLOCK if size >= 1 << 20 else 1
    try:
        reader = pacsv.open_csv(
            source,
            # one thread: as fast here, sooner with the first block, and the other core is
            # Postgres's, storing the blocks
            read_options=pacsv.ReadOptions(block_size=size // reads, use_threads=False),
            convert_options=pacsv.ConvertOptions(
                include_columns=mapping.columns(),
                column_types={
                    name: pa.string() if name in plain else text for name in mapping.columns()
                },
                strings_can_be_null=False,
            ),
        )
        group: list[pa.RecordBatch] = []
        for number, batch in enumerate(reader):
            group.append(batch)
            if number == 0 or len(group) == reads:
                yield pa.Table.from_batches(group).unify_dictionaries()
                group = []
        if group:
            yield pa.Table.from_batches(group).unify_dictionaries()
    except (pa.ArrowInvalid, OSError, UnicodeDecodeError) as error:
        raise UnreadableFile(f"The file cannot be read as CSV: {error}") from error


def check_columns(source: str | IO[bytes], mapping: Mapping) -> None:
    """A ValidationError naming the columns the mapping needs and the file lacks."""
    if hasattr(source, "seek"):
        source.seek(0)
    try:
        header = pacsv.open_csv(source, read_options=pacsv.ReadOptions(block_size=1 << 16))
        columns = header.schema.names
        header.close()
    except (pa.ArrowInvalid, OSError, UnicodeDecodeError) as error:
        raise UnreadableFile(f"The file cannot be read as CSV: {error}") from error
    missing = [name for name in mapping.columns() if name not in columns]
    if missing:
        raise UnreadableFile(
            f"The file has no column {', '.join(repr(m) for m in missing)}. "
            f"Its columns are: {', '.join(columns)}."
        )


def read_export(source: str | IO[bytes], mapping: Mapping) -> pa.Table:
    """Read the columns the mapping needs, every value as text, nothing guessed."""
    batches = list(read_export_batches(source, mapping))
    if not batches:
        return pa.table(
            {
                name: pa.array([], pa.dictionary(pa.int32(), pa.string()))
                for name in mapping.columns()
            }
        )
    return pa.concat_tables(batches).unify_dictionaries()


def _coded(table: pa.Table, column: str | None, missing: set[str]) -> Coded:
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


def _width(fmt: str) -> int:
    return len(datetime(2000, 12, 31, 23, 59, 59).strftime(fmt))


def _dates(values: pd.Series, fmt: str) -> pd.Series:
    # exports add a time or zone after the date ("2021-08-01 00:00:00+00"): read the date part
    parsed = pd.to_datetime(values.str.slice(0, _width(fmt)), format=fmt, errors="coerce")
    return pd.Series(parsed.dt.date.to_numpy(dtype=object), dtype=object).where(
        parsed.notna(), None
    )


class Days:
    """The days of a file's date column. Each written form is cut to the date format's width
    first (exports may add a time: "2021-08-01 00:00:00+00"), so a file holds a few thousand
    forms however many times it writes, and each form that reads as a day is read once for
    the whole file; a block costs as much as its own distinct forms, not the file's."""

    def __init__(self, fmt: str) -> None:
        self.fmt = fmt
        self.width = _width(fmt)
        self.days: list[date] = []  # distinct, in the order first read
        self._day_of_form: dict[str, int] = {}  # a form read as a day, and its day's position
        self._number: dict[date, int] = {}

    def __len__(self) -> int:
        """How many written forms are remembered (those that read as a day)."""
        return len(self._day_of_form)

    def codes(self, coded: Coded) -> np.ndarray:
        """Each row's day as its position in `days`; MISSING where missing or unreadable."""
        forms = pc.dictionary_encode(pc.utf8_slice_codeunits(coded.uniques, 0, self.width))
        distinct = forms.dictionary.to_pylist()
        unread = [form for form in distinct if form not in self._day_of_form]
        if unread:
            for form, day in zip(
                unread, _dates(pd.Series(unread, dtype=object), self.fmt), strict=True
            ):
                if day is not None:  # an unreadable form is not kept: it is rejected anyway
                    self._day_of_form[form] = self._numbered(day)
        by_form = np.array([self._day_of_form.get(form, MISSING) for form in distinct], np.int64)
        by_value = by_form[forms.indices.to_numpy(zero_copy_only=False).astype(np.int64)]
        return np.append(by_value, MISSING)[coded.codes]

    def _numbered(self, day: date) -> int:
        if day not in self._number:
            self._number[day] = len(self.days)
            self.days.append(day)
        return self._number[day]


def _hours(coded: Coded, fmt: str) -> np.ndarray:
    """Each row's hour of the day; MISSING where there is none or it cannot be read."""
    if fmt.startswith("%H:"):
        # the usual case, "21:15:00" or "7:05": the hour is the one or two digits before the
        # first colon (a day has 86,400 distinct times: Arrow reads them all at once)
        found = pc.extract_regex(coded.uniques, r"^ ?(?P<hour>[0-9]{1,2}):")
        digits = pc.if_else(
            pc.is_valid(found), pc.struct_field(found, [0]), pa.scalar(None, pa.string())
        )
        hours = pc.cast(digits, pa.int16()).to_numpy(zero_copy_only=False)
        by_value = np.where(np.isnan(hours) | (hours > 23), MISSING, np.nan_to_num(hours))
    else:
        values = pd.Series(coded.uniques.to_pylist(), dtype=object)
        parsed = pd.to_datetime(values.str.slice(0, _width(fmt)), format=fmt, errors="coerce")
        by_value = parsed.dt.hour.fillna(MISSING).to_numpy()
    return np.append(by_value.astype(np.int64), MISSING)[coded.codes]


def _age_bands(values: pd.Series, age_values: dict[str, str] | str) -> pd.Series:
    if age_values == "years":
        years = pd.to_numeric(values, errors="coerce")
        bands = pd.cut(years, bins=[-1, 17, 24, 44, 64, 130], labels=AGE_BANDS)
        return bands.astype(object).where(bands.notna(), "unknown")
    assert isinstance(age_values, dict)
    return values.map(age_values).fillna("unknown")


def normalize(
    table: pa.Table, mapping: Mapping, *, today: date, state: ImportState | None = None
) -> Normalized:
    """One chunk of an export (or the whole file) as victims; `state` carries what earlier
    chunks saw (victims numbered within their incident, victim keys) and is updated."""
    state = state if state is not None else ImportState()
    missing = set(mapping.missing)
    rows_read = table.num_rows
    reasons = np.full(rows_read, None, dtype=object)
    ok = np.ones(rows_read, dtype=bool)  # no reason yet

    def reject(mask: np.ndarray, reason: str) -> None:
        """Reject the rows of `mask` not yet rejected, for this reason (a row keeps the first)."""
        hit = np.asarray(mask, dtype=bool) & ok
        if hit.any():
            reasons[hit] = reason
            ok[hit] = False

    column = {name: _coded(table, name, missing) for name in [*mapping.columns(), None]}

    incident = column[mapping.incident_key]
    incident_key = incident.keys()
    reject(incident.missing, f"no incident key in {mapping.incident_key}")
    reject(
        _too_long(incident_key, MAX_KEY - 5),
        f"incident key is longer than {MAX_KEY - 5} characters",
    )

    date_column = column[mapping.date]
    # each distinct day checked once; rows keep codes into the file's days
    state.days = state.days or Days(mapping.date_format)
    days = state.days.days
    day_codes = state.days.codes(date_column)
    reject(date_column.missing, f"no date in {mapping.date}")
    reject((day_codes == MISSING) & ~date_column.missing, f"date is not {mapping.date_format}")
    reject(_per_row(day_codes, [day > today for day in days]), "date is in the future")
    reject(_per_row(day_codes, [day < date(1900, 1, 1) for day in days]), "date is before 1900")

    hours = _hours(column[mapping.time], mapping.time_format)

    if mapping.shape == "victim":
        flags = column[mapping.fatal]
        allowed = {
            **{v: True for v in mapping.fatal_true},
            **{v: False for v in mapping.fatal_false},
        }
        # each distinct flag read once, as KILLED, WOUNDED, NOT_RECORDED or NOT_A_FLAG
        meaning: dict[bool | None, int] = {True: KILLED, False: WOUNDED}
        distinct = flags.convert_distinct(lambda values: values)
        by_flag = [meaning.get(allowed.get(flag), NOT_A_FLAG) for flag in distinct]
        fatal = np.append(np.asarray(by_flag, dtype=np.int8), NOT_RECORDED)[flags.codes]
        reject(fatal == NOT_A_FLAG, f"fatal flag is not one of {', '.join(allowed)}")
        victim_counts = np.ones(rows_read, dtype=np.int64)
        killed_counts = np.zeros(rows_read, dtype=np.int64)
    else:
        killed = column[mapping.killed].convert(lambda v: pd.to_numeric(v, errors="coerce"))
        injured = column[mapping.injured].convert(lambda v: pd.to_numeric(v, errors="coerce"))
        killed = pd.to_numeric(pd.Series(killed), errors="coerce").to_numpy()
        injured = pd.to_numeric(pd.Series(injured), errors="coerce").to_numpy()
        bad = np.isnan(killed) | np.isnan(injured)
        with np.errstate(invalid="ignore"):
            bad |= (killed < 0) | (injured < 0) | (killed % 1 != 0) | (injured % 1 != 0)
        reject(bad, "killed and injured must be whole numbers, 0 or more")
        killed_counts = np.nan_to_num(killed).astype(np.int64)
        victim_counts = killed_counts + np.nan_to_num(injured).astype(np.int64)
        reject(victim_counts == 0, "no one was killed or injured")
        reject(
            victim_counts > MAX_VICTIMS_PER_ROW,
            f"more than {MAX_VICTIMS_PER_ROW} people in one row",
        )
        victim_counts = np.where(victim_counts > MAX_VICTIMS_PER_ROW, 0, victim_counts)
        fatal = None

    def coordinate(name: str | None) -> np.ndarray:
        coded = column[name]
        try:
            # every distinct value a number (or empty): Arrow converts them all at once
            text = pc.if_else(pc.equal(pc.utf8_length(coded.uniques), 0), None, coded.uniques)
            numbers = pc.cast(text, pa.float64()).to_numpy(zero_copy_only=False)
            return np.append(numbers, np.nan)[coded.codes]
        except pa.ArrowInvalid:  # some are not numbers: those become empty, one by one
            values = coded.convert(lambda v: pd.to_numeric(v, errors="coerce"), fill=np.nan)
            return values.astype(np.float64)

    latitude, longitude = coordinate(mapping.latitude), coordinate(mapping.longitude)
    area_code = column[mapping.area_code].categorize(lambda v: v.map(normalize_area_code))
    long_code = column[mapping.area_code].convert(lambda v: v.str.len() > MAX_CODE, fill=False)
    reject(long_code.astype(bool), f"area code is longer than {MAX_CODE} characters")
    age = column[mapping.age].categorize(
        lambda v: _age_bands(v, mapping.age_values), fill="unknown"
    )
    sex = column[mapping.sex].categorize(
        lambda v: v.map(mapping.sex_values).fillna("unknown"), fill="unknown"
    )
    race = column[mapping.race].categorize(
        lambda v: v.map(mapping.race_values).fillna("unknown"), fill="unknown"
    )
    if mapping.hispanic:
        hispanic = column[mapping.hispanic].convert(
            lambda v: v.isin(mapping.hispanic_true), fill=False
        )
        if "hispanic" not in race.categories:
            race = race.add_categories(["hispanic"])
        race[hispanic.astype(bool)] = "hispanic"

    if mapping.victim_key:
        victim = column[mapping.victim_key]
        victim_key = victim.keys()
        reject(victim.missing, f"no victim key in {mapping.victim_key}")
        reject(_too_long(victim_key, MAX_KEY), f"victim key is longer than {MAX_KEY} characters")
        keys = victim_key.to_pandas()
        earlier = np.fromiter((k in state.victim_keys for k in keys), dtype=bool, count=len(keys))
        seen_before = (keys.duplicated().to_numpy() | earlier) & ~victim.missing
        reject(seen_before, f"{mapping.victim_key} appears twice")

    lines = np.arange(state.first_line, state.first_line + rows_read)
    state.first_line += rows_read
    rejected = pd.DataFrame(
        {
            "line": lines[~ok],
            "key": pc.take(incident_key, pa.array(np.flatnonzero(~ok))).to_pandas().fillna(""),
            "reason": reasons[~ok],
        }
    )

    # one row per victim: a row-per-incident export repeats each incident once per victim
    index = np.repeat(np.flatnonzero(ok), victim_counts[ok])
    incident_keys = pc.take(incident_key, pa.array(index))
    ordinal = _number_within_incidents(incident_keys, state)
    if mapping.victim_key:
        state.victim_keys.update(pc.take(victim_key, pa.array(np.flatnonzero(ok))).to_pylist())
    if mapping.victim_key:
        record_key = pc.take(victim_key, pa.array(index))
    else:
        record_key = pc.binary_join_element_wise(
            incident_keys, pc.cast(pa.array(ordinal), pa.string()), "#"
        )
    if fatal is not None:
        fatal_values = pd.arrays.BooleanArray(fatal[index] == KILLED, fatal[index] == NOT_RECORDED)
    else:
        within = pd.Series(index).groupby(index).cumcount().to_numpy()
        was_killed = within < killed_counts[index]
        fatal_values = pd.arrays.BooleanArray(was_killed, np.zeros(len(was_killed), dtype=bool))

    victims = pd.DataFrame(
        {
            "record_key": record_key.to_pandas(),
            "incident_key": incident_keys.to_pandas(),
            "first_of_incident": ordinal == 1,
            "occurred_on": pd.Categorical.from_codes(
                day_codes[index], categories=pd.Index(days, dtype=object)
            ),
            "hour": pd.arrays.IntegerArray(hours[index].astype(np.int16), hours[index] == MISSING),
            "fatal": fatal_values,
            "age_band": age[index],
            "sex": sex[index],
            "race": race[index],
            "latitude": latitude[index],
            "longitude": longitude[index],
            "reported_area_code": area_code[index],
        }
    )
    return Normalized(victims=victims, rejected=rejected, rows_read=rows_read)


def _number_within_incidents(keys: pa.Array, state: ImportState) -> np.ndarray:
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


def rejected_csv(rejected: pd.DataFrame) -> str:
    buffer = io.StringIO()
    rejected.map(spreadsheet_safe).to_csv(buffer, index=False)
    # a NUL byte in a rejected cell cannot be stored in a text column (nor read in a sheet)
    return buffer.getvalue().replace("\x00", "")
