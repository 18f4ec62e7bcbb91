import json
from datetime import date
from io import BytesIO, StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection

from ovp.incidents.importing import columns, merging, reading
from ovp.incidents.mapping import PRESETS, mapping_from_json
from ovp.incidents.models import DirtyDay, ImportRun, ImportStatus, Victim, VictimChange
from ovp.incidents.services import incidents_import, source_for
from tests.builders import NYPD_HEADER, nypd_csv, nypd_row, shared_data

pytestmark = pytest.mark.django_db
SUMMARY_KEYS = {
    "rows_read", "victims", "incidents", "fatal_victims", "rejected", "placed_by_point",
    "placed_by_code", "unplaced", "added", "changed", "removed",
}  # fmt: skip


def run_import(rows, source, mapping=PRESETS["nypd"], **kwargs):
    return incidents_import(
        location=nypd_csv(rows), mapping=mapping, source=source, today=date(2025, 1, 1), **kwargs
    )


def test_real_nypd_historic_export_gives_the_known_counts(two_precincts):
    call_command("load_areas", str(shared_data("nyc_police_precincts.geojson")), kind="precinct",
                 code_field="precinct", stdout=StringIO())  # fmt: skip
    out = StringIO()
    call_command("import_incidents", str(shared_data("nypd_shooting_historic_2006_2019.csv")), preset="nypd",
                 json=True, stdout=out)  # fmt: skip
    summary = json.loads(out.getvalue())
    assert set(summary) >= SUMMARY_KEYS
    assert summary["rows_read"] == summary["victims"] == 21_626
    assert summary["incidents"] == 17_031
    assert summary["fatal_victims"] == 4_127
    assert summary["rejected"] == 0
    assert summary["placed_by_point"] + summary["placed_by_code"] + summary["unplaced"] == 21_626
    assert summary["placed_by_point"] > 21_500
    assert summary["added"] == 21_626
    boroughs_are_not_stored = Victim.objects.filter(incident_key="201575314").count()
    assert boroughs_are_not_stored >= 1

    again = StringIO()
    call_command("import_incidents", str(shared_data("nypd_shooting_historic_2006_2019.csv")), preset="nypd",
                 json=True, stdout=again)  # fmt: skip
    second = json.loads(again.getvalue())
    assert (second["added"], second["changed"], second["removed"]) == (0, 0, 0)
    assert Victim.objects.count() == 21_626


def test_real_philadelphia_export_gives_the_known_counts():
    call_command("load_areas", str(shared_data("philadelphia_police_districts.geojson")), kind="district",
                 code_field="DIST_NUM", stdout=StringIO())  # fmt: skip
    source = source_for(name="philadelphia", preset="philadelphia")
    run = incidents_import(location=str(shared_data("philadelphia_shootings_2015_2023-08-22.csv")),
                           mapping=PRESETS["philadelphia"], source=source)  # fmt: skip
    summary = run.summary
    assert summary["victims"] == 14_861
    assert summary["incidents"] == 13_455
    assert summary["fatal_victims"] == 3_049
    assert summary["fatal_unknown"] == 110
    # 574 rows have no coordinates: they fall back to the district code
    assert summary["placed_by_point"] == 14_861 - 574
    assert summary["placed_by_code"] + summary["unplaced"] == 574
    assert summary["placed_by_code"] > 550


def test_year_to_date_layout_with_y_n_nulls_and_zero_coordinates(two_precincts, nypd_source):
    header = [*NYPD_HEADER[:6], "LOC_OF_OCCUR_DESC", "LOC_CLASSFCTN_DESC", *NYPD_HEADER[6:]]
    rows = [
        {**nypd_row("1", "01/05/2024", fatal="Y"), "LOC_OF_OCCUR_DESC": "OUTSIDE", "LOC_CLASSFCTN_DESC": "STREET"},
        {**nypd_row("2", "01/06/2024", fatal="N", lat="0", lon="0", precinct="2", age="(null)", sex="(null)",
                    race="(null)"), "LOC_OF_OCCUR_DESC": "(null)", "LOC_CLASSFCTN_DESC": "(null)"},
        {**nypd_row("3", "01/07/2024", lat="0", lon="0", precinct="(null)"), "LOC_OF_OCCUR_DESC": "",
         "LOC_CLASSFCTN_DESC": ""},
    ]  # fmt: skip
    run = incidents_import(location=nypd_csv(rows, header=header), mapping=PRESETS["nypd"], source=nypd_source,
                           today=date(2025, 1, 1))  # fmt: skip
    assert run.summary["fatal_victims"] == 1
    assert (
        run.summary["placed_by_point"],
        run.summary["placed_by_code"],
        run.summary["unplaced"],
    ) == (1, 1, 1)
    by_key = {v.incident_key: v for v in Victim.objects.all()}
    assert by_key["2"].area_ids == [two_precincts[1].pk]  # by its code, never by 0,0
    assert by_key["2"].placement == "code"
    assert (by_key["2"].age_band, by_key["2"].sex, by_key["2"].race) == (
        "unknown",
        "unknown",
        "unknown",
    )
    assert by_key["3"].area_ids == [-1] and by_key["3"].placement == "none"  # precinct's marker


