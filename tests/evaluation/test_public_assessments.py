"""The public needs assessments (/public/assessments/): published ones only, each as its
published version, online and as a PDF; everything else is not found."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from evaluation.models import AssessmentVersion, Decision, VersionKind
from evaluation.selectors.assessments import published_assessments
from evaluation.services.assessments import assessment_decide, assessment_publish, assessment_send

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(draft, review, staff):
    assessment_send(assessment=draft, user=staff)
    for member in review.members[:2]:
        assessment_decide(assessment=draft, user=member, decision=Decision.SIGN_OFF)
    assessment_publish(assessment=draft, user=staff)
    draft.refresh_from_db()
    return draft


def _other_draft(assessment_city, review, staff, title):
    from evaluation.services.assessments import assessment_draft
    from tests.evaluation.assessment_data import PERIOD

    return assessment_draft(title=title, period_start=PERIOD[0], period_end=PERIOD[1],
                            board=review.board, user=staff, area_kind="neighbourhood")  # fmt: skip


def test_only_published_assessments_are_listed(published, assessment_city, review, staff):
    _other_draft(assessment_city, review, staff, "Draft not sent")
    under_review = _other_draft(assessment_city, review, staff, "Sent, not signed off")
    assessment_send(assessment=under_review, user=staff)
    listed = published_assessments()
    assert [(p.assessment.title, p.version.kind) for p in listed] == [
        ("Needs assessment 2025", VersionKind.PUBLISHED)
    ]
    page = Client().get("/public/assessments/").content.decode()
    assert "Needs assessment 2025" in page
    assert "Draft not sent" not in page and "Sent, not signed off" not in page


def test_the_public_reads_the_published_version(published, client: Client):
    version = AssessmentVersion.objects.get(assessment=published, kind=VersionKind.PUBLISHED)
    sections = version.sections
    sections[0]["text"] = "The text as published."
    AssessmentVersion.objects.filter(pk=version.pk).update(sections=sections)
    published.sections.filter(key=sections[0]["key"]).update(text="A later edit, not published.")
    page = client.get(reverse("public_assessments:detail", args=[published.uuid])).content.decode()
    assert "The text as published." in page
    assert "A later edit, not published." not in page
    assert reverse("public_assessments:pdf", args=[published.uuid]) in page
    assert 'href="/evaluation/' not in page  # no link into the office's pages


def test_the_pdf_is_the_published_version(published, client: Client):
    response = client.get(reverse("public_assessments:pdf", args=[published.uuid]))
    assert response["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Needs assessment 2025" in text
    assert f"Version {published.versions.count()}, published" in text


def test_an_assessment_under_review_is_not_found(draft, staff, client: Client):
    assessment_send(assessment=draft, user=staff)
    for name in ("public_assessments:detail", "public_assessments:pdf"):
        assert client.get(reverse(name, args=[draft.uuid])).status_code == 404


def test_the_list_needs_few_queries(published, client: Client, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        assert client.get("/public/assessments/").status_code == 200
