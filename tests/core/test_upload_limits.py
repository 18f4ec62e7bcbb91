"""Every upload the portal takes refuses a file too large or of the wrong type, with a message
the person can act on, and keeps nothing of it. Limits are set small here to keep files small:
incident imports (OVP_MAX_UPLOAD_MB), grant documents and report attachments
(OVP_GRANT_UPLOAD_MAX_MB), the program survey (10 MB, inventory.forms.programs.SURVEY_MAX_BYTES)."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from grants.models import ApplicationStatus, ReportAttachment
from inventory.models import Program
from ovp.incidents.models import ImportRun
from tests.builders import make_award
from tests.factories import ApplicationFactory, AreaFactory, FundingRoundFactory

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
NYPD_HEADER = b"INCIDENT_KEY,OCCUR_DATE,OCCUR_TIME,BORO,PRECINCT,STATISTICAL_MURDER_FLAG\n"


def padded(start: bytes, size: int) -> bytes:
    """A file of exactly `size` bytes that begins as the real type does."""
    return start + b"x" * (size - len(start))


# ---------------------------------------------------------------------- incident imports


def import_export(client, upload: SimpleUploadedFile):
    return client.post("/incidents/data/", {"preset": "nypd", "file": upload})


def test_incident_import_refuses_an_export_over_the_limit(settings, staff, client_for):
    settings.OVP_MAX_UPLOAD_MB = 1
    upload = SimpleUploadedFile("export.csv", padded(NYPD_HEADER, MB + 1), "text/csv")
    response = import_export(client_for(staff), upload)
    assert response.status_code == 200
    assert "The file is larger than 1 MB." in response.content.decode()
    assert not ImportRun.objects.exists()


def test_incident_import_takes_an_export_just_under_the_limit(settings, staff, client_for):
    settings.OVP_MAX_UPLOAD_MB = 1
    # the task is queued on commit, which never comes inside this test's transaction
    upload = SimpleUploadedFile("export.csv", padded(NYPD_HEADER, MB - 1), "text/csv")
    response = import_export(client_for(staff), upload)
    assert response.status_code == 302
    assert ImportRun.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "content"), [("export.xlsx", b"PK\x03\x04"), ("export.exe", b"MZ\x90\x00")]
)
def test_incident_import_refuses_a_file_that_is_not_csv(staff, client_for, name, content):
    response = import_export(client_for(staff), SimpleUploadedFile(name, content))
    assert "Upload the export as a .csv file." in response.content.decode()
    assert not ImportRun.objects.exists()


# ------------------------------------------------------------------------ grant documents

DURING_THE_ROUND = datetime(2026, 6, 1, 12, tzinfo=UTC)


@pytest.fixture
def draft(organisation_a, grantee_a):
    return ApplicationFactory(
        funding_round=FundingRoundFactory(name="Peace 2026", max_award=Decimal("150000.00")),
        organisation=organisation_a,
        created_by=grantee_a,
        status=ApplicationStatus.DRAFT,
        title="Night walks",
    )


def attach_document(client, draft, upload: SimpleUploadedFile):
    with time_machine.travel(DURING_THE_ROUND, tick=False):
        return client.post(
            f"/portal/funding/applications/{draft.uuid}/documents/",
            {"kind": "budget", "file": upload},
            follow=True,
        )


def test_grant_document_over_the_limit_is_refused(settings, draft, grantee_a, client_for):
    settings.OVP_GRANT_UPLOAD_MAX_MB = 1
    upload = SimpleUploadedFile("budget.pdf", padded(PDF, MB + 1))
    response = attach_document(client_for(grantee_a), draft, upload)
    assert "budget.pdf is larger than 1 MB." in response.content.decode()
    assert not draft.documents.exists()


def test_grant_document_at_the_limit_is_kept(settings, draft, grantee_a, client_for):
    settings.OVP_GRANT_UPLOAD_MAX_MB = 1
    attach_document(client_for(grantee_a), draft, SimpleUploadedFile("budget.pdf", padded(PDF, MB)))
    assert draft.documents.get().file.size == MB


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("setup.exe", b"MZ\x90\x00", "setup.exe: only PDF, Word (.docx), Excel (.xlsx), CSV"),
        ("budget.pdf", b"<html>a web page</html>", "budget.pdf: the content is not a .pdf file."),
    ],
)
def test_grant_document_of_the_wrong_type_is_refused(
    draft, grantee_a, client_for, name, content, message
):
    response = attach_document(client_for(grantee_a), draft, SimpleUploadedFile(name, content))
    assert message in response.content.decode()
    assert not draft.documents.exists()


# --------------------------------------------------------------------- report attachments


@pytest.fixture
def report(organisation_a):
    return make_award(organisation_a).reports.order_by("period_start")[0]


def attach_to_report(client, report, upload: SimpleUploadedFile):
    return client.post(f"/portal/reports/{report.uuid}/attachments/", {"file": upload}, follow=True)


def test_report_attachment_over_the_limit_is_refused(settings, report, grantee_a, client_for):
    settings.OVP_GRANT_UPLOAD_MAX_MB = 1
    upload = SimpleUploadedFile("sign-in.pdf", padded(PDF, MB + 1))
    response = attach_to_report(client_for(grantee_a), report, upload)
    assert "sign-in.pdf is larger than 1 MB." in response.content.decode()
    assert not ReportAttachment.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("macro.xlsm", b"PK\x03\x04", "macro.xlsm: this type of file is not accepted"),
        ("photo.png", b"GIF89a", "photo.png does not look like a PNG file."),
    ],
)
def test_report_attachment_of_the_wrong_type_is_refused(
    report, grantee_a, client_for, name, content, message
):
    response = attach_to_report(client_for(grantee_a), report, SimpleUploadedFile(name, content))
    assert message in response.content.decode()
    assert not ReportAttachment.objects.exists()


def test_report_attachment_of_an_allowed_type_is_kept(report, grantee_a, client_for):
    response = attach_to_report(client_for(grantee_a), report, SimpleUploadedFile("p.png", PNG))
    assert "Attached p.png." in response.content.decode()
    assert ReportAttachment.objects.get().size == len(PNG)


# ------------------------------------------------------------------------ program survey

SURVEY = (
    b"program,lead_organisation,strategy,tier,evidence,areas,serving_since\n"
    b"Peace Walks,Northside Peacekeepers,street outreach (cvi),intervention,Promising,,\n"
)


def upload_survey(client, upload: SimpleUploadedFile):
    return client.post("/inventory/survey/", {"file": upload, "area_kind": "neighbourhood"})


def test_survey_over_the_limit_is_refused(monkeypatch, staff, client_for):
    AreaFactory(code="N1")
    monkeypatch.setattr("inventory.forms.programs.SURVEY_MAX_BYTES", 2 * MB)
    upload = SimpleUploadedFile("survey.csv", SURVEY + b" " * 2 * MB)
    response = upload_survey(client_for(staff), upload)
    assert "The file is larger than 2 MB; a survey is far smaller." in response.content.decode()
    assert not Program.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [("survey.xlsx", b"PK\x03\x04" + SURVEY), ("survey.csv", PNG), ("survey.png", PNG)],
)
def test_survey_of_the_wrong_type_is_refused(staff, client_for, name, content):
    AreaFactory(code="N1")
    response = upload_survey(client_for(staff), SimpleUploadedFile(name, content))
    assert "Upload the survey as a .csv file" in response.content.decode()
    assert not Program.objects.exists()


def test_the_default_survey_limit_is_ten_megabytes():
    from inventory.forms.programs import SURVEY_MAX_BYTES

    assert SURVEY_MAX_BYTES == 10 * MB


# ------------------------------------------------- refused by their size, before they are read


@pytest.fixture
def body_never_read(monkeypatch):
    """Reading an upload's body (and spooling its file to disk) fails the test."""
    from django.http.multipartparser import MultiPartParser

    def read(*args: object, **kwargs: object) -> None:
        raise AssertionError("the upload's body was read")

    monkeypatch.setattr(MultiPartParser, "parse", read)


