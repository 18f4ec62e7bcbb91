"""How a city's export maps onto victims: presets for known exports, or a JSON mapping file.

A mapping names the columns that hold each field and how to read their values:

    {
      "shape": "victim",                  # a row per victim, or "incident" (a row per
                                           # incident with "killed" and "injured" counts)
      "incident_key": "INCIDENT_KEY",
      "victim_key": null,                 # a column unique per victim, if the export has one;
                                           # otherwise victims are numbered within their incident
      "date": "OCCUR_DATE", "date_format": "%m/%d/%Y",
      "date_rest": "time",                # after the date: a time ("time"; else the row is
                                           # rejected) or anything at all ("ignore")
      "time": "OCCUR_TIME", "time_format": "%H:%M:%S",
      "fatal": "STATISTICAL_MURDER_FLAG",
      "fatal_true": ["TRUE", "Y"], "fatal_false": ["FALSE", "N"],
      "killed": null, "injured": null,    # incident shape only
      "latitude": "Latitude", "longitude": "Longitude",
      "area_code": "PRECINCT", "area_kind": "precinct",
      "age": "VIC_AGE_GROUP", "age_values": {"<18": "<18", ...} or "years",
      "sex": "VIC_SEX", "sex_values": {"M": "male", "F": "female"},
      "race": "VIC_RACE", "race_values": {"BLACK": "black", ...},
      "hispanic": null, "hispanic_true": [],  # a separate Hispanic/Latino flag column
      "missing": ["", "(null)"],          # values that mean "not recorded"
      "keep": {"WEAPON": ["Gun"]}         # only rows whose columns hold these values (others
                                           # are counted as filtered out, not rejected)
    }

Values not in a value map count as unknown; a fatal flag outside both lists rejects the row.
"""

from dataclasses import asdict, dataclass, field, fields
from typing import Any

from django.core.exceptions import ValidationError

from ovp.areas.models import AreaKind
from ovp.incidents.models import AgeBand, IncidentSource, Race, Sex

# the code of the ValidationError an import raises for a file whose points lie mostly outside
# the city (importing/city_check.py): the upload page asks before going on
OTHER_CITY = "other_city"

# what may follow a date in its column: a time of day, or anything
REST_CHOICES = ("time", "ignore")


@dataclass(frozen=True)
class Mapping:
    incident_key: str
    date: str
    date_format: str
    shape: str = "victim"
    victim_key: str | None = None
    time: str | None = None
    time_format: str = "%H:%M:%S"
    fatal: str | None = None
    fatal_true: list[str] = field(default_factory=list)
    fatal_false: list[str] = field(default_factory=list)
    killed: str | None = None
    injured: str | None = None
    latitude: str | None = None
    longitude: str | None = None
    area_code: str | None = None
    area_kind: str = AreaKind.PRECINCT
    age: str | None = None
    age_values: dict[str, str] | str = field(default_factory=dict)
    sex: str | None = None
    sex_values: dict[str, str] = field(default_factory=dict)
    race: str | None = None
    race_values: dict[str, str] = field(default_factory=dict)
    hispanic: str | None = None
    hispanic_true: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=lambda: [""])
    date_rest: str = "time"
    keep: dict[str, list[str]] = field(default_factory=dict)

    def columns(self) -> list[str]:
        """Every column of the export this mapping reads."""
        names = [
            self.incident_key, self.victim_key, self.date, self.time, self.fatal, self.killed,
            self.injured, self.latitude, self.longitude, self.area_code, self.age, self.sex,
            self.race, self.hispanic, *self.keep,
        ]  # fmt: skip
        return [name for name in dict.fromkeys(names) if name]

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def _check_values(
    problems: list[str], name: str, values: dict[str, str], allowed: list[str]
) -> None:
    wrong = sorted({v for v in values.values() if v not in allowed})
    if wrong:
        problems.append(f"{name} maps to {', '.join(wrong)}; use {', '.join(allowed)}")


def mapping_from_json(document: Any) -> Mapping:
    """A Mapping from a JSON object, or a ValidationError naming every problem."""
    if not isinstance(document, dict):
        raise ValidationError("A mapping is a JSON object.")
    known = {f.name for f in fields(Mapping)}
    problems = [f"unknown setting {name!r}" for name in document if name not in known]
    for required in ("incident_key", "date", "date_format"):
        if not document.get(required):
            problems.append(f"{required!r} is required")
    if problems:
        raise ValidationError(problems)
    problems = _type_problems(document)
    if problems:
        raise ValidationError(problems)
    try:
        mapping = Mapping(**document)
    except TypeError as error:
        raise ValidationError(f"The mapping is malformed: {error}") from error
    for name in ("date_format", "time_format"):
        if not _format_works(getattr(mapping, name)):
            problems.append(f"{name} {getattr(mapping, name)!r} is not a date or time format")
    if mapping.date_rest not in REST_CHOICES:
        problems.append(
            '\'date_rest\' is "time" (a time may follow the date) or "ignore" (anything may)'
        )
    if mapping.shape not in ("victim", "incident"):
        problems.append("'shape' is 'victim' (a row per victim) or 'incident' (a row per incident)")
    if mapping.shape == "victim" and not mapping.fatal:
        problems.append("a row-per-victim export needs the 'fatal' column")
    if mapping.shape == "incident" and not (mapping.killed and mapping.injured):
        problems.append("a row-per-incident export needs 'killed' and 'injured' columns")
    if mapping.area_kind not in AreaKind.values:
        problems.append(f"'area_kind' is one of {', '.join(AreaKind.values)}")
    if bool(mapping.latitude) != bool(mapping.longitude):
        problems.append("give both 'latitude' and 'longitude', or neither")
    if isinstance(mapping.age_values, str) and mapping.age_values != "years":
        problems.append(
            "'age_values' is a map of values to age bands, or \"years\" for ages in years"
        )
    elif isinstance(mapping.age_values, dict):
        _check_values(problems, "age_values", mapping.age_values, AgeBand.values)
    _check_values(problems, "sex_values", mapping.sex_values, Sex.values)
    _check_values(problems, "race_values", mapping.race_values, Race.values)
    if problems:
        raise ValidationError(problems)
    return mapping


