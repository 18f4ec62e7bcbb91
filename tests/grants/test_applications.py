"""Applications: drafts, documents, submission before the deadline, the lock, messages, and
who reaches which application page."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from grants.models import Application, ApplicationDocument, ApplicationMessage, ApplicationStatus
from grants.services.applications import (
    application_create,
    application_document_add,
    application_message_post,
    application_submit,
    application_update,
)
from inventory.models import Strategy
from tests.factories import (
    ApplicationFactory,
    AreaFactory,
    FundingRoundFactory,
    GranteeFactory,
    OrganisationFactory,
    ProgramFactory,
)

DURING = datetime(2026, 6, 1, 12, tzinfo=UTC)
AFTER = datetime(2027, 1, 1, 0, 0, 1, tzinfo=UTC)
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


@pytest.fixture(autouse=True)
def during_the_round():
    with time_machine.travel(DURING, tick=False):
        yield


@pytest.fixture
def funding_round(db):
    return FundingRoundFactory(name="Peace 2026", max_award=Decimal("150000.00"))


@pytest.fixture
def draft(funding_round, organisation_a, grantee_a):
    return ApplicationFactory(
        funding_round=funding_round,
        organisation=organisation_a,
        created_by=grantee_a,
        status=ApplicationStatus.DRAFT,
        title="Night walks",
    )


@pytest.fixture
def document(draft, grantee_a):
    return application_document_add(
        application=draft,
        user=grantee_a,
        kind="budget",
        upload=SimpleUploadedFile("budget.pdf", PDF),
    )


def content(**changes):
    values = {
        "title": "Night walks",
        "summary": "Outreach workers walk the blocks at night.",
        "strategy": Strategy.STREET_OUTREACH,
        "requested_amount": Decimal("90000.00"),
    }
    return {**values, **changes}


# ---------------------------------------------------------------------------------- services


def test_a_grantee_starts_a_draft_for_their_organisation(funding_round, organisation_a, grantee_a):
    area = AreaFactory()
    program = ProgramFactory(lead_organisation=organisation_a)
    application = application_create(
        funding_round=funding_round,
        organisation=organisation_a,
        user=grantee_a,
        areas=[area],  # type: ignore[list-item]
        program=program,
        **content(),
    )
    assert application.status == ApplicationStatus.DRAFT
    assert application.created_by == grantee_a
    assert list(application.areas.all()) == [area] and application.program == program


def test_nobody_applies_for_an_organisation_they_do_not_act_for(
    funding_round, organisation_b, grantee_a
):
    with pytest.raises(ValidationError, match="your own organisation"):
        application_create(
            funding_round=funding_round, organisation=organisation_b, user=grantee_a, **content()
        )
    assert not Application.objects.exists()


def test_a_request_above_the_rounds_largest_award_is_refused(
    funding_round, organisation_a, grantee_a
):
    with pytest.raises(ValidationError, match=r"largest award in this round is \$150,000.00"):
        application_create(
            funding_round=funding_round,
            organisation=organisation_a,
            user=grantee_a,
            **content(requested_amount=Decimal("150000.01")),
        )


def test_only_a_program_the_organisation_leads_can_be_linked(
    funding_round, organisation_a, organisation_b, grantee_a
):
    with pytest.raises(ValidationError, match="program that the applying organisation leads"):
        application_create(
            funding_round=funding_round,
            organisation=organisation_a,
            user=grantee_a,
            program=ProgramFactory(lead_organisation=organisation_b),
            **content(),
        )


def test_nobody_applies_to_a_closed_round(funding_round, organisation_a, grantee_a):
    with pytest.raises(ValidationError, match="not open"):
        application_create(
            funding_round=funding_round,
            organisation=organisation_a,
            user=grantee_a,
            now=AFTER,
            **content(),
        )


def test_a_draft_is_submitted_before_the_deadline(draft, grantee_a):
    application_submit(application=draft, user=grantee_a)
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.SUBMITTED and draft.submitted_at == DURING


def test_a_draft_cannot_be_submitted_after_the_deadline(draft, grantee_a):
    with pytest.raises(ValidationError, match="The deadline has passed"):
        application_submit(application=draft, user=grantee_a, now=AFTER)
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.DRAFT and draft.submitted_at is None


def test_a_submitted_application_is_locked(draft, grantee_a):
    application_submit(application=draft, user=grantee_a)
    draft.refresh_from_db()
    with pytest.raises(ValidationError, match="can no longer be changed"):
        application_update(application=draft, user=grantee_a, **content(title="Changed"))
    with pytest.raises(ValidationError, match="can no longer be changed"):
        application_document_add(
            application=draft,
            user=grantee_a,
            kind="budget",
            upload=SimpleUploadedFile("late.pdf", PDF),
        )
    with pytest.raises(ValidationError, match="already submitted"):
        application_submit(application=draft, user=grantee_a)
    draft.refresh_from_db()
    assert draft.title == "Night walks" and not draft.documents.exists()


def test_after_a_request_for_information_the_grantee_edits_and_resubmits_past_the_deadline(
    draft, grantee_a
):
    draft.status = ApplicationStatus.INFO_REQUESTED
    draft.save()
    application_update(
        application=draft, user=grantee_a, now=AFTER, **content(summary="With a budget now.")
    )
    application_submit(application=draft, user=grantee_a, now=AFTER)
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.SUBMITTED
    assert draft.summary == "With a budget now." and draft.submitted_at == AFTER


def test_a_pdf_is_attached_with_its_name_and_size(document, draft):
    assert document.application == draft and document.name == "budget.pdf"
    assert document.size == len(PDF)
    assert document.file.read() == PDF


@pytest.mark.parametrize(
    ("name", "body", "message"),
    [
        ("tool.exe", b"MZ\x90\x00", "only PDF, Word"),
        ("budget", PDF, "only PDF, Word"),
        ("budget.pdf", b"MZ\x90\x00 a program renamed", "not a .pdf file"),
        ("photo.png", b"\xff\xd8\xff\xe0 a jpeg named png", "not a .png file"),
        ("counts.csv", b"a,b\x00\x01\x02", "not a CSV text file"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_a_document_of_a_type_not_allowed_is_refused(draft, grantee_a, name, body, message):
    with pytest.raises(ValidationError, match=message):
        application_document_add(
            application=draft,
            user=grantee_a,
            kind="budget",
            upload=SimpleUploadedFile(name, body),
        )
    assert not ApplicationDocument.objects.exists()


def test_a_document_over_the_size_limit_is_refused(draft, grantee_a, settings):
    settings.OVP_GRANT_UPLOAD_MAX_MB = 1
    big = PDF + b"0" * (1024 * 1024)
    with pytest.raises(ValidationError, match="larger than 1 MB"):
        application_document_add(
            application=draft,
            user=grantee_a,
            kind="budget",
            upload=SimpleUploadedFile("b.pdf", big),
        )
    assert not ApplicationDocument.objects.exists()


def test_an_empty_message_is_refused(draft, grantee_a):
    with pytest.raises(ValidationError, match="Write a message"):
        application_message_post(application=draft, author=grantee_a, body="  ", from_office=False)


# ------------------------------------------------------------------------ grantee's pages


def portal_urls(application, document):
    base = f"/portal/funding/applications/{application.uuid}/"
    return {
        "get": [base, f"{base}edit/", f"{base}documents/{document.uuid}/"],
        "post": [
            f"{base}documents/",
            f"{base}documents/{document.uuid}/remove/",
            f"{base}submit/",
            f"{base}messages/",
        ],
    }


def test_a_grantee_opens_every_page_of_their_own_application(
    draft, document, grantee_a, client_for
):
    client = client_for(grantee_a)
    for url in portal_urls(draft, document)["get"]:
        assert client.get(url).status_code == 200, url
    assert client.get("/portal/funding/").status_code == 200
    assert (
        client.get(f"/portal/funding/rounds/{draft.funding_round.uuid}/apply/").status_code == 200
    )


def test_a_grantee_of_another_organisation_gets_404_on_every_application_url(
    draft, document, grantee_b, client_for
):
    client = client_for(grantee_b)
    urls = portal_urls(draft, document)
    for url in urls["get"]:
        assert client.get(url).status_code == 404, url
    for url in urls["post"]:
        assert client.post(url, {"body": "hello", "kind": "budget"}).status_code == 404, url
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.DRAFT
    assert not ApplicationMessage.objects.exists() and draft.documents.count() == 1


def test_the_portal_lists_open_rounds_and_the_organisations_applications_with_office_messages(
    draft, grantee_a, staff, client_for
):
    other = ApplicationFactory(funding_round=draft.funding_round, title="Someone else's")
    ApplicationMessage.objects.create(
        application=draft, author=staff, from_office=True, body="Please add a budget."
    )
    FundingRoundFactory(name="Closed round", closes_at=datetime(2026, 3, 1, tzinfo=UTC))
    page = client_for(grantee_a).get("/portal/funding/").content.decode()
    assert "Peace 2026" in page and "Closed round" not in page
    assert "Night walks" in page and other.title not in page
    assert "Please add a budget." in page


def test_a_grantee_applies_saves_and_submits_through_the_pages(
    funding_round, organisation_a, grantee_a, client_for
):
    client = client_for(grantee_a)
    area = AreaFactory(name="Eastfield")
    response = client.post(
        f"/portal/funding/rounds/{funding_round.uuid}/apply/",
        {**content(), "areas": [area.pk]},
    )
    application = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/portal/funding/applications/{application.uuid}/"
    assert application.organisation == organisation_a and list(application.areas.all()) == [area]
    upload = SimpleUploadedFile("narrative.pdf", PDF, content_type="application/pdf")
    client.post(
        f"/portal/funding/applications/{application.uuid}/documents/",
        {"kind": "narrative", "file": upload},
    )
    client.post(f"/portal/funding/applications/{application.uuid}/submit/")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert [d.name for d in application.documents.all()] == ["narrative.pdf"]


def test_a_grantee_of_several_organisations_chooses_which_applies(funding_round, client_for):
    first, second, foreign = (OrganisationFactory() for _ in range(3))
    grantee = GranteeFactory(organisation=first)
    second.members.add(grantee)
    client = client_for(grantee)
    url = f"/portal/funding/rounds/{funding_round.uuid}/apply/"
    refused = client.post(url, {**content(), "organisation": foreign.pk})
    assert refused.status_code == 200 and not Application.objects.exists()
    client.post(url, {**content(), "organisation": second.pk})
    assert Application.objects.get().organisation == second


def test_the_apply_page_refuses_too_large_a_request_with_a_message(
    funding_round, grantee_a, client_for
):
    response = client_for(grantee_a).post(
        f"/portal/funding/rounds/{funding_round.uuid}/apply/",
        content(requested_amount="200000"),
    )
    assert response.status_code == 200
    assert "largest award in this round is $150,000.00" in response.content.decode()
    assert not Application.objects.exists()


def test_submitting_after_the_deadline_shows_why_and_changes_nothing(draft, grantee_a, client_for):
    with time_machine.travel(AFTER, tick=False):
        response = client_for(grantee_a).post(
            f"/portal/funding/applications/{draft.uuid}/submit/", follow=True
        )
    assert "The deadline has passed" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.DRAFT


def test_a_refused_upload_says_why_and_saves_nothing(draft, grantee_a, client_for):
    response = client_for(grantee_a).post(
        f"/portal/funding/applications/{draft.uuid}/documents/",
        {"kind": "budget", "file": SimpleUploadedFile("run.exe", b"MZ")},
        follow=True,
    )
    assert "only PDF, Word (.docx), Excel (.xlsx), CSV, PNG or JPEG" in response.content.decode()
    assert not draft.documents.exists()


def test_a_document_downloads_as_an_attachment_for_its_organisation(
    draft, document, grantee_a, client_for
):
    response = client_for(grantee_a).get(
        f"/portal/funding/applications/{draft.uuid}/documents/{document.uuid}/"
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == PDF


def test_a_document_of_another_application_is_not_reachable_through_ones_own(
    draft, grantee_a, grantee_b, organisation_b, client_for
):
    theirs = ApplicationFactory(
        organisation=organisation_b, status=ApplicationStatus.DRAFT, created_by=grantee_b
    )
    their_document = application_document_add(
        application=theirs, user=grantee_b, kind="budget", upload=SimpleUploadedFile("x.pdf", PDF)
    )
    response = client_for(grantee_a).get(
        f"/portal/funding/applications/{draft.uuid}/documents/{their_document.uuid}/"
    )
    assert response.status_code == 404


def test_grantee_and_office_write_to_each_other_on_an_application(
    draft, grantee_a, staff, client_for
):
    draft.status = ApplicationStatus.SUBMITTED
    draft.save()
    client_for(grantee_a).post(
        f"/portal/funding/applications/{draft.uuid}/messages/", {"body": "Is a letter enough?"}
    )
    client_for(staff).post(
        f"/grants/applications/{draft.uuid}/messages/", {"body": "Yes, a letter is enough."}
    )
    thread = [(m.from_office, m.body) for m in draft.messages.all()]
    assert thread == [(False, "Is a letter enough?"), (True, "Yes, a letter is enough.")]
    page = client_for(grantee_a).get(f"/portal/funding/applications/{draft.uuid}/")
    assert "Yes, a letter is enough." in page.content.decode()


# --------------------------------------------------------------------------- office's pages


def test_staff_open_a_submitted_application_and_its_documents(draft, document, staff, client_for):
    draft.status = ApplicationStatus.SUBMITTED
    draft.save()
    client = client_for(staff)
    assert client.get(f"/grants/applications/{draft.uuid}/").status_code == 200
    response = client.get(f"/grants/applications/{draft.uuid}/documents/{document.uuid}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize("persona", ["grantee_a", "board_member"])
def test_grantees_and_board_members_get_403_on_the_office_application_pages(
    draft, document, persona, request, client_for
):
    draft.status = ApplicationStatus.SUBMITTED
    draft.save()
    client = client_for(request.getfixturevalue(persona))
    base = f"/grants/applications/{draft.uuid}/"
    assert client.get(base).status_code == 403
    assert client.get(f"{base}documents/{document.uuid}/").status_code == 403
    assert client.post(f"{base}messages/", {"body": "x"}).status_code == 403
    assert not ApplicationMessage.objects.exists()


def test_a_document_with_a_long_name_is_kept_under_its_name(draft, grantee_a):
    name = "Letter of support from the Eastfield Tenants Association " * 3 + ".pdf"
    document = application_document_add(
        application=draft, user=grantee_a, kind="letter", upload=SimpleUploadedFile(name, PDF)
    )
    assert document.name == name.strip() and document.file.read() == PDF
