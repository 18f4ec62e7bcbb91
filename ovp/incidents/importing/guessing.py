"""Guess how a city's export maps onto victims, from a sample of its rows.

``guess_mapping(sample, areas)`` looks at each column's name and values together and returns a
complete mapping in the format of ``ovp/incidents/mapping.py``, with a confidence and a reason
for each field, and what it could not decide. Nothing about a city is written here: only the
words and forms cities use (column names, date formats, the vocabularies of sex and race) and
the codes of the areas loaded in the portal.

``read_sample(file)`` reads runs of consecutive rows spread over the whole file (consecutive,
so that an incident's victims, written one after another, are seen together: a column unique
in the sample is then unique per row, and an incident key repeats).
"""

import os
import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import IO, Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from ovp.areas.models import AreaKind, normalize_area_code
from ovp.incidents.importing.dates import CLOCK, TRAILING_TIME, read_day
from ovp.incidents.mapping import Mapping, mapping_from_json
from ovp.incidents.models import AgeBand, Race, Sex

SAMPLE_ROWS = 4000
SAMPLE_RUNS = 40
HIGH, MEDIUM, LOW = "high", "medium", "low"

# the date formats cities write (a time after the date is read separately)
DATE_FORMATS = [
    "%Y-%m-%d",
    "%m/%d/%Y",
    "%m/%d/%y",
    "%d/%m/%Y",
    "%d/%m/%y",
    "%Y/%m/%d",
    "%m-%d-%Y",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%Y%m%d",
    "%B %d, %Y",
    "%b %d, %Y",
    "%B %d %Y",
    "%b %d %Y",
    "%d %B %Y",
    "%d %b %Y",
    "%d-%b-%Y",
    "%d-%b-%y",
    "%A, %B %d, %Y",
    "%a, %b %d, %Y",
    "%a %b %d %Y",
]
# values that mean "not recorded" in exports (kept whether or not the sample shows them: a
# flag the sample never shows unrecorded must not reject the rows that are)
MISSING_VALUES = ["", "(null)", "(NULL)", "NULL", "null", "N/A", "UNKNOWN", "Unknown", "U"]
TRUE_WORDS = {"true", "t", "y", "yes", "1", "1.0", "fatal", "killed", "dead", "deceased", "died"}
FALSE_WORDS = {
    "false",
    "f",
    "n",
    "no",
    "0",
    "0.0",
    "nonfatal",
    "non-fatal",
    "non fatal",
    "injured",
    "wounded",
    "survived",
    "alive",
    "not fatal",
}
# the spellings of a flag, so that a file writing "TRUE" and "True" reads both
_SPELLINGS = {
    "1": ["1", "1.0"],
    "0": ["0", "0.0"],
    "true": ["TRUE", "True", "true"],
    "false": ["FALSE", "False", "false"],
    "y": ["Y", "y"],
    "n": ["N", "n"],
    "yes": ["YES", "Yes", "yes"],
    "no": ["NO", "No", "no"],
}
# columns about someone other than the victim, or about the police: never the victim's
_NOT_VICTIM = re.compile(r"perp|susp|offend|officer|shooter|arrest|subject")
_ANY_AREA = (
    r"precinct|pct|dist|beat|sector|zone|area|ward|tract|council|neighbo|hood|community|nbhd|psa"
)
_AREA_WORDS: dict[str, str] = {
    AreaKind.PRECINCT: r"precinct|pct",
    AreaKind.DISTRICT: r"dist|district",
    AreaKind.COUNCIL_DISTRICT: r"council|ward",
    AreaKind.CENSUS_TRACT: r"tract",
    AreaKind.NEIGHBOURHOOD: r"neighbo|hood|community|nbhd",
}


@dataclass(frozen=True)
class FieldGuess:
    value: Any
    confidence: str
    reason: str