def test_multi_victim_incidents_count_once(two_precincts, nypd_source):
    rows = [
        nypd_row("7", "03/01/2024"),
        nypd_row("7", "03/01/2024", fatal="TRUE"),
        nypd_row("8", "03/02/2024"),
    ]
    run = run_import(rows, nypd_source)
    assert (run.summary["victims"], run.summary["incidents"]) == (3, 2)
    assert sorted(Victim.objects.values_list("record_key", "first_of_incident")) == [
        ("7#1", True),
        ("7#2", False),
        ("8#1", True),
    ]


def test_a_revised_export_records_what_was_added_changed_and_removed(two_precincts, nypd_source):
    first = [nypd_row("1", "03/01/2024"), nypd_row("2", "03/02/2024"), nypd_row("3", "04/03/2024")]
    run_import(first, nypd_source)
    DirtyDay.objects.all().delete()
    revised = [
        nypd_row("1", "03/01/2024", fatal="TRUE"),
        nypd_row("2", "03/02/2024"),
        nypd_row("4", "05/04/2024"),
    ]
    run = run_import(revised, nypd_source)
    assert (run.summary["added"], run.summary["changed"], run.summary["removed"]) == (1, 1, 1)
    changed = VictimChange.objects.get(import_run=run, kind="changed")
    assert changed.victim.record_key == "1#1" and changed.previous["fatal"] is False
    assert changed.victim.fatal is True
    removed = VictimChange.objects.get(import_run=run, kind="removed")
    assert removed.victim.record_key == "3#1"
    removed.victim.refresh_from_db()
    assert removed.victim.removed_at is not None  # kept for audit, not deleted
    assert sorted(Victim.objects.current().values_list("record_key", flat=True)) == [
        "1#1",
        "2#1",
        "4#1",
    ]
    assert set(DirtyDay.objects.values_list("day", flat=True)) == {
        date(2024, 3, 1),
        date(2024, 4, 3),
        date(2024, 5, 4),
    }

    back = run_import(first, nypd_source)
    assert back.summary["changed"] == 2  # 1#1 changed back, 3#1 restored
    assert VictimChange.objects.filter(import_run=back, kind="restored").count() == 1


@pytest.mark.parametrize(
    "revision",
    [
        {"day": "03/02/2024"}, {"time": "07:00:00"}, {"time": ""}, {"fatal": "TRUE"},
        {"age": "18-24"}, {"sex": "F"}, {"race": "WHITE"}, {"lat": "40.006"}, {"lon": ""},
        {"precinct": "2"},
    ],
)  # fmt: skip
def test_a_change_in_any_field_the_export_gives_is_recorded(two_precincts, nypd_source, revision):
    run_import([nypd_row("1", "03/01/2024"), nypd_row("2", "03/01/2024")], nypd_source)
    again = run_import([nypd_row("1", "03/01/2024"), nypd_row("2", "03/01/2024")], nypd_source)
    assert (again.summary["changed"], again.summary["added"]) == (0, 0)  # the same file again
    revised = [nypd_row("1", **{"day": "03/01/2024", **revision}), nypd_row("2", "03/01/2024")]
    run = run_import(revised, nypd_source)
    assert (run.summary["changed"], run.summary["added"], run.summary["removed"]) == (1, 0, 0)
    assert VictimChange.objects.get(import_run=run).victim.record_key == "1#1"


