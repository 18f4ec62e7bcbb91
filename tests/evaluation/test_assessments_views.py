"""The needs assessments' pages: who reaches what, the board's review through the pages,
bad input, the printable view and the PDF."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from evaluation.models import (
    AssessmentStatus,
    Decision,
    NeedsAssessment,
    SectionComment,
    SignOff,
)
from evaluation.services.assessments import assessment_comment, assessment_decide, assessment_send
from tests.factories import BoardMemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(draft, staff):
    assessment_send(assessment=draft, user=staff)
    return draft


@pytest.fixture
def comment(sent, review):
    return assessment_comment(
        section=sent.sections.get(key="who"), user=review.members[1], body="Under 18s?"
    )


def office_pages(assessment, comment) -> list[tuple[str, str]]:
    uuid = assessment.uuid
    return [
        ("get", reverse("evaluation:assessment_list")),
        ("get", reverse("evaluation:assessment_create")),
        ("get", reverse("evaluation:assessment_detail", args=[uuid])),
        ("get", reverse("evaluation:assessment_section_edit", args=[uuid, "burden"])),
        ("post", reverse("evaluation:assessment_send", args=[uuid])),
        ("post", reverse("evaluation:assessment_publish", args=[uuid])),
        ("post", reverse("evaluation:assessment_comment_answer", args=[uuid, comment.uuid])),
    ]


def shared_pages(assessment) -> list[tuple[str, str]]:
    uuid = assessment.uuid
    return [
        ("get", reverse("evaluation:assessment_version", args=[uuid, 1])),
        ("get", reverse("evaluation:assessment_print", args=[uuid])),
        ("get", reverse("evaluation:assessment_pdf", args=[uuid])),
    ]


def board_pages(assessment) -> list[tuple[str, str]]:
    uuid = assessment.uuid
    return [
        ("get", reverse("evaluation:board_assessment_detail", args=[uuid])),
        ("post", reverse("evaluation:board_assessment_comment", args=[uuid, "who"])),
        ("post", reverse("evaluation:board_assessment_decide", args=[uuid])),
    ]


def call(client, method, url):
    return client.post(url, {}) if method == "post" else client.get(url)


def test_staff_open_every_office_and_shared_page(sent, comment, staff, office_admin, client_for):
    for user in (staff, office_admin):
        client = client_for(user)
        for method, url in office_pages(sent, comment)[:4] + shared_pages(sent):
            assert call(client, method, url).status_code == 200, url


def test_board_members_open_their_boards_assessment_and_get_403_on_office_pages(
    sent, comment, review, client_for
):
    client = client_for(review.members[0])
    assert client.get(reverse("evaluation:board_assessment_list")).status_code == 200
    for method, url in board_pages(sent)[:1] + shared_pages(sent):
        assert call(client, method, url).status_code == 200, url
    for method, url in office_pages(sent, comment):
        assert call(client, method, url).status_code == 403, url


@pytest.mark.parametrize("who", ["other_board_member", "ex_member"])
def test_a_member_of_another_board_or_a_former_member_gets_404(sent, review, who, client_for):
    client = client_for(getattr(review, who))
    listing = client.get(reverse("evaluation:board_assessment_list"))
    assert listing.status_code == 200 and sent.title not in listing.content.decode()
    for method, url in board_pages(sent) + shared_pages(sent):
        assert call(client, method, url).status_code == 404, url
    assert not SectionComment.objects.exists()


def test_the_board_does_not_see_a_draft_that_was_never_sent(draft, review, client_for):
    client = client_for(review.members[0])
    assert (
        draft.title not in client.get(reverse("evaluation:board_assessment_list")).content.decode()
    )
    for method, url in board_pages(draft)[:1] + shared_pages(draft)[1:]:
        assert call(client, method, url).status_code == 404, url


def test_grantees_get_403_on_every_assessment_page(sent, comment, grantee_a, client_for):
    client = client_for(grantee_a)
    pages = office_pages(sent, comment) + shared_pages(sent) + board_pages(sent)
    pages.append(("get", reverse("evaluation:board_assessment_list")))
    for method, url in pages:
        assert call(client, method, url).status_code == 403, url


def test_anonymous_visitors_are_sent_to_login_from_every_assessment_page(sent, comment, client):
    pages = office_pages(sent, comment) + shared_pages(sent) + board_pages(sent)
    pages.append(("get", reverse("evaluation:board_assessment_list")))
    for method, url in pages:
        response = call(client, method, url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_staff_draft_an_assessment_from_the_form(assessment_city, review, staff, client_for):
    response = client_for(staff).post(
        reverse("evaluation:assessment_create"),
        {
            "title": "Needs 2025",
            "period_start": "2025-01-01",
            "period_end": "2025-12-31",
            "board": review.board.pk,
            "area_kind": "neighbourhood",
        },
        follow=True,
    )
    assessment = NeedsAssessment.objects.get()
    assert response.redirect_chain[-1][0] == reverse(
        "evaluation:assessment_detail", args=[assessment.uuid]
    )
    assert "28 people were shot in the city" in response.content.decode()


def test_a_period_outside_the_data_gives_a_message_and_saves_nothing(
    assessment_city, review, staff, client_for
):
    response = client_for(staff).post(
        reverse("evaluation:assessment_create"),
        {
            "title": "Old",
            "period_start": "2010-01-01",
            "period_end": "2010-12-31",
            "board": review.board.pk,
            "area_kind": "neighbourhood",
        },
    )
    assert response.status_code == 200
    assert "The period must overlap the incident data" in response.content.decode()
    assert not NeedsAssessment.objects.exists()


def test_a_period_ending_before_it_starts_gives_a_message(
    assessment_city, review, staff, client_for
):
    response = client_for(staff).post(
        reverse("evaluation:assessment_create"),
        {
            "title": "x",
            "period_start": "2025-06-01",
            "period_end": "2025-01-01",
            "board": review.board.pk,
            "area_kind": "neighbourhood",
        },
    )
    assert "The period cannot end before it starts." in response.content.decode()
    assert not NeedsAssessment.objects.exists()


def test_staff_edit_a_sections_text_and_bad_text_gives_a_message(draft, staff, client_for):
    client = client_for(staff)
    url = reverse("evaluation:assessment_section_edit", args=[draft.uuid, "who"])
    response = client.post(url, {"text": ""})
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    client.post(url, {"text": "Young men are most affected."})
    assert draft.sections.get(key="who").text == "Young men are most affected."


def test_sending_through_the_page_makes_version_1(draft, staff, client_for):
    response = client_for(staff).post(
        reverse("evaluation:assessment_send", args=[draft.uuid]), follow=True
    )
    assert "Version 1 was sent to Test Advisory Board for review." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == AssessmentStatus.UNDER_REVIEW


def test_publishing_too_early_gives_the_rule_as_a_message(sent, staff, client_for):
    response = client_for(staff).post(
        reverse("evaluation:assessment_publish", args=[sent.uuid]), follow=True
    )
    assert "It cannot be published yet." in response.content.decode()
    sent.refresh_from_db()
    assert sent.status == AssessmentStatus.UNDER_REVIEW


def test_a_board_member_comments_and_staff_see_it_and_answer(sent, review, staff, client_for):
    member = client_for(review.members[0])
    url = reverse("evaluation:board_assessment_comment", args=[sent.uuid, "funding"])
    version = sent.latest_review_version.number
    empty = member.post(url, {"body": "", "version": version}, follow=True)
    assert "Write your comment before sending it" in empty.content.decode()
    member.post(url, {"body": "Which awards count?", "version": version})
    comment = SectionComment.objects.get()
    office = client_for(staff)
    assert (
        "Which awards count?"
        in office.get(reverse("evaluation:assessment_detail", args=[sent.uuid])).content.decode()
    )
    office.post(
        reverse("evaluation:assessment_comment_answer", args=[sent.uuid, comment.uuid]),
        {"reply": "Active awards on the last day."},
    )
    page = member.get(reverse("evaluation:board_assessment_detail", args=[sent.uuid]))
    assert "Active awards on the last day." in page.content.decode()


def test_a_board_member_asking_for_changes_without_a_note_gets_a_message(sent, review, client_for):
    response = client_for(review.members[0]).post(
        reverse("evaluation:board_assessment_decide", args=[sent.uuid]),
        {"decision": Decision.CHANGES, "note": "", "version": sent.latest_review_version.number},
        follow=True,
    )
    assert "Say what should change" in response.content.decode()
    sent.refresh_from_db()
    assert sent.status == AssessmentStatus.UNDER_REVIEW


def test_the_board_page_shows_no_contact_details(sent, review, client_for):
    person = review.members[1].person
    assessment_decide(assessment=sent, user=review.members[1], decision=Decision.SIGN_OFF)
    page = (
        client_for(review.members[0])
        .get(reverse("evaluation:board_assessment_detail", args=[sent.uuid]))
        .content.decode()
    )
    assert "Bea Second" in page
    assert person.email not in page and person.phone not in page
    assert review.members[1].email not in page


def test_the_board_reads_the_version_it_was_sent_not_later_edits(sent, review, staff, client_for):
    assessment_decide(
        assessment=sent, user=review.members[0], decision=Decision.CHANGES, note="More"
    )
    section = sent.sections.get(key="who")
    section.text = "An unsent edit."
    section.save()
    page = (
        client_for(review.members[1])
        .get(reverse("evaluation:board_assessment_detail", args=[sent.uuid]))
        .content.decode()
    )
    assert "An unsent edit." not in page and "The largest age group" in page


def test_the_printable_view_has_no_navigation_and_shows_figures_as_tables(sent, staff, client_for):
    page = client_for(staff).get(reverse("evaluation:assessment_print", args=[sent.uuid]))
    html = page.content.decode()
    assert 'aria-label="Main"' not in html and "plotly" not in html
    assert (
        "<caption>People shot by neighbourhood, 1 January 2025 to 31 December 2025</caption>"
        in html
    )
    assert "Needs assessment 2025" in html


def test_the_pdf_is_a_pdf_with_the_title_in_its_text(sent, review, client_for):
    response = client_for(review.members[0]).get(
        reverse("evaluation:assessment_pdf", args=[sent.uuid])
    )
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert 'filename="needs-assessment-2025-v1.pdf"' in response["Content-Disposition"]
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Needs assessment 2025" in text
    assert "Violence burden and trends by area" in text


def test_an_unknown_version_is_404(sent, staff, client_for):
    client = client_for(staff)
    assert (
        client.get(reverse("evaluation:assessment_version", args=[sent.uuid, 9])).status_code == 404
    )
    url = reverse("evaluation:assessment_print", args=[sent.uuid])
    assert client.get(f"{url}?version=abc").status_code == 404


def test_board_home_lists_the_assessments_sent_to_the_members_board_only(client_for, db):
    from io import StringIO

    from django.core.management import call_command

    from ovp.accounts.models import User

    call_command("seed_demo", stdout=StringIO())
    assessment = NeedsAssessment.objects.get(status=AssessmentStatus.UNDER_REVIEW)
    member = User.objects.get(email="board@demo.ovp")
    outsider = BoardMemberFactory(email="outsider@example.org")

    mine = client_for(member).get("/board/").content.decode()
    theirs = client_for(outsider).get("/board/").content.decode()

    assert assessment.title in mine
    assert assessment.title not in theirs and "No needs assessment is waiting" in theirs


def test_a_decision_or_comment_on_a_version_no_longer_under_review_is_refused(
    sent, review, staff, client_for
):
    read = sent.latest_review_version.number
    # another member asks for changes, and the office sends a new version
    assessment_decide(
        assessment=sent, user=review.members[1], decision=Decision.CHANGES, note="Add 2024."
    )
    assessment_send(assessment=sent, user=staff)
    current = NeedsAssessment.objects.get(pk=sent.pk).latest_review_version.number
    assert current == read + 1
    member = client_for(review.members[0])
    decided = member.post(
        reverse("evaluation:board_assessment_decide", args=[sent.uuid]),
        {"decision": Decision.SIGN_OFF, "note": "", "version": read},
        follow=True,
    )
    assert f"You read version {read}, which is no longer the one under review" in (
        decided.content.decode()
    )
    commented = member.post(
        reverse("evaluation:board_assessment_comment", args=[sent.uuid, "who"]),
        {"body": "Looks fine", "version": read},
        follow=True,
    )
    assert f"the office sent version {current} since" in commented.content.decode()
    assert not SignOff.objects.filter(member=review.members[0]).exists()
    assert not SectionComment.objects.filter(author=review.members[0]).exists()
    # on the version now under review, it is accepted
    member.post(
        reverse("evaluation:board_assessment_decide", args=[sent.uuid]),
        {"decision": Decision.SIGN_OFF, "note": "", "version": current},
    )
    assert SignOff.objects.get(member=review.members[0]).version.number == current


def test_the_board_page_sends_the_version_read_with_each_form(sent, review, client_for):
    page = client_for(review.members[0]).get(
        reverse("evaluation:board_assessment_detail", args=[sent.uuid])
    )
    number = sent.latest_review_version.number
    assert f'name="version" value="{number}"' in page.content.decode()