_TEXT_LISTS = ("fatal_true", "fatal_false", "hispanic_true", "missing")
_TEXT_MAPS = ("sex_values", "race_values")


def _type_problems(document: dict[str, Any]) -> list[str]:
    """Each setting of the right kind: column names are text, lists hold text, maps map
    text to text."""
    problems = []
    for name, value in document.items():
        if name in _TEXT_LISTS:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                problems.append(f"{name!r} is a list of values in quotes")
        elif name in _TEXT_MAPS or (name == "age_values" and not isinstance(value, str)):
            if not isinstance(value, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in value.items()
            ):
                problems.append(f"{name!r} maps values in quotes to values in quotes")
        elif name == "keep":
            if not isinstance(value, dict) or not all(
                isinstance(k, str) and isinstance(v, list) and all(isinstance(i, str) for i in v)
                for k, v in value.items()
            ):
                problems.append("'keep' maps column names to lists of values in quotes")
            elif any(not v for v in value.values()):
                problems.append("'keep' lists at least one value for each column it names")
        elif value is not None and not isinstance(value, str):
            problems.append(f"{name!r} is text in quotes")
    return problems


def _format_works(fmt: str) -> bool:
    from datetime import datetime

    try:
        sample = datetime(2000, 12, 31, 23, 59, 59).strftime(fmt)
        datetime.strptime(sample, fmt)
    except ValueError:
        return False
    return "%" in fmt


# the bands of AgeBand (all but "unknown"), as exports that use bands write them
AGE_BANDS = [band for band in AgeBand.values if band != AgeBand.UNKNOWN]

NYPD_RACES = {
    "BLACK": "black",
    "WHITE HISPANIC": "hispanic",
    "BLACK HISPANIC": "hispanic",
    "WHITE": "white",
    "ASIAN / PACIFIC ISLANDER": "asian_pacific",
    "AMERICAN INDIAN/ALASKAN NATIVE": "native",
}

PRESETS: dict[str, Mapping] = {
    # NYPD Shooting Incident Data: Historic and Year-To-Date layouts (TRUE/FALSE or Y/N,
    # "(null)" for missing values); a row per victim, no victim id.
    "nypd": Mapping(
        incident_key="INCIDENT_KEY",
        date="OCCUR_DATE",
        date_format="%m/%d/%Y",
        time="OCCUR_TIME",
        fatal="STATISTICAL_MURDER_FLAG",
        fatal_true=["TRUE", "True", "true", "Y"],
        fatal_false=["FALSE", "False", "false", "N"],
        latitude="Latitude",
        longitude="Longitude",
        area_code="PRECINCT",
        area_kind=AreaKind.PRECINCT,
        age="VIC_AGE_GROUP",
        age_values={band: band for band in AGE_BANDS},
        sex="VIC_SEX",
        sex_values={"M": "male", "F": "female"},
        race="VIC_RACE",
        race_values=NYPD_RACES,
        missing=["", "(null)", "(NULL)", "UNKNOWN", "U"],
    ),
    # Philadelphia shooting victims (City Controller's export); objectid is per victim.
    "philadelphia": Mapping(
        incident_key="dc_key",
        victim_key="objectid",
        date="date_",
        date_format="%Y-%m-%d",
        time="time",
        fatal="fatal",
        fatal_true=["1", "1.0"],
        fatal_false=["0", "0.0"],
        latitude="lat",
        longitude="lng",
        area_code="dist",
        area_kind=AreaKind.DISTRICT,
        age="age",
        age_values="years",
        sex="sex",
        sex_values={"M": "male", "F": "female"},
        race="race",
        race_values={"B": "black", "W": "white", "A": "asian_pacific", "I": "native", "O": "other"},
        hispanic="latino",
        hispanic_true=["1", "1.0"],
    ),
}


def mapping_for(*, preset: str | None = None, mapping_json: Any = None) -> Mapping:
    if preset:
        if preset not in PRESETS:
            raise ValidationError(f"Unknown preset {preset!r}; use one of {', '.join(PRESETS)}.")
        return PRESETS[preset]
    return mapping_from_json(mapping_json)


def source_mapping(source: IncidentSource) -> Mapping:
    """The mapping a source's exports are read with: its preset's, or its own."""
    return mapping_for(preset=source.preset or None, mapping_json=source.mapping)
