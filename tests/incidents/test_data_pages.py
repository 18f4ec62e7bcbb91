import json
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from ovp.incidents import services
from ovp.incidents.importing import reading
from ovp.incidents.models import ImportRun, ImportStatus, IncidentSource, Victim
from tests.builders import nypd_csv, nypd_row

pytestmark = pytest.mark.django_db


def upload(rows, name="shootings.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, nypd_csv(rows).getvalue(), content_type="text/csv")


def test_staff_upload_queues_an_import_that_the_worker_runs(
    two_precincts, client_for, staff, django_capture_on_commit_callbacks, monkeypatch
):
    queued: list[int] = []
    monkeypatch.setattr("ovp.core.queue._publish", lambda task: queued.extend(task.args))
    client = client_for(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/incidents/data/", {"preset": "nypd", "file": upload([nypd_row("1", "03/01/2024")])}
        )
    run = ImportRun.objects.get()
    assert response.url == f"/incidents/data/imports/{run.uuid}/"
    assert queued == [run.pk] and run.status == ImportStatus.QUEUED and run.created_by == staff
    page = client.get(response.url).content.decode()
    assert "Waiting for a worker" in page and 'hx-trigger="every 1s"' in page

    upload_path = Path(settings.MEDIA_ROOT) / "imports" / f"{run.uuid}.csv"
    assert upload_path.exists()
    services.import_run_queued(run_id=run.pk)  # what the task does
    assert not upload_path.exists()  # imported, the upload is not kept
    partial = client.get(response.url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in partial and "Rows read" in partial
    assert Victim.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"file": upload([nypd_row("1", "03/01/2024")])},
            "Choose the source this export belongs to",
        ),
        (
            {"preset": "nypd", "file": SimpleUploadedFile("s.xlsx", b"x")},
            "Upload the export as a .csv file",
        ),
        ({"preset": "nypd"}, "This field is required"),
    ],
)
def test_upload_form_explains_what_is_wrong(client_for, staff, data, message):
    response = client_for(staff).post("/incidents/data/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ImportRun.objects.exists()


def test_a_file_over_the_size_limit_is_refused(client_for, staff, settings):
    settings.OVP_MAX_UPLOAD_MB = 0
    response = client_for(staff).post(
        "/incidents/data/", {"preset": "nypd", "file": upload([nypd_row("1", "03/01/2024")])}
    )
    assert "larger than 0 MB" in response.content.decode()


def test_a_failed_import_shows_its_reason(client_for, staff, nypd_source):
    run = ImportRun.objects.create(
        source=nypd_source,
        file_name="x.csv",
        status=ImportStatus.FAILED,
        error="The file has no column 'OCCUR_DATE'.",
    )
    page = client_for(staff).get(f"/incidents/data/imports/{run.uuid}/").content.decode()
    assert "no column &#x27;OCCUR_DATE&#x27;" in page


def test_rejected_rows_download_lists_line_and_reason(
    two_precincts, client_for, staff, nypd_source, nypd
):
    run = services.incidents_import(location=nypd_csv([nypd_row("1", "03/01/2024"), nypd_row("2", "bad")]),
                                    mapping=nypd, source=nypd_source, today=date(2025, 1, 1))  # fmt: skip
    response = client_for(staff).get(f"/incidents/data/imports/{run.uuid}/rejected.csv")
    assert response.content.decode().splitlines() == ["line,key,reason", "3,2,date is not %m/%d/%Y"]


@pytest.mark.parametrize("persona", ["grantee_a", "board_member"])
def test_data_pages_are_not_for_grantees_or_board_members(
    two_precincts, client_for, request, persona, nypd_source, nypd
):
    run = services.incidents_import(
        location=nypd_csv([nypd_row("2", "bad")]), mapping=nypd, source=nypd_source
    )
    client = client_for(request.getfixturevalue(persona))
    for path in ["/incidents/data/", f"/incidents/data/imports/{run.uuid}/", f"/incidents/data/imports/{run.uuid}/rejected.csv",
                 "/incidents/data/sources/", "/incidents/data/sources/new/", "/incidents/data/mapping/"]:  # fmt: skip
        assert client.get(path).status_code == 403, path


def test_staff_add_a_source_with_a_url_pulled_nightly(client_for, staff, public_dns):
    response = client_for(staff).post(
        "/incidents/data/sources/new/",
        {
            "name": "nypd-ytd",
            "preset": "nypd",
            "url": "https://data.example.org/shootings.csv",
            "pull_nightly": "on",
        },
    )
    assert response.status_code == 302
    source = IncidentSource.objects.get(name="nypd-ytd")
    assert source.pull_nightly and source.preset == "nypd" and source.mapping is None


def test_a_source_needs_a_layout_and_a_url_to_pull(client_for, staff):
    client = client_for(staff)
    page = client.post(
        "/incidents/data/sources/new/", {"name": "x", "pull_nightly": "on"}
    ).content.decode()
    assert "Choose a layout preset or give a column mapping" in page
    page = client.post(
        "/incidents/data/sources/new/", {"name": "x", "preset": "nypd", "pull_nightly": "on"}
    ).content.decode()
    assert "Give the export&#x27;s URL" in page
    page = client.post(
        "/incidents/data/sources/new/", {"name": "x", "mapping_text": '{"date": 1'}
    ).content.decode()
    assert "not valid JSON" in page
    assert not IncidentSource.objects.exists()


def test_nightly_pull_imports_each_configured_source(two_precincts, monkeypatch, tmp_path):
    export = nypd_csv([nypd_row("1", "03/01/2024")], path=tmp_path / "export.csv")
    IncidentSource.objects.create(
        name="city", preset="nypd", url="https://data.example.org/x.csv", pull_nightly=True
    )
    IncidentSource.objects.create(name="manual", preset="nypd")
    monkeypatch.setattr(reading, "open_source", lambda location: str(export))
    runs = services.sources_pull()
    assert [run.source.name for run in runs] == ["city"]
    assert runs[0].summary["victims"] == 1


def test_mapping_builder_reads_a_sample_and_tries_the_mapping(two_precincts, client_for, staff):
    client = client_for(staff)
    sample = b"id,when,dead,y,x,beat,gender\nA1,2024-05-01,yes,40.005,-74.995,1,M\nA2,2024-05-02,no,,,2,F\nA3,notadate,no,,,2,F\n"
    response = client.post(
        "/incidents/data/mapping/", {"sample": SimpleUploadedFile("sample.csv", sample)}
    )
    assert response.status_code == 302
    page = client.get("/incidents/data/mapping/").content.decode()
    assert "<code>beat</code>" in page and "2024-05-01" in page
    response = client.post("/incidents/data/mapping/", {
        "shape": "victim", "incident_key": "id", "date": "when", "date_format": "%Y-%m-%d", "fatal": "dead",
        "fatal_true": "yes", "fatal_false": "no", "latitude": "y", "longitude": "x", "area_code": "beat",
        "area_kind": "precinct", "sex": "gender", "sex_values": "M=male\nF=female", "missing": "",
    })  # fmt: skip
    page = response.content.decode()
    assert "The mapping works on the sample" in page
    assert "1 sample rows were rejected" in page
    document = json.loads(client.get("/incidents/data/mapping/mapping.json").content)
    assert (
        document["sex_values"] == {"M": "male", "F": "female"} and document["area_code"] == "beat"
    )
    new_source = client.get("/incidents/data/sources/new/").content.decode()
    assert "&quot;incident_key&quot;: &quot;id&quot;" in new_source


def test_mapping_builder_reports_a_mapping_that_cannot_work(client_for, staff):
    client = client_for(staff)
    client.post(
        "/incidents/data/mapping/",
        {"sample": SimpleUploadedFile("s.csv", b"id,when\n1,2024-01-01\n")},
    )
    response = client.post("/incidents/data/mapping/", {"shape": "victim", "incident_key": "id", "date": "when",
                                                         "date_format": "%Y-%m-%d", "area_kind": "precinct"})  # fmt: skip
    assert "needs the &#x27;fatal&#x27; column" in response.content.decode()
