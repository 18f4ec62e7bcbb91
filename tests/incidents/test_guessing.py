"""Guessing an export's mapping: synthetic layouts made here, and the real cities' exports
(their guessed mapping reads exactly what the careful hand-made presets read)."""

import io
import random
from datetime import date, datetime, timedelta

import pandas as pd
import pytest

from ovp.incidents.importing.guessing import Sample, guess_mapping, read_sample
from ovp.incidents.mapping import PRESETS, mapping_from_json

DISTRICTS = {"district": {str(n) for n in range(1, 8)}}


def _csv(rows: list[dict]) -> io.BytesIO:
    return io.BytesIO(pd.DataFrame(rows).to_csv(index=False).encode())


def _victim_rows(count: int = 600) -> list[dict]:
    """A row per victim, one timestamp column with AM/PM, district codes, no coordinates, the
    vocabularies of a US city's open-data portal."""
    draw = random.Random(7)
    rows = []
    start = datetime(2004, 1, 1, 5)
    for number in range(count):
        incident = f"I-{number // 2:05d}"  # two victims per incident
        when = start + timedelta(hours=draw.randrange(0, 24 * 700))
        rows.append(
            {
                "Case Number": incident,
                "Victim ID": f"V{number:06d}",
                "Occurred": f"{when.month}/{when.day}/{when.year} "
                + when.strftime("%I:%M:%S %p").lstrip("0"),
                "Reported On": (when + timedelta(days=3)).strftime("%Y-%m-%d"),
                "Victim Outcome": draw.choice(["Fatal", "Non-Fatal", "Non-Fatal"]),
                "Police District": str(draw.randrange(1, 8)),
                "Victim Age": str(draw.randrange(12, 80)),
                "Victim Gender": draw.choice(["Male", "Male", "Female", "Unknown"]),
                "Victim Race": draw.choice(
                    ["Black or African American", "White", "Asian", "Unknown"]
                ),
                "Victim Ethnicity": draw.choice(["Hispanic or Latinx", "Not Hispanic or Latinx"]),
                "Suspect Race": draw.choice(["Black", "White"]),
            }
        )
    return rows


def _incident_rows(count: int = 400) -> list[dict]:
    """A row per incident with killed and injured counts and dates with month names."""
    draw = random.Random(11)
    rows = []
    for number in range(count):
        day = date(2019, 1, 1) + timedelta(days=draw.randrange(0, 365))
        rows.append(
            {
                "Incident ID": str(1_000_000 + number),
                "Incident Date": day.strftime("%B %d, %Y"),
                "State": "Illinois",
                "# Killed": str(draw.choice([0, 0, 1, 2])),
                "# Injured": str(draw.choice([1, 1, 2, 4])),
                "Latitude": f"{41.8 + draw.random() / 10:.6f}",
                "Longitude": f"{-87.7 + draw.random() / 10:.6f}",
            }
        )
    return rows


def test_a_victim_per_row_export_with_one_timestamp_and_district_codes():
    guess = guess_mapping(read_sample(_csv(_victim_rows())), DISTRICTS)
    mapping = guess.mapping
    assert mapping["shape"] == "victim"
    assert mapping["incident_key"] == "Case Number"
    assert mapping["victim_key"] == "Victim ID"
    # the occurrence date, not the report date; its time is in the same column
    assert (mapping["date"], mapping["date_format"]) == ("Occurred", "%m/%d/%Y")
    assert (mapping["time"], mapping["time_format"]) == ("Occurred", "%I:%M:%S %p")
    assert mapping["fatal"] == "Victim Outcome"
    assert "Fatal" in mapping["fatal_true"] and "Non-Fatal" in mapping["fatal_false"]
    assert (mapping["area_code"], mapping["area_kind"]) == ("Police District", "district")
    assert mapping["latitude"] is None and mapping["longitude"] is None
    assert mapping["age_values"] == "years"
    assert mapping["sex_values"] == {"Male": "male", "Female": "female"}
    # the victim's race, not the suspect's; "Unknown" is not recorded, so left unmapped
    assert mapping["race"] == "Victim Race"
    assert mapping["race_values"] == {
        "Asian": "asian_pacific",
        "Black or African American": "black",
        "White": "white",
    }
    assert mapping["hispanic"] == "Victim Ethnicity"
    assert mapping["hispanic_true"] == ["Hispanic or Latinx"]
    assert any(text.startswith("coordinates") for text in guess.undecided)
    assert mapping_from_json(mapping)  # complete and valid
    assert guess.fields["area_code"].confidence == "high"
    assert "codes of the portal's district areas" in guess.fields["area_code"].reason