def test_each_upload_too_large_is_refused_by_its_length_before_it_is_read(
    settings, monkeypatch, body_never_read, staff, grantee_a, draft, report, client_for
):
    settings.OVP_MAX_UPLOAD_MB = settings.OVP_GRANT_UPLOAD_MAX_MB = 1
    monkeypatch.setattr("inventory.forms.programs.SURVEY_MAX_BYTES", MB)
    monkeypatch.setattr("ovp.incidents.views.SAMPLE_MAX_BYTES", MB)
    uploads = [
        (staff, "/incidents/data/", {"preset": "nypd"}, "file", "The file is larger than 1 MB."),
        (staff, "/incidents/data/mapping/", {}, "sample",
         "The sample is larger than 1 MB; the first rows are enough."),
        (staff, "/inventory/survey/", {"area_kind": "neighbourhood"}, "file",
         "The file is larger than 1 MB; a survey is far smaller."),
        (staff, "/evaluation/panel/", {}, "file", "The file is larger than 1 MB."),
        (grantee_a, f"/portal/funding/applications/{draft.uuid}/documents/", {"kind": "budget"},
         "file", "The file is larger than 1 MB."),
        (grantee_a, f"/portal/reports/{report.uuid}/attachments/", {}, "file",
         "The file is larger than 1 MB."),
    ]  # fmt: skip
    for person, url, fields, field, message in uploads:
        upload = SimpleUploadedFile("big.csv", padded(NYPD_HEADER, MB + 100 * 1024))
        with time_machine.travel(DURING_THE_ROUND, tick=False):
            response = client_for(person).post(url, {**fields, field: upload}, follow=True)
        assert response.redirect_chain and response.redirect_chain[0][1] == 303, url
        assert response.status_code == 200, url
        assert message in response.content.decode(), url
    assert not ImportRun.objects.exists() and not draft.documents.exists()
    assert not ReportAttachment.objects.exists() and not Program.objects.exists()


@pytest.mark.parametrize(
    ("method", "path"),
    [("post", "/accounts/login/"), ("post", "/no/such/page/"), ("put", "/incidents/data/")],
)
def test_any_other_request_too_large_is_refused_before_it_is_read(
    body_never_read, client, method, path
):
    # an anonymous POST to the login page spooled a 310 MB body to disk before anything looked
    upload = SimpleUploadedFile("big.csv", padded(NYPD_HEADER, 11 * MB))
    response = getattr(client, method)(path, {"file": upload}) if method == "post" else None
    if response is None:
        response = client.put(path, b"x" * (11 * MB), content_type="application/octet-stream")
    assert response.status_code == 413
    assert response.content.decode() == "The request is too large."


def test_a_form_without_a_file_is_not_refused_by_its_length(client):
    response = client.post("/accounts/login/", {"username": "x@y.z", "password": "p" * 70_000})
    assert response.status_code == 200


def test_an_anonymous_post_to_an_upload_url_gets_only_the_form_allowance(body_never_read, client):
    # CSRF's check read the body of an anonymous 400 MB POST to the import page
    upload = SimpleUploadedFile("big.csv", padded(NYPD_HEADER, 11 * MB))
    response = client.post("/incidents/data/", {"preset": "nypd", "file": upload})
    assert response.status_code == 413
