"""Another city's file does not land quietly: the import says so and asks; when told to go on,
area codes place only rows without a usable point, or just outside the city's edge."""

import dataclasses
from datetime import date
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from ovp.incidents.importing import incidents_import
from ovp.incidents.mapping import OTHER_CITY, PRESETS
from ovp.incidents.models import ImportRun
from ovp.incidents.services import source_for
from tests.builders import nypd_csv, nypd_row, shared_data

pytestmark = pytest.mark.django_db


def _elsewhere(count: int = 30) -> list[dict]:
    """Rows far from the test city (two precincts near -75, 40), with its precinct codes."""
    return [nypd_row(f"far{n}", "05/01/2024", lat="41.88", lon="-87.63", precinct="1")
            for n in range(count)]  # fmt: skip


def _import(rows, **options):
    return incidents_import(location=nypd_csv(rows), mapping=PRESETS["nypd"],
                            source=source_for(name="t", preset="nypd"), today=date(2025, 1, 1),
                            **options)  # fmt: skip


def test_a_file_whose_points_lie_elsewhere_is_refused_with_a_reason(two_precincts):
    with pytest.raises(ValidationError) as refused:
        _import(_elsewhere())
    assert refused.value.code == OTHER_CITY
    assert "30 of the first 30 points" in refused.value.messages[0]
    assert "probably not this city's export" in refused.value.messages[0]
    run = ImportRun.objects.get()
    assert run.status == "failed" and "probably not this city's" in run.error


def test_told_to_go_on_codes_place_only_rows_without_a_point_or_near_the_edge(two_precincts):
    rows = [
        *_elsewhere(),
        nypd_row("nopoint", "05/01/2024", lat="", lon="", precinct="2"),
        nypd_row("zero", "05/01/2024", lat="0", lon="0", precinct="2"),
        # 500 m east of precinct 2's edge (-74.98): geocoded across a boundary street
        nypd_row("edge", "05/01/2024", lat="40.005", lon="-74.975", precinct="2"),
    ]
    run = _import(rows, other_city_ok=True)
    summary = run.summary
    assert (summary["victims"], summary["placed_by_point"]) == (33, 0)
    assert (summary["placed_by_code"], summary["unplaced"]) == (3, 30)


def test_a_few_points_outside_among_many_inside_is_this_city(two_precincts):
    rows = [nypd_row(f"in{n}", "05/01/2024") for n in range(40)] + _elsewhere(10)
    run = _import(rows)
    assert (run.summary["placed_by_point"], run.summary["unplaced"]) == (40, 10)


def test_the_command_refuses_and_goes_on_when_told(two_precincts, tmp_path):
    path = nypd_csv(_elsewhere(), tmp_path / "far.csv")
    with pytest.raises(CommandError, match="probably not this city's"):
        call_command("import_incidents", str(path), "--preset", "nypd", stdout=StringIO())
    out = StringIO()
    call_command("import_incidents", str(path), "--preset", "nypd", "--other-city-ok", stdout=out)
    assert "Imported 30 victims" in out.getvalue()


def test_the_upload_page_asks_before_going_on(two_precincts, staff, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(staff)
    content = nypd_csv(_elsewhere()).getvalue()
    response = client.post("/incidents/data/", {
        "preset": "nypd", "file": SimpleUploadedFile("far.csv", content, "text/csv"),
    }, follow=True)  # fmt: skip
    page = response.content.decode()
    assert "probably not this city" in page and 'name="other_city_ok"' in page
    assert not ImportRun.objects.exists()
    response = client.post("/incidents/data/", {
        "preset": "nypd", "other_city_ok": "on",
        "file": SimpleUploadedFile("far.csv", content, "text/csv"),
    })  # fmt: skip
    run = ImportRun.objects.get()
    assert response.status_code == 302 and run.summary == {"other_city_ok": True}


def test_philadelphia_in_new_york_is_refused_and_its_codes_place_only_rows_without_points(db):
    """The real case: Philadelphia's districts are numbered as New York's precincts are."""
    call_command("load_areas", str(shared_data("nyc_police_precincts.geojson")),
                 kind="precinct", code_field="precinct", stdout=StringIO())  # fmt: skip
    mapping = dataclasses.replace(PRESETS["philadelphia"], area_kind="precinct")
    path = str(shared_data("philadelphia_shootings_2015_2023-08-22.csv"))
    source = source_for(name="phl", mapping=mapping)
    with pytest.raises(ValidationError, match="probably not this city"):
        incidents_import(location=path, mapping=mapping, source=source)
    run = incidents_import(location=path, mapping=mapping, source=source, other_city_ok=True)
    # the README: 574 rows without coordinates; only those may be placed by their code
    assert run.summary["placed_by_point"] == 0
    assert 0 < run.summary["placed_by_code"] <= 574


def test_a_refused_upload_leaves_no_new_source_behind(
    two_precincts, staff, client_for, settings, tmp_path
):
    from ovp.incidents.models import IncidentSource

    settings.MEDIA_ROOT = tmp_path
    content = nypd_csv(_elsewhere()).getvalue()
    client_for(staff).post("/incidents/data/", {
        "preset": "nypd", "file": SimpleUploadedFile("far.csv", content, "text/csv"),
    })  # fmt: skip
    assert not IncidentSource.objects.exists()


def test_a_refused_command_leaves_no_new_source_behind(two_precincts, tmp_path):
    from ovp.incidents.models import IncidentSource

    path = nypd_csv(_elsewhere(), tmp_path / "far.csv")
    with pytest.raises(CommandError):
        call_command("import_incidents", str(path), "--preset", "nypd", stdout=StringIO())
    assert not IncidentSource.objects.exists()