def test_an_incident_per_row_export_with_counts_and_month_names():
    guess = guess_mapping(read_sample(_csv(_incident_rows())), {})
    mapping = guess.mapping
    assert mapping["shape"] == "incident"
    assert (mapping["killed"], mapping["injured"]) == ("# Killed", "# Injured")
    assert mapping["incident_key"] == "Incident ID"
    assert mapping["victim_key"] is None
    assert (mapping["date"], mapping["date_format"]) == ("Incident Date", "%B %d, %Y")
    assert mapping["time"] is None
    assert (mapping["latitude"], mapping["longitude"]) == ("Latitude", "Longitude")
    assert mapping["area_code"] is None
    assert mapping_from_json(mapping)


def test_an_ambiguous_day_and_month_is_said_to_be_ambiguous():
    rows = [{"case_id": str(n), "date": f"0{n % 9 + 1}/0{n % 7 + 1}/2020", "fatal": "Y"}
            for n in range(50)]  # fmt: skip
    guess = guess_mapping(Sample.of(pd.DataFrame(rows)), {})
    assert guess.mapping["date_format"] == "%m/%d/%Y"
    assert guess.fields["date_format"].confidence == "low"
    assert "%d/%m/%Y reads them too" in guess.fields["date_format"].reason


def test_a_value_the_sample_missed_is_mapped_from_the_whole_file():
    """The sample is runs of rows; a race written once in a long file is still mapped."""
    rows = [{"incident": str(n), "date": "2020-01-01", "fatal": "N", "race": "B"}
            for n in range(20_000)]  # fmt: skip
    rows[12_345]["race"] = "I"
    sample = read_sample(_csv(rows), rows=400, runs=4)
    assert "I" not in set(sample.rows["race"])
    assert guess_mapping(sample, {}).mapping["race_values"] == {"B": "black", "I": "native"}


def test_the_sample_is_spread_over_the_file():
    rows = [{"incident": str(n), "date": "2020-01-01"} for n in range(50_000)]
    sample = read_sample(_csv(rows), rows=1000, runs=10)
    numbers = sample.rows["incident"].astype(int)
    assert len(sample.rows) == 1000
    assert numbers.min() == 0 and numbers.max() > 44_000
    assert numbers.diff().eq(1).sum() >= 980  # runs of consecutive rows


def test_undecided_fields_are_named_when_nothing_fits():
    guess = guess_mapping(Sample.of(pd.DataFrame([{"a": "x", "b": "y"}])), {})
    named = " ".join(guess.undecided)
    assert "incident_key" in named and "date" in named and "fatal" in named
    assert guess.valid_mapping() is None


# ------------------------------------------------------------------------------ real cities


@pytest.mark.parametrize("city", ["nypd", "philadelphia"])
def test_a_real_export_guessed_reads_as_its_hand_made_mapping(city, db):
    from django.core.management import call_command

    from ovp.incidents.importing.guessing import area_codes_by_kind
    from tests.builders import shared_data
    from tests.incidents.real_cities import CITIES

    export, boundaries, kind, code_field = CITIES[city]
    path = shared_data(export)
    call_command("load_areas", str(shared_data(boundaries)), kind=kind, code_field=code_field,
                 stdout=io.StringIO())  # fmt: skip
    guess = guess_mapping(read_sample(str(path)), area_codes_by_kind())
    guessed = mapping_from_json(guess.mapping)
    assert guess.undecided == []
    assert _read(path, guessed) == _read(path, PRESETS[city])


