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


# -- the public edition: what a public page may show ------------------------------------------

BURDEN = {
    "key": "burden",
    "title": "Violence burden",
    "text": "382 people were shot, 51.2 people shot per 100,000. Ashford had 4 people shot "
    "(3, 1%); 2 of them areas. Hot Spot Patrols: stops. Hot Spot Patrols works nights.",
    "figures": {
        "charts": [{"slug": "by-area", "figure": {"data": [{"y": [56, 4]}]}}],
        "tables": [
            {
                "caption": "People shot by neighbourhood",
                "columns": ["Area", "Residents", "People shot", "Fatal", "Rate per 100,000"],
                "rows": [
                    ["Linden", 30840, 56, 15, 181.6],
                    ["Southport", 15045, 47, 12, 312.4],
                    ["Dunmore", 33709, 42, 0, 124.6],
                    ["Ashford", 34887, 4, 1, 11.5],
                ],
            },
            {
                "caption": "Programs",
                "columns": ["Area", "Programs"],
                "rows": [["Linden", "Reentry Works, Hot Spot Patrols, Riverton Ceasefire"]],
            },
        ],
        "notes": ["Ashford: 3 killed."],
    },
}


def _edition(section=BURDEN):
    from evaluation.figures.public_edition import public_edition

    return public_edition(
        [section], threshold=10, unlisted=["Hot Spot Patrols", "Riverton Ceasefire"]
    )[0]


def test_a_small_count_and_what_gives_it_away_are_hidden():
    area, programs = _edition()["figures"]["tables"]
    rows = {row[0]: row for row in area["rows"]}
    hidden = "fewer than 10"
    # Ashford's 4 people shot, its fatal 1 and its rate (4 / residents) are hidden
    assert rows["Ashford"][2:] == [hidden, hidden, hidden]
    # the only small count of People shot takes the next smallest with it (42, Dunmore)
    assert rows["Dunmore"][2] == hidden and rows["Dunmore"][4] == hidden
    # Fatal: Ashford's 1 is the only small one, so the smallest other count (12) goes too;
    # a 0 is shown (it is not a small count), and the large counts stay
    assert rows["Southport"][3] == hidden and rows["Dunmore"][3] == 0
    assert rows["Linden"][2:] == [56, 15, 181.6]
    assert programs["rows"][0][1] == "Reentry Works, 2 programs not listed publicly"


def test_small_counts_of_people_in_the_text_are_hidden_and_unlisted_programs_unnamed():
    edition = _edition()
    text = edition["text"]
    assert "fewer than 10 people shot" in text and "4 people" not in text
    assert "(fewer than 10, 1%)" in text
    assert "382 people were shot, 51.2 people shot" in text  # large counts, decimals kept
    assert "2 of them areas" in text
    assert "Hot Spot Patrols" not in text
    assert "stops. A program not listed publicly works nights" in text
    assert edition["figures"]["notes"] == ["Ashford: fewer than 10 killed."]
    assert edition["figures"]["charts"] == []


def test_residents_own_words_are_left_out_of_the_public_edition():
    residents = {
        "key": "residents",
        "title": "What residents told us",
        "text": "12 comments were approved.",
        "figures": {
            "tables": [
                {"caption": "By topic", "columns": ["Topic", "Comments", "Share"],
                 "rows": [["Jobs", 12, "100%"]]},
                {"caption": "In residents' words", "columns": ["Topic", "Area", "Comment"],
                 "rows": [["Jobs", "N1", "Call Maria on our street"]]},
            ]
        },
    }  # fmt: skip
    tables = _edition(residents)["figures"]["tables"]
    assert [t["caption"] for t in tables] == ["By topic"]


def test_the_public_page_and_pdf_show_no_small_count_of_the_published_version(
    published, client: Client
):
    version = AssessmentVersion.objects.get(assessment=published, kind=VersionKind.PUBLISHED)
    AssessmentVersion.objects.filter(pk=version.pk).update(sections=[BURDEN])
    page = client.get(reverse("public_assessments:detail", args=[published.uuid])).content
    assert b"<td>4</td>" not in page and b"fewer than 10" in page
    assert b"The public edition: counts of people shot or killed from 1 to 9" in page
    response = client.get(reverse("public_assessments:pdf", args=[published.uuid]))
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "fewer than 10" in text and "Ashford had 4" not in text
