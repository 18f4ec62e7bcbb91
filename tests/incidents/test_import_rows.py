"""Rows an import keeps, filters out, counts apart and flags: a row filter, incidents in which
no one was hurt, and real mass shootings (no cap below what can be true)."""

import json
from datetime import date
from io import BytesIO, StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from ovp.incidents.importing import incidents_import
from ovp.incidents.mapping import mapping_from_json
from ovp.incidents.services import source_for

pytestmark = pytest.mark.django_db

INCIDENTS = {"shape": "incident", "incident_key": "id", "date": "day",
             "date_format": "%B %d, %Y", "killed": "killed", "injured": "injured"}  # fmt: skip


def _import(text: str, document: dict):
    mapping = mapping_from_json(document)
    return incidents_import(location=BytesIO(text.encode()), mapping=mapping,
                            source=source_for(name="t", mapping=mapping), today=date(2025, 1, 1))  # fmt: skip


def test_a_mass_shooting_is_kept_and_flagged_not_rejected():
    run = _import(
        'id,day,killed,injured\nLV,"October 01, 2017",60,411\nB,"September 30, 2019",1,2\n',
        INCIDENTS,
    )
    assert (run.summary["victims"], run.summary["fatal_victims"], run.summary["rejected"]) == (
        474,
        61,
        0,
    )
    assert run.summary["large_incidents"] == [
        {"line": 2, "key": "LV", "killed": 60, "injured": 411}
    ]


def test_what_cannot_be_true_is_refused():
    run = _import(
        'id,day,killed,injured\nA,"May 01, 2020",-1,2\nB,"May 01, 2020",1.5,0\n'
        'C,"May 01, 2020",9000,0\nD,"May 01, 2020",1,0\n',
        INCIDENTS,
    )
    assert (run.summary["victims"], run.summary["rejected"]) == (1, 3)
    assert "more than 5,000 people in one row" in run.rejected_report


def test_an_incident_with_no_one_hurt_is_counted_apart_and_said_in_the_json(tmp_path):
    path = tmp_path / "gva.csv"
    path.write_text('id,day,killed,injured\nA,"May 01, 2020",0,0\nB,"May 02, 2020",0,1\n')
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps(INCIDENTS))
    out = StringIO()
    call_command("import_incidents", str(path), "--mapping", str(mapping), "--json", stdout=out)
    summary = json.loads(out.getvalue())
    assert (summary["victims"], summary["no_victims"], summary["rejected"]) == (1, 1, 0)
    out = StringIO()
    call_command("import_incidents", str(path), "--mapping", str(mapping), stdout=out)
    assert "1 with no one hurt" in out.getvalue()


def test_a_row_filter_keeps_only_what_the_mapping_says_and_counts_the_rest_apart():
    mapping = {"incident_key": "id", "date": "day", "date_format": "%Y-%m-%d", "fatal": "dead",
               "fatal_true": ["Y"], "fatal_false": ["N"],
               "keep": {"weapon": ["Gun", "Firearm"], "role": ["Victim"]}}  # fmt: skip
    run = _import(
        "id,day,dead,weapon,role\n"
        "1,2020-01-01,Y,Gun,Victim\n"
        "2,2020-01-01,N,Knife,Victim\n"  # not a shooting
        "3,2020-01-01,N,Firearm,Suspect\n"  # not a victim
        "4,not a date,Y,Knife,Victim\n"  # filtered out before it is read: not an error
        "5,2020-01-02,N,Firearm,Victim\n",
        mapping,
    )
    assert (run.summary["victims"], run.summary["filtered_out"], run.summary["rejected"]) == (
        2,
        3,
        0,
    )
    with pytest.raises(Exception, match="keep"):
        mapping_from_json({**mapping, "keep": {"weapon": "Gun"}})


def test_a_filter_compares_without_case_and_one_that_keeps_nothing_changes_nothing():
    mapping = {"incident_key": "id", "date": "day", "date_format": "%Y-%m-%d", "fatal": "dead",
               "fatal_true": ["Y"], "fatal_false": ["N"], "keep": {"weapon": ["gun"]}}  # fmt: skip
    text = "id,day,dead,weapon\n1,2020-01-01,Y,GUN\n2,2020-01-01,N,Knife\n"
    assert _import(text, mapping).summary["victims"] == 1
    # a filter that keeps none of the rows would mark every victim of the source removed
    wrong = {**mapping, "keep": {"weapon": ["firearm"]}}
    with pytest.raises(ValidationError, match="keeps none of the file's 2 rows"):
        _import(text, wrong)
    from ovp.incidents.models import Victim

    assert Victim.objects.filter(removed_at__isnull=True).count() == 1
    with pytest.raises(ValidationError, match="at least one value"):
        mapping_from_json({**mapping, "keep": {"weapon": []}})