def test_a_victim_whose_row_is_rejected_in_a_revised_export_is_kept(two_precincts, nypd_source):
    run_import([nypd_row("1", "03/01/2024"), nypd_row("2", "03/01/2024")], nypd_source)
    revised = [nypd_row("1", "03/01/2024", fatal="maybe"), nypd_row("2", "03/01/2024")]
    run = run_import(revised, nypd_source)
    assert (run.summary["rejected"], run.summary["removed"]) == (1, 0)
    # a row the portal could not read says nothing of whether its victim is still there
    assert Victim.objects.current().filter(record_key="1#1").exists()


def test_bad_rows_are_listed_with_line_and_reason_and_the_rest_imported(two_precincts, nypd_source):
    rows = [
        nypd_row("1", "03/01/2024"),
        nypd_row("", "03/01/2024"),
        nypd_row("3", "2024-03-01"),
        nypd_row("4", "03/01/2030"),
        nypd_row("5", "03/01/2024", fatal="MAYBE"),
        nypd_row("6", "02/30/2024"),
    ]
    run = run_import(rows, nypd_source)
    assert run.summary["rejected"] == 5 and run.summary["victims"] == 1
    report = run.rejected_report.splitlines()
    assert report[0] == "line,key,reason"
    assert report[1] == "3,,no incident key in INCIDENT_KEY"
    assert report[2] == "4,3,date is not %m/%d/%Y"
    assert report[3] == "5,4,date is in the future"
    assert report[4].startswith('6,5,"fatal flag is not one of TRUE')
    assert report[5] == "7,6,date is not %m/%d/%Y"


def test_a_file_without_the_mapped_columns_is_refused_whole(nypd_source):
    with pytest.raises(ValidationError, match="no column 'OCCUR_DATE'"):
        run_import_file = nypd_csv([{"INCIDENT_KEY": "1"}], header=["INCIDENT_KEY"])
        incidents_import(location=run_import_file, mapping=PRESETS["nypd"], source=nypd_source)
    run = ImportRun.objects.get()
    assert run.status == ImportStatus.FAILED and "OCCUR_DATE" in run.error
    assert not Victim.objects.exists()


def test_an_import_that_fails_while_saving_leaves_nothing(two_precincts, nypd_source, monkeypatch):
    run_import([nypd_row("1", "03/01/2024")], nypd_source)

    def broken_merge(cursor, blocks, tally, **kwargs):
        cursor.execute("DELETE FROM incidents_victim")  # half the work...
        raise RuntimeError("the database went away")

    monkeypatch.setattr(merging, "merge", broken_merge)
    with pytest.raises(RuntimeError):
        run_import([nypd_row("1", "03/01/2024"), nypd_row("2", "03/02/2024")], nypd_source)
    assert list(Victim.objects.values_list("record_key", flat=True)) == ["1#1"]
    assert ImportRun.objects.order_by("-id").first().status == ImportStatus.FAILED


def test_row_per_incident_exports_become_one_row_per_victim(two_precincts):
    mapping = mapping_from_json({
        "shape": "incident", "incident_key": "id", "date": "day", "date_format": "%Y-%m-%d",
        "killed": "n_killed", "injured": "n_injured", "latitude": "lat", "longitude": "lon",
        "area_code": "precinct", "area_kind": "precinct",
    })  # fmt: skip
    export = b"id,day,n_killed,n_injured,lat,lon,precinct\nA,2024-05-01,2,1,40.005,-74.995,1\nB,2024-05-02,0,0,,,2\nC,2024-05-03,0,1,,,2\n"
    from io import BytesIO

    run = incidents_import(location=BytesIO(export), mapping=mapping, source=source_for(name="gva", mapping=mapping),
                           today=date(2025, 1, 1))  # fmt: skip
    assert (run.summary["victims"], run.summary["incidents"], run.summary["fatal_victims"]) == (
        4,
        2,
        2,
    )
    # an incident in which no one was hurt is not an error: counted apart, not rejected
    assert (run.summary["rejected"], run.summary["no_victims"]) == (0, 1)
    assert run.rejected_report == ""
    assert run.summary["placed_by_code"] == 1


def test_mapping_files_are_checked_with_clear_messages():
    with pytest.raises(ValidationError) as error:
        mapping_from_json({"shape": "row", "incident_key": "id", "colour": "red", "date": "d"})
    messages = " ".join(error.value.messages)
    assert "unknown setting 'colour'" in messages and "'date_format' is required" in messages
    with pytest.raises(ValidationError, match="needs the 'fatal' column"):
        mapping_from_json({"incident_key": "id", "date": "d", "date_format": "%Y"})
    with pytest.raises(ValidationError, match="sex_values maps to man"):
        mapping_from_json({"incident_key": "id", "date": "d", "date_format": "%Y", "fatal": "f",
                           "sex_values": {"M": "man"}})  # fmt: skip