@dataclass
class MappingGuess:
    """A complete mapping, each field's confidence and reason, and what was left undecided."""

    mapping: dict[str, Any]
    fields: dict[str, FieldGuess] = field(default_factory=dict)
    undecided: list[str] = field(default_factory=list)
    sample_rows: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "mapping": self.mapping,
            "fields": {name: asdict(guess) for name, guess in self.fields.items()},
            "undecided": self.undecided,
            "sample_rows": self.sample_rows,
        }

    def valid_mapping(self) -> Mapping | None:
        """The guessed mapping, or None when it is not complete (see `undecided`)."""
        try:
            return mapping_from_json(self.mapping)
        except Exception:  # a ValidationError: what is missing is in `undecided`
            return None


# ------------------------------------------------------------------------------ the sample


@dataclass
class Sample:
    """Rows of a file, and each column's distinct values over the whole file where they are
    few (a flag, a code, a category: a value a sample may miss, such as a rare race, is seen)."""

    rows: pd.DataFrame
    distinct: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, rows: pd.DataFrame) -> "Sample":
        """A sample that is the whole file (a page's upload): its values are all there is."""
        distinct = {str(c): list(dict.fromkeys(rows[c].astype(str))) for c in rows.columns}
        return cls(rows, {c: v for c, v in distinct.items() if len(v) <= MAX_DISTINCT})

    def values(self, column: str) -> list[str]:
        """The column's distinct recorded values (stripped), over the file where known."""
        known = self.distinct.get(column)
        values = known if known is not None else self.rows[column].astype(str).unique()
        stripped = dict.fromkeys(str(v).strip() for v in values)
        return [v for v in stripped if v not in MISSING_VALUES]


MAX_DISTINCT = 200
MAX_COLUMNS = 500