def _read(path, mapping) -> dict:
    """What an import of the file with the mapping would store, as counts."""
    from ovp.incidents.importing import normalize, read_export

    found = normalize(read_export(str(path), mapping), mapping, today=date(2026, 12, 1))
    victims = found.victims
    return {
        "victims": len(victims),
        "rejected": len(found.rejected),
        "incidents": victims["incident_key"].nunique(),
        "fatal": victims["fatal"].value_counts(dropna=False).to_dict(),
        "days": victims["occurred_on"].astype(str).value_counts().to_dict(),
        "hours": victims["hour"].value_counts(dropna=False).to_dict(),
        "age": victims["age_band"].value_counts().to_dict(),
        "sex": victims["sex"].value_counts().to_dict(),
        "race": victims["race"].value_counts().to_dict(),
        "areas": victims["reported_area_code"].value_counts().to_dict(),
        "placed": int(victims["latitude"].notna().sum()),
        "keys": sorted(victims["record_key"])[:50],
    }


def test_the_command_prints_a_mapping_import_incidents_reads(tmp_path, db):
    import json

    from django.core.management import call_command

    path = tmp_path / "export.csv"
    path.write_bytes(_csv(_incident_rows()).getvalue())
    out = io.StringIO()
    call_command("guess_mapping", str(path), "--json", stdout=out)
    printed = json.loads(out.getvalue())
    assert mapping_from_json(printed["mapping"]).shape == "incident"
    assert printed["fields"]["killed"] == {
        "value": "# Killed",
        "confidence": "high",
        "reason": "whole numbers; the name says killed",
    }
    out = io.StringIO()
    call_command("guess_mapping", str(path), stdout=out)
    assert "Not decided" in out.getvalue() and "area_code" in out.getvalue()
    assert "import_incidents" in out.getvalue()


# ------------------------------------------------------------------------------ what a guess must not take


def test_a_killed_count_of_zeros_and_ones_beside_an_injured_count_is_a_count_not_a_flag():
    rows = [{"Incident ID": str(n), "Incident Date": "2020-05-01",
             "Victims Killed": str(n % 2), "Victims Injured": str(n % 4)} for n in range(200)]  # fmt: skip
    mapping = guess_mapping(Sample.of(pd.DataFrame(rows)), {}).mapping
    assert mapping["shape"] == "incident"
    assert (mapping["killed"], mapping["injured"]) == ("Victims Killed", "Victims Injured")


def test_a_report_date_and_time_are_not_the_incident_key_nor_the_time():
    rows = [{"Report Date": f"06/{10 + n % 9}/2005", "Report Time": "22:00",
             "Incident Number": f"R{n // 2:05d}", "Occurred": f"6/{1 + n % 9}/2005 7:00:00 PM",
             "Died": "N", "Pct": "1"} for n in range(300)]  # fmt: skip
    mapping = guess_mapping(Sample.of(pd.DataFrame(rows)), {}).mapping
    assert mapping["incident_key"] == "Incident Number"
    assert (mapping["date"], mapping["time"]) == ("Occurred", "Occurred")
    assert mapping["time_format"] == "%I:%M:%S %p"


def test_a_month_or_a_flag_is_not_an_area_code_though_its_values_are_codes():
    codes = {"precinct": {str(n) for n in range(1, 78)}}
    rows = [{"case": str(n), "date": "2020-05-01", "fatal": "N", "Month": str(1 + n % 12),
             "inside": str(n % 2), "Beat": str(20 + n % 40)} for n in range(400)]  # fmt: skip
    guess = guess_mapping(Sample.of(pd.DataFrame(rows)), codes)
    assert guess.mapping["area_code"] == "Beat"
    rows = [{key: value for key, value in row.items() if key != "Beat"} for row in rows]
    guess = guess_mapping(Sample.of(pd.DataFrame(rows)), codes)
    assert guess.mapping["area_code"] is None
    # no code column: the kind is the city's own (the one loaded), so points count there
    assert guess.mapping["area_kind"] == "precinct"


def test_a_file_with_a_repeated_column_name_is_refused_with_its_name():
    with pytest.raises(ValueError, match="more than one column named date"):
        read_sample(io.BytesIO(b"id,date,date\n1,2020-01-01,2020-01-02\n"))


def test_a_column_of_all_different_values_gets_no_value_map():
    rows = [{"case": str(n), "date": "2020-05-01", "fatal": "N", "race": f"R{n}"}
            for n in range(500)]  # fmt: skip
    guess = guess_mapping(read_sample(_csv(rows)), {})
    assert guess.mapping["race_values"] == {}
    assert any("more than 200 different values" in line for line in guess.undecided)