def test_import_command_explains_what_went_wrong(tmp_path):
    with pytest.raises(CommandError, match="There is no file at"):
        call_command("import_incidents", str(tmp_path / "missing.csv"), preset="nypd")
    bad = tmp_path / "mapping.json"
    bad.write_text("{nope")
    with pytest.raises(CommandError, match="Cannot read the mapping"):
        call_command("import_incidents", str(tmp_path / "x.csv"), mapping=str(bad))


def test_a_file_read_in_many_blocks_gives_the_same_victims(two_precincts, monkeypatch):
    rows = [
        nypd_row(str(n // 3), "03/01/2024", fatal="TRUE" if n % 7 == 0 else "FALSE")
        for n in range(90)
    ]
    rows += [nypd_row("0", "03/02/2024")]  # an incident whose victims are far apart in the file
    rows += [nypd_row("bad", "99/99/2024")]
    whole = run_import(rows, source_for(name="whole", preset="nypd"))
    monkeypatch.setattr(reading, "BLOCK_SIZE", 1024)  # a handful of rows per block
    blocks = run_import(rows, source_for(name="blocks", preset="nypd"))
    for key in (
        "rows_read",
        "victims",
        "incidents",
        "fatal_victims",
        "rejected",
        "placed_by_point",
    ):
        assert blocks.summary[key] == whole.summary[key], key
    assert blocks.rejected_report == whole.rejected_report
    assert "93,bad," in blocks.rejected_report  # line numbers run on across blocks

    def keys(source: str) -> list:
        return sorted(
            Victim.objects.filter(source__name=source).values_list(
                "record_key", "first_of_incident"
            )
        )

    assert keys("blocks") == keys("whole")
    assert ("0#4", False) in keys("blocks")


def test_victim_keys_repeated_across_blocks_are_rejected(two_precincts, monkeypatch):
    header = "objectid,dc_key,date_,time,fatal,lat,lng,dist,age,sex,race,latino\n"
    line = "{},{},2021-08-01 00:00:00+00,02:40:00,0,40.005,-74.995,1,25,M,B,0\n"
    body = "".join(line.format(n, 100 + n) for n in range(60)) + line.format(5, 999)
    monkeypatch.setattr(reading, "BLOCK_SIZE", 512)
    run = incidents_import(location=BytesIO((header + body).encode()), mapping=PRESETS["philadelphia"],
                           source=source_for(name="philly", preset="philadelphia"), today=date(2025, 1, 1))  # fmt: skip
    assert run.summary["victims"] == 60 and run.summary["rejected"] == 1
    assert "objectid appears twice" in run.rejected_report


def keys_and_indexes() -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'incidents_victim'::regclass OR confrelid = 'incidents_victim'::regclass "
            "UNION SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'incidents_victim'"
        )
        return set(cursor.fetchall())


def test_a_first_import_into_an_empty_table_keeps_its_keys_indexes_and_ids_in_order(two_precincts):
    before = keys_and_indexes()
    assert len([name for name, _ in before if "fk" in name]) == 1  # VictimChange's
    first = run_import([nypd_row(str(n), "03/01/2024") for n in range(5)], source_for(name="a"))
    assert keys_and_indexes() == before
    ids = list(Victim.objects.order_by("id").values_list("id", flat=True))
    assert ids == list(range(ids[0], ids[0] + 5))
    # the next import draws ids after them; the keys hold
    run_import([nypd_row(str(n), "03/02/2024") for n in range(3)], source_for(name="b"))
    later = list(Victim.objects.filter(source__name="b").values_list("id", flat=True))
    assert min(later) > ids[-1]
    with pytest.raises(IntegrityError):
        Victim.objects.create(**{
            **Victim.objects.values().get(id=ids[0]), "id": None,
        })  # fmt: skip
    assert first.summary["added"] == 5


def test_the_rows_sent_to_the_database_have_the_victims_columns():
    assert columns.VICTIM_SCHEMA.names == columns.VICTIM_COLUMNS
    assert columns.victim_schema(ids=True).names == ["id", *columns.VICTIM_COLUMNS]