def read_sample(
    source: str | IO[bytes],
    *,
    rows: int = SAMPLE_ROWS,
    runs: int = SAMPLE_RUNS,
    head: bool = False,
) -> Sample:
    """Runs of consecutive rows spread evenly over the file, every value as text, and the
    distinct values of each column that has few; with `head`, only the first `rows` rows
    (read at once, without reading the rest of the file).

    A file object (an upload) is read into memory first, from its start, and left at its
    start: Arrow reads ahead in threads of its own, so it is never handed the caller's file
    object, whose position the import that follows relies on."""
    if isinstance(source, str):
        opened: Callable[[], str | pa.BufferReader] = lambda: source  # noqa: E731
        size = os.path.getsize(source)
    else:
        data = _in_memory(source, limit=HEAD_BYTES if head else None)
        opened, size = (lambda: pa.BufferReader(data)), data.size
    names = _header(opened())
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ValueError(f"The file has more than one column named {', '.join(repeated)}.")
    if len(names) > MAX_COLUMNS:
        raise ValueError(
            f"The file has {len(names):,} columns; an export of shootings has at most "
            f"{MAX_COLUMNS:,}."
        )
    block = 1 << 20
    reader = pacsv.open_csv(
        opened(),
        read_options=pacsv.ReadOptions(block_size=block, use_threads=False),
        convert_options=pacsv.ConvertOptions(
            column_types={name: pa.string() for name in names}, strings_can_be_null=False
        ),
    )
    run = max(1, rows // runs)
    pieces: list[pa.RecordBatch] = []
    distinct: dict[str, set[str]] = {name: set() for name in names}
    seen = next_start = 0
    stride = 0
    for batch in reader:
        if not stride:
            per_row = min(size, block) / max(batch.num_rows, 1)
            stride = max(run, int(size / per_row / runs))
        while next_start < seen + batch.num_rows:
            pieces.append(batch.slice(next_start - seen, run))
            next_start += stride
        seen += batch.num_rows
        if head:
            pieces = [batch.slice(0, rows)]
            distinct = {}
            reader.close()
            break
        for name in list(distinct):
            distinct[name].update(pc.unique(batch.column(name)).to_pylist())
            if len(distinct[name]) > MAX_DISTINCT:
                del distinct[name]
    if not pieces:
        return Sample(pd.DataFrame({name: pd.Series([], dtype=object) for name in names}))
    table = pa.Table.from_batches(pieces).to_pandas().astype(object)
    return Sample(table, {name: sorted(values) for name, values in distinct.items()})


HEAD_BYTES = 1 << 20


def _in_memory(source: IO[bytes], *, limit: int | None) -> pa.Buffer:
    """The file's bytes from its start (its first `limit` bytes, up to a whole line), in
    Arrow's own buffer; the file object is put back at its start."""
    source.seek(0)
    data = source.read(limit) if limit else source.read()
    source.seek(0)
    if limit and len(data) == limit and b"\n" in data:
        data = data[: data.rindex(b"\n") + 1]
    return pa.py_buffer(data)


def _header(source: str | pa.BufferReader) -> list[str]:
    """The column names (from a reader of its own: Arrow reads ahead in threads)."""
    reader = pacsv.open_csv(source, read_options=pacsv.ReadOptions(block_size=1 << 16))
    names = list(reader.schema.names)
    reader.close()
    return names


# ------------------------------------------------------------------------------ guessing


def _words(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def _values(sample: Sample, column: str) -> pd.Series:
    """The column's recorded values (stripped; not the ones that mean missing)."""
    values = sample.rows[column].astype(str).str.strip()
    return values[~values.isin(MISSING_VALUES)]


def _about_victim(column: str) -> bool:
    return not _NOT_VICTIM.search(_words(column))


def guess_mapping(
    sample: Sample,
    area_codes: dict[str, set[str]],
    *,
    area_kind: str | None = None,
) -> MappingGuess:
    """A mapping for the export the sample comes from. `area_codes` holds the codes of the
    areas loaded in the portal by kind (normalised); `area_kind` narrows the area guess."""
    guess = MappingGuess(mapping={"missing": list(MISSING_VALUES)}, sample_rows=len(sample.rows))
    columns = [str(c) for c in sample.rows.columns]
    steps: list[Callable[[MappingGuess, pd.DataFrame, list[str]], None]] = [
        _guess_shape,
        _guess_keys,
        _guess_date,
        _guess_time,
        _guess_coordinates,
        _guess_age,
        _guess_sex,
        _guess_race,
        _guess_hispanic,
    ]
    for step in steps:
        step(guess, sample, columns)
    _guess_area(guess, sample, columns, area_codes, area_kind)
    return guess


def _set(guess: MappingGuess, name: str, value: Any, confidence: str, reason: str) -> None:
    guess.mapping[name] = value
    guess.fields[name] = FieldGuess(value, confidence, reason)


def _whole_numbers(values: pd.Series) -> bool:
    numbers = pd.to_numeric(values, errors="coerce")
    return bool(len(values)) and bool(
        numbers.notna().all() and (numbers >= 0).all() and (numbers % 1 == 0).all()
    )


def _flag_meaning(value: str) -> bool | None:
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def _spellings(values: Iterable[str]) -> list[str]:
    found: list[str] = []
    for value in values:
        found += _SPELLINGS.get(value.strip().lower(), [value])
        if value not in found:
            found.append(value)
    return list(dict.fromkeys(found))


def _guess_shape(guess: MappingGuess, sample: Sample, columns: list[str]) -> None:
    """A row per incident when the export has killed and injured counts; else a row per
    victim with a fatal flag."""
    counted = [c for c in columns if _about_victim(c) and _whole_numbers(_values(sample, c))]
    killed = _by_name(counted, r"kill|dead|death|died|deceased|fatal|murder")
    injured = _by_name(counted, r"injur|wound|hurt|nonfatal|non_fatal|shot")
    killed = [c for c in killed if c not in injured[:1]]
    flags = _fatal_flags(sample, columns)
    # a killed column of 0s and 1s reads as a flag too: beside an injured count, it is a count
    if killed and injured:
        _set(
            guess,
            "shape",
            "incident",
            HIGH,
            f"counts of killed ({killed[0]}) and injured ({injured[0]}) in each row",
        )
        _set(guess, "killed", killed[0], HIGH, "whole numbers; the name says killed")
        _set(guess, "injured", injured[0], HIGH, "whole numbers; the name says injured")
        guess.mapping["fatal"] = None
        return
    _set(
        guess,
        "shape",
        "victim",
        HIGH if flags else LOW,
        "a fatal flag in each row" if flags else "no killed and injured counts",
    )
    if not flags:
        guess.undecided.append("fatal: no column reads as a fatal flag (TRUE/FALSE, Y/N, 1/0)")
        return
    column, _ = flags[0]
    values = sample.values(column)
    true = _spellings(v for v in values if _flag_meaning(v))
    false = _spellings(v for v in values if _flag_meaning(v) is False)
    _set(
        guess,
        "fatal",
        column,
        HIGH if len(flags) == 1 or flags[0][1] > flags[1][1] else MEDIUM,
        f"its values are flags ({', '.join(sorted(map(str, values)))}) and its name says fatal",
    )
    _set(guess, "fatal_true", true, HIGH, "values that mean fatal")
    _set(guess, "fatal_false", false, HIGH, "values that mean not fatal")


def _fatal_flags(sample: Sample, columns: list[str]) -> list[tuple[str, int]]:
    """Columns whose every value is a yes/no flag and whose name (or values) say fatal, best
    first, each with a score: 2 when the name says so, 1 when only the values do."""
    found = []
    for column in columns:
        if not _about_victim(column):
            continue
        values = sample.values(column)
        if not 1 <= len(values) <= 6 or any(_flag_meaning(v) is None for v in values):
            continue
        named = re.search(r"murder|fatal|died|death|deceas|killed|homicide|dead", _words(column))
        worded = any(
            _flag_meaning(v) is not None
            and not v.strip().isdigit()
            and len(v) > 3
            and v.strip().lower() not in ("true", "false")
            for v in values
        )
        if named or worded:
            found.append((column, 2 if named else 1))
    return sorted(found, key=lambda pair: -pair[1])


def _by_name(columns: list[str], pattern: str) -> list[str]:
    return [c for c in columns if re.search(pattern, _words(c))]


def _guess_keys(guess: MappingGuess, sample: Sample, columns: list[str]) -> None:
    """The incident key: an identifier column (by name) that every row fills; the victim key:
    another, unique per row, when incidents repeat over rows."""
    named = r"incident|case|event|report|dc_key|complaint|cad|key|number|_no$|^no$|_id$|^id$"
    candidates = []
    for column in columns:
        words = _words(column)
        values = sample.rows[column].astype(str).str.strip()
        if not re.search(named, words) or re.search(
            r"victim|objectid|person|ucr|code|date|time|_dt$|^dt_|year|month", words
        ):
            continue
        if values.isin(MISSING_VALUES).mean() > 0.01 or values.str.len().max() > 95:
            continue
        score = 2 if re.search(r"incident|case|event|report|dc_key|complaint", words) else 1
        candidates.append((score, -columns.index(column), column))
    if not candidates:
        guess.undecided.append("incident_key: no column names an incident, case or report")
        return
    _, _, incident = max(candidates)
    repeats = sample.rows[incident].duplicated().any()
    per_row = "incident" if guess.mapping.get("shape") == "incident" else "victim"
    _set(
        guess,
        "incident_key",
        incident,
        HIGH if len(candidates) == 1 else MEDIUM,
        "its name says so; "
        + ("repeats for an incident with several victims" if repeats else "one per row"),
    )
    guess.mapping["victim_key"] = None
    if per_row == "victim" and repeats:
        victim = [
            c
            for c in columns
            if c != incident
            and re.search(r"victim|objectid|person|^id$|_id$", _words(c))
            and not sample.rows[c].duplicated().any()
            and _values(sample, c).size == len(sample.rows)
        ]
        if victim:
            _set(
                guess,
                "victim_key",
                victim[0],
                MEDIUM,
                "unique in every row while the incident key repeats",
            )


def _best_date_format(values: Iterable[str]) -> tuple[str | None, float, list[str]]:
    """The format reading the most values (all of them, ideally), its share, and the other
    formats that read as many (an ambiguous day and month)."""
    distinct = list(dict.fromkeys(re.sub(TRAILING_TIME, "", v) for v in values))[:500]
    if not distinct:
        return None, 0.0, []
    shares = {
        fmt: sum(read_day(v, fmt) is not None for v in distinct) / len(distinct)
        for fmt in DATE_FORMATS
    }
    best = max(shares.values())
    winners = [fmt for fmt, share in shares.items() if share == best]
    return (winners[0] if best > 0 else None), best, winners[1:]


def _guess_date(guess: MappingGuess, sample: Sample, columns: list[str]) -> None:
    """The column whose values read as dates with one format, preferring a name that says
    date or when it happened (a report date loses to an occurrence date)."""
    found = []
    for column in columns:
        values = _values(sample, column)
        if values.empty or values.str.fullmatch(r"\d{1,4}").all():
            continue  # a year, a code or a count is not a date
        fmt, share, ties = _best_date_format(values)
        if fmt is None or share < 0.9:
            continue
        words = _words(column)
        score = share + (0.5 if re.search(r"date|occur|dt|when|day", words) else 0)
        score += 0.3 if re.search(r"occur|incident|offense|crime", words) else 0
        score -= 0.3 if re.search(r"report|updat|created|modif|entered|_at$", words) else 0
        found.append((score, column, fmt, share, ties))
    if not found:
        guess.undecided.append("date: no column reads as dates in a format cities use")
        return
    _, column, fmt, share, ties = max(found, key=lambda item: item[0])
    reason = f"{share:.0%} of the sampled values read as {fmt}"
    if ties:
        reason += f"; {', '.join(ties)} reads them too (no day above 12 in the sample)"
    _set(guess, "date", column, HIGH if share == 1 and not ties else MEDIUM, reason)
    _set(guess, "date_format", fmt, HIGH if not ties else LOW, reason)


_NOT_OCCURRENCE = r"report|updat|created|entered|modif|received|dispatch|arriv|clear"


def _guess_time(guess: MappingGuess, sample: Sample, columns: list[str]) -> None:
    """The time written after the date in the date column (the occurrence's own); else a
    column of times of day that is not a report's, an update's or a dispatch's."""
    date = guess.mapping.get("date")
    clocks = _times_in_date_column(guess, sample, date) if date else None
    if clocks is not None:
        _set(guess, "time", date, MEDIUM, "the date column holds the time after the date")
        _set(guess, "time_format", _time_format(clocks), MEDIUM, "as the values are written")
        return
    for column in columns:
        values = _values(sample, column)
        if values.empty or column == date or re.search(_NOT_OCCURRENCE, _words(column)):
            continue
        if values.str.fullmatch(CLOCK).mean() >= 0.95:
            _set(guess, "time", column, HIGH, "its values are times of day")
            _set(guess, "time_format", _time_format(values), HIGH, "as the values are written")
            return
        if re.search(r"time|hour", _words(column)) and values.str.fullmatch(r"\d{3,4}").all():
            _set(guess, "time", column, MEDIUM, "times written as hours and minutes (2130)")
            _set(guess, "time_format", "%H%M", MEDIUM, "four digits, no colon")
            return
    guess.mapping["time"] = None
    guess.undecided.append("time: no column holds the time of day (hours are left unknown)")


def _times_in_date_column(guess: MappingGuess, sample: Sample, date: str) -> pd.Series | None:
    """The clock times written after the dates, when nearly every date has one and they are
    not all midnight (a date column that writes 00:00:00 for every row holds no time)."""
    values = _values(sample, date)
    with_time = values.str.contains(TRAILING_TIME, regex=True)
    if values.empty or with_time.mean() < 0.95:
        return None
    clocks = values[with_time].str.extract(f"({CLOCK})", expand=False)
    if clocks.str.fullmatch(r"0?0:00(:00)?").all():
        return None  # midnight for every row: no time (a separate column may hold it)
    return clocks


def _time_format(values: pd.Series) -> str:
    twelve = values.str.contains(r"[AaPp]\.?[Mm]", regex=True).mean() > 0.5
    seconds = values.str.contains(r"\d:\d{2}:\d{2}", regex=True).mean() > 0.5
    hours = "%I" if twelve else "%H"
    return f"{hours}:%M{':%S' if seconds else ''}{' %p' if twelve else ''}"


def _guess_coordinates(guess: MappingGuess, sample: Sample, columns: list[str]) -> None:
    """Latitude and longitude: numbers in range, named so (lat, y; lon, lng, x)."""
    picked = {}
    for name, pattern, limit in (
        ("latitude", r"(^|_)(lat|latitude|y|point_y|y_coord)($|_)", 90),
        ("longitude", r"(^|_)(lon|lng|long|longitude|x|point_x|x_coord)($|_)", 180),
    ):
        found = []
        for column in columns:
            words = _words(column)
            if not re.search(pattern, words):
                continue
            numbers = pd.to_numeric(_values(sample, column), errors="coerce").dropna()
            numbers = numbers[numbers != 0]
            if numbers.empty or (numbers.abs() > limit).any():
                continue
            found.append(
                (2 if re.search(r"lat|lon|lng", words) else 1, -columns.index(column), column)
            )
        if found:
            picked[name] = max(found)[2]
    if len(picked) == 2:
        for name, column in picked.items():
            _set(guess, name, column, HIGH, f"numbers within a {name}'s range; named so")
    else:
        guess.mapping["latitude"] = guess.mapping["longitude"] = None
        guess.undecided.append("coordinates: no latitude and longitude columns")


def _guess_area(
    guess: MappingGuess,
    sample: Sample,
    columns: list[str],
    area_codes: dict[str, set[str]],
    area_kind: str | None,
) -> None:
    """The column whose values are the codes of areas loaded in the portal, and their kind."""
    kinds = [area_kind] if area_kind else [k for k in area_codes if area_codes[k]]
    found = []
    for column in columns:
        if not _about_victim(column) or column in (guess.mapping.get("incident_key"),):
            continue
        codes = _values(sample, column).map(normalize_area_code)
        if codes.empty:
            continue
        words = _words(column)
        named_any = bool(re.search(_ANY_AREA, words))
        # a column not named as areas must look like codes, not a month, a flag or a count
        if not named_any and (
            codes.nunique() < 13
            or re.search(r"month|year|day|hour|week|age|count|num|kill|injur", words)
        ):
            continue
        for kind in kinds:
            share = float(codes.isin(area_codes.get(kind, set())).mean())
            named = bool(re.search(_AREA_WORDS.get(kind, r"^$"), words))
            if share >= 0.8:
                score = share + (0.5 if named else 0) + (0.5 if named_any else 0)
                found.append((score, column, kind, share, named_any))
    if found:
        _, column, kind, share, named_any = max(found, key=lambda item: item[0])
        sure = HIGH if share >= 0.95 and named_any else MEDIUM if named_any else LOW
        _set(
            guess,
            "area_code",
            column,
            sure,
            f"{share:.0%} of its sampled values are codes of the portal's {kind} areas"
            + ("" if named_any else "; its name does not say areas: check it"),
        )
        _set(guess, "area_kind", kind, sure, "the kind of those areas")
        return
    for kind, pattern in _AREA_WORDS.items():
        if area_kind and kind != area_kind:
            continue
        by_name = [c for c in columns if _about_victim(c) and re.search(pattern, _words(c))]
        if by_name:
            _set(
                guess,
                "area_code",
                by_name[0],
                LOW,
                "its name says so, but its values are not codes of areas loaded in the portal",
            )
            _set(guess, "area_kind", kind, LOW, "from the column's name")
            return
    guess.mapping["area_code"] = None
    # placement by point counts for the mapping's kind: the city's own (the kind with most areas)
    loaded = sorted(area_codes, key=lambda kind: -len(area_codes[kind]))
    guess.mapping["area_kind"] = area_kind or (loaded[0] if loaded else AreaKind.PRECINCT)
    guess.undecided.append("area_code: no column holds codes of the portal's areas")


# ------------------------------------------------------------------------------ who


def _victim_column(columns: list[str], pattern: str) -> str | None:
    """The victim's column named so: "VIC_SEX" before "SEX" before "PERP_SEX"."""
    named = [c for c in columns if re.search(pattern, _words(c)) and _about_victim(c)]
    named.sort(key=lambda c: (0 if re.search(r"vic", _words(c)) else 1, columns.index(c)))
    return named[0] if named else None


def _age_band(value: str) -> str | None:
    """The portal's band holding a written age band ("25-34", "Under 18", "65+"), if one does."""
    text = value.strip().lower()
    numbers = [int(n) for n in re.findall(r"\d+", text)]
    if re.search(r"<|under|below|less|juvenile|minor", text) and len(numbers) <= 1:
        low, high = 0, (numbers[0] - 1 if numbers else 17)
    elif re.search(r"\+|over|older|and up|above", text) and len(numbers) == 1:
        low, high = numbers[0], 200
    elif len(numbers) == 2 and re.search("-|to|\u2013", text):
        low, high = numbers
    else:
        return None
    for band in AgeBand.values:
        if band == AgeBand.UNKNOWN:
            continue
        band_low, band_high = _band_range(band)
        if band_low <= low and high <= band_high:
            return band
    return None


def _band_range(band: str) -> tuple[int, int]:
    if band.startswith("<"):
        return 0, int(band[1:]) - 1
    if band.endswith("+"):
        return int(band[:-1]), 200
    low, high = band.split("-")
    return int(low), int(high)


def _guess_age(guess: MappingGuess, sample: Sample, columns: list[str]) -> None:
    column = _victim_column(columns, r"(^|_)age($|_)|age_group|age_range|ageband")
    if column is None:
        guess.mapping["age"] = None
        guess.undecided.append("age: no column names the victim's age")
        return
    values = _values(sample, column)
    numbers = pd.to_numeric(values, errors="coerce")
    if len(values) and numbers.notna().mean() >= 0.9 and numbers.dropna().between(0, 120).all():
        _set(guess, "age", column, HIGH, "ages in years")
        _set(guess, "age_values", "years", HIGH, "whole numbers from 0 to 120")
        return
    bands, unmapped = {}, []
    if len(sample.values(column)) > MAX_DISTINCT:
        _set(guess, "age", column, LOW, "its name says age")
        guess.mapping["age_values"] = {}
        guess.undecided.append(f"age_values: {column} has too many different values to map")
        return
    for value in sorted(sample.values(column)):
        band = _age_band(value)
        if band:
            bands[value] = band
        else:
            unmapped.append(value)
    _set(guess, "age", column, HIGH if bands else LOW, "its name says age")
    _set(
        guess,
        "age_values",
        bands,
        HIGH if not unmapped else MEDIUM,
        "each band within one of the portal's bands",
    )
    if unmapped:
        guess.undecided.append(f"age_values: left unknown: {', '.join(unmapped[:10])}")


def _word_map(
    guess: MappingGuess,
    sample: Sample,
    name: str,
    column: str | None,
    meaning: Callable[[str], str | None],
) -> None:
    """A value map for a column of words (sex, race): each value the sample holds, mapped by
    `meaning`, or left unmapped (unknown) and said so."""
    if column is None:
        guess.mapping[name] = None
        guess.mapping[f"{name}_values"] = {}
        guess.undecided.append(f"{name}: no column names the victim's {name}")
        return
    values = sample.values(column)
    if len(values) > MAX_DISTINCT:
        _set(guess, name, column, LOW, f"its name says {name}")
        guess.mapping[f"{name}_values"] = {}
        guess.undecided.append(
            f"{name}_values: {column} has more than {MAX_DISTINCT} different values: not mapped"
        )
        return
    mapped, unmapped = {}, []
    for value in sorted(values):
        category = meaning(value)
        if category:
            mapped[value] = category
        else:
            unmapped.append(value)
    _set(guess, name, column, HIGH if mapped else LOW, f"its name says {name}")
    _set(
        guess,
        f"{name}_values",
        mapped,
        HIGH if not unmapped else MEDIUM,
        "from the words cities use for each",
    )
    if unmapped:
        guess.undecided.append(f"{name}_values: left unknown: {', '.join(unmapped[:10])}")


def _sex(value: str) -> str | None:
    word = value.strip().lower()
    if word in ("m", "male", "man", "boy") or word.startswith("male"):
        return Sex.MALE
    if word in ("f", "female", "woman", "girl") or word.startswith("female"):
        return Sex.FEMALE
    return None


def _race(value: str) -> str | None:
    word = re.sub(r"[^a-z]+", " ", value.lower()).strip()
    if re.search(r"\bnon\s?hispanic\b|\bnot hispanic\b|\bnon latin", word):
        word = re.sub(r"\bnon\s?hispanic\b|\bnot hispanic\b|\bnon latin[a-z]*", "", word).strip()
    elif re.search(r"hispanic|latin", word):
        return Race.HISPANIC
    letters = {
        "b": Race.BLACK,
        "w": Race.WHITE,
        "h": Race.HISPANIC,
        "a": Race.ASIAN_PACIFIC,
        "i": Race.NATIVE,
        "o": Race.OTHER,
        "p": Race.ASIAN_PACIFIC,
    }
    if word in letters:
        return letters[word]
    for pattern, race in (
        (r"black|african", Race.BLACK),
        (r"white|caucasian", Race.WHITE),
        (r"asian|pacific|hawaiian", Race.ASIAN_PACIFIC),
        (r"american indian|alaska|native american|indigenous|first nation", Race.NATIVE),
        (r"other|multi|two or more|mixed", Race.OTHER),
    ):
        if re.search(pattern, word):
            return race
    return None


def _guess_sex(guess: MappingGuess, sample: Sample, columns: list[str]) -> None:
    _word_map(guess, sample, "sex", _victim_column(columns, r"sex|gender"), _sex)


def _guess_race(guess: MappingGuess, sample: Sample, columns: list[str]) -> None:
    column = _victim_column(columns, r"race")
    _word_map(guess, sample, "race", column, _race)


def _guess_hispanic(guess: MappingGuess, sample: Sample, columns: list[str]) -> None:
    """A separate Hispanic/Latino column: its values that mean yes."""
    for column in columns:
        if column == guess.mapping.get("race") or not _about_victim(column):
            continue
        if not re.search(r"latin|hispanic|ethnic", _words(column)):
            continue
        values = sample.values(column)
        yes = [v for v in values if _flag_meaning(v) or (_race(v) == Race.HISPANIC)]
        if yes and len(values) <= 8:
            _set(guess, "hispanic", column, HIGH, "a separate Hispanic/Latino column")
            _set(guess, "hispanic_true", _spellings(yes), HIGH, "values that mean Hispanic")
            return
    guess.mapping["hispanic"] = None
    guess.mapping["hispanic_true"] = []


def area_codes_by_kind() -> dict[str, set[str]]:
    """The codes of the areas loaded in the portal, by kind (normalised as imports read them)."""
    from ovp.areas.models import Area

    codes: dict[str, set[str]] = {}
    for kind, code in Area.objects.values_list("kind", "code"):
        codes.setdefault(kind, set()).add(normalize_area_code(code))
    return codes
