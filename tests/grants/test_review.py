"""Review: assigning reviewers, conflicts of interest, scoring, exact weighted averages, and
the office's decision; who reaches which review page."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from grants.models import ApplicationMessage, ApplicationStatus, ReviewAssignment, Score
from grants.selectors.review import application_scores
from grants.services.applications import application_document_add
from grants.services.review import (
    Decision,
    application_decide,
    conflict_declare,
    review_submit,
    reviewers_assign,
)
from tests.factories import (
    ApplicationFactory,
    BoardMemberFactory,
    CriterionFactory,
    FundingRoundFactory,
    ReviewAssignmentFactory,
    StaffFactory,
)

DURING = datetime(2026, 6, 1, 12, tzinfo=UTC)


@pytest.fixture(autouse=True)
def during_the_round():
    with time_machine.travel(DURING, tick=False):
        yield


@pytest.fixture
def funding_round(db):
    return FundingRoundFactory(max_award=Decimal("120000.00"))


@pytest.fixture
def criteria(funding_round):
    # weights 2 and 1, highest scores 5 and 10
    return [
        CriterionFactory(funding_round=funding_round, name="Need", weight=2, max_score=5),
        CriterionFactory(funding_round=funding_round, name="Evidence", weight=1, max_score=10),
    ]


@pytest.fixture
def application(funding_round, organisation_a, grantee_a):
    return ApplicationFactory(
        funding_round=funding_round,
        organisation=organisation_a,
        created_by=grantee_a,
        title="Night walks",
        summary="Outreach workers walk the blocks at night.",
        requested_amount=Decimal("100000.00"),
    )


@pytest.fixture
def assignment(application, board_member, staff):
    return ReviewAssignmentFactory(
        application=application, reviewer=board_member, assigned_by=staff
    )


def scored(assignment, criteria, need, evidence):
    conflict_declare(assignment=assignment, user=assignment.reviewer, has_conflict=False)
    return review_submit(
        assignment=assignment,
        user=assignment.reviewer,
        scores={criteria[0].pk: (need, ""), criteria[1].pk: (evidence, "")},
    )


# ---------------------------------------------------------------------------------- services


def test_staff_assign_office_staff_and_board_members_once_each(application, staff, board_member):
    colleague = StaffFactory()
    created = reviewers_assign(
        application=application, reviewers=[colleague, board_member], assigned_by=staff
    )
    again = reviewers_assign(application=application, reviewers=[board_member], assigned_by=staff)
    assert len(created) == 2 and again == []
    assert set(application.assignments.values_list("reviewer", flat=True)) == {
        colleague.pk,
        board_member.pk,
    }


def test_a_grantee_cannot_be_assigned_as_reviewer(application, staff, grantee_b):
    with pytest.raises(ValidationError, match="Only office staff and advisory board members"):
        reviewers_assign(application=application, reviewers=[grantee_b], assigned_by=staff)
    assert not ReviewAssignment.objects.exists()


def test_reviewers_are_not_assigned_to_a_draft(application, staff, board_member):
    application.status = ApplicationStatus.DRAFT
    application.save()
    with pytest.raises(ValidationError, match="submitted applications"):
        reviewers_assign(application=application, reviewers=[board_member], assigned_by=staff)


def test_a_conflicted_reviewer_cannot_score(assignment, criteria, board_member):
    conflict_declare(
        assignment=assignment, user=board_member, has_conflict=True, note="I sit on their board."
    )
    with pytest.raises(ValidationError, match="conflict of interest"):
        review_submit(
            assignment=assignment,
            user=board_member,
            scores={criteria[0].pk: (5, ""), criteria[1].pk: (10, "")},
        )
    assert not Score.objects.exists()
    assignment.refresh_from_db()
    assert assignment.has_conflict is True and assignment.conflict_note == "I sit on their board."


def test_a_conflict_needs_a_note(assignment, board_member):
    with pytest.raises(ValidationError, match="what the conflict is"):
        conflict_declare(assignment=assignment, user=board_member, has_conflict=True, note=" ")
    assignment.refresh_from_db()
    assert assignment.has_conflict is None


def test_a_reviewer_declares_before_scoring(assignment, criteria, board_member):
    with pytest.raises(ValidationError, match="Declare first"):
        review_submit(
            assignment=assignment,
            user=board_member,
            scores={criteria[0].pk: (5, ""), criteria[1].pk: (10, "")},
        )
    assert not Score.objects.exists()


def test_a_score_above_the_criterions_highest_is_refused(assignment, criteria, board_member):
    conflict_declare(assignment=assignment, user=board_member, has_conflict=False)
    with pytest.raises(ValidationError, match="Need: give a score from 0 to 5"):
        review_submit(
            assignment=assignment,
            user=board_member,
            scores={criteria[0].pk: (6, ""), criteria[1].pk: (10, "")},
        )
    assignment.refresh_from_db()
    assert not Score.objects.exists() and assignment.submitted_at is None


def test_every_criterion_must_be_scored(assignment, criteria, board_member):
    conflict_declare(assignment=assignment, user=board_member, has_conflict=False)
    with pytest.raises(ValidationError, match="missing: Evidence"):
        review_submit(assignment=assignment, user=board_member, scores={criteria[0].pk: (3, "")})
    assert not Score.objects.exists()


def test_only_the_assigned_reviewer_scores(assignment, criteria):
    conflict_declare(assignment=assignment, user=assignment.reviewer, has_conflict=False)
    with pytest.raises(ValidationError, match="assigned to someone else"):
        review_submit(
            assignment=assignment,
            user=BoardMemberFactory(),
            scores={criteria[0].pk: (3, ""), criteria[1].pk: (3, "")},
        )


def test_a_submitted_review_cannot_be_scored_again(assignment, criteria, board_member):
    scored(assignment, criteria, 4, 5)
    with pytest.raises(ValidationError, match="already submitted"):
        review_submit(
            assignment=assignment,
            user=board_member,
            scores={criteria[0].pk: (5, ""), criteria[1].pk: (10, "")},
        )
    assert sorted(Score.objects.values_list("score", flat=True)) == [4, 5]


def test_the_weighted_average_and_spread_are_exact(application, criteria, staff):
    first = ReviewAssignmentFactory(application=application)
    second = ReviewAssignmentFactory(application=application)
    conflicted = ReviewAssignmentFactory(application=application)
    unfinished = ReviewAssignmentFactory(application=application)
    # (4/5*2 + 5/10*1) / 3 = 70%; (3/5*2 + 10/10*1) / 3 = 73.333...%
    scored(first, criteria, 4, 5)
    scored(second, criteria, 3, 10)
    conflict_declare(assignment=conflicted, user=conflicted.reviewer, has_conflict=True, note="x")
    conflict_declare(assignment=unfinished, user=unfinished.reviewer, has_conflict=False)
    summary = application_scores([application])[application.pk]
    assert summary.average_percent == Decimal("71.67")  # (70 + 73.333...) / 2, rounded once
    assert (summary.low, summary.high) == (Decimal("70.00"), Decimal("73.33"))
    assert (summary.reviews, summary.conflicts, summary.assigned, summary.pending) == (2, 1, 4, 1)


def test_application_scores_take_a_fixed_number_of_queries(
    funding_round, criteria, django_assert_num_queries
):
    applications = [ApplicationFactory(funding_round=funding_round) for _ in range(4)]
    for application in applications:
        scored(ReviewAssignmentFactory(application=application), criteria, 5, 10)
    unreviewed = ApplicationFactory(funding_round=funding_round)
    with django_assert_num_queries(2):
        summaries = application_scores([*applications, unreviewed])  # type: ignore[list-item]
    assert [summaries[a.pk].average_percent for a in applications] == [Decimal("100.00")] * 4
    assert summaries[unreviewed.pk].average_percent is None
    assert summaries[unreviewed.pk].reviews == 0


def test_staff_approve_with_an_amount_and_a_reason(application, staff):
    application_decide(
        application=application,
        user=staff,
        decision=Decision.APPROVE,
        reason="Strong evidence.",
        amount=Decimal("80000.00"),
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    assert application.approved_amount == Decimal("80000.00")
    assert (application.decided_by, application.decided_at) == (staff, DURING)
    assert application.decision_reason == "Strong evidence."


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (Decimal("100000.01"), r"cannot exceed the \$100,000.00 requested"),
        (None, "Give the amount approved"),
        (Decimal("0"), "Give the amount approved"),
    ],
)
def test_an_approval_needs_an_amount_within_the_request(application, staff, amount, message):
    with pytest.raises(ValidationError, match=message):
        application_decide(
            application=application,
            user=staff,
            decision=Decision.APPROVE,
            reason="Ok",
            amount=amount,
        )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED and application.decided_at is None


def test_an_approval_cannot_exceed_the_rounds_largest_award(application, staff):
    application.requested_amount = Decimal("150000.00")
    application.save()
    with pytest.raises(ValidationError, match=r"largest award is \$120,000.00"):
        application_decide(
            application=application,
            user=staff,
            decision=Decision.APPROVE,
            reason="Ok",
            amount=Decimal("130000.00"),
        )


def test_every_decision_needs_a_reason(application, staff):
    with pytest.raises(ValidationError, match="Give the reason"):
        application_decide(
            application=application, user=staff, decision=Decision.DECLINE, reason=""
        )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_asking_for_more_information_messages_the_organisation_and_unlocks(application, staff):
    application_decide(
        application=application,
        user=staff,
        decision=Decision.REQUEST_INFO,
        reason="Please attach your budget.",
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.INFO_REQUESTED and application.is_editable
    message = ApplicationMessage.objects.get()
    assert (message.from_office, message.body) == (True, "Please attach your budget.")


def test_a_declined_application_cannot_be_decided_again(application, staff):
    application_decide(application=application, user=staff, decision=Decision.DECLINE, reason="No")
    with pytest.raises(ValidationError, match="already declined"):
        application_decide(
            application=application,
            user=staff,
            decision=Decision.APPROVE,
            reason="Changed my mind",
            amount=Decimal("10.00"),
        )


def test_a_board_member_cannot_decide(application, board_member):
    with pytest.raises(ValidationError, match="Only office staff"):
        application_decide(
            application=application, user=board_member, decision=Decision.DECLINE, reason="No"
        )


# ------------------------------------------------------------------------------------- pages


@pytest.mark.parametrize("persona", ["staff", "office_admin", "board_member"])
def test_reviewers_open_their_list_of_reviews(persona, request, client_for):
    assert client_for(request.getfixturevalue(persona)).get("/grants/reviews/").status_code == 200


def test_a_board_member_sees_what_scoring_needs_and_no_contact_details(
    assignment, application, grantee_a, client_for
):
    application.organisation.website = "https://organisation-a.example.org"
    application.organisation.save()
    conflict_declare(assignment=assignment, user=assignment.reviewer, has_conflict=False)
    response = client_for(assignment.reviewer).get(f"/grants/reviews/{assignment.uuid}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Night walks" in page and "Outreach workers walk the blocks at night." in page
    assert "$100,000.00" in page
    assert grantee_a.email not in page and "organisation-a.example.org" not in page


def test_a_reviewer_sees_neither_summary_nor_documents_before_declaring_no_conflict(
    assignment, application, grantee_a, client_for
):
    application.status = ApplicationStatus.DRAFT
    application.save()
    document = application_document_add(
        application=application,
        user=grantee_a,
        kind="budget",
        upload=SimpleUploadedFile("budget.pdf", b"%PDF-1.4 x"),
    )
    application.status = ApplicationStatus.SUBMITTED
    application.save()
    client = client_for(assignment.reviewer)

    page = client.get(f"/grants/reviews/{assignment.uuid}/").content.decode()
    download = client.get(f"/grants/reviews/{assignment.uuid}/documents/{document.uuid}/")

    assert "Outreach workers walk the blocks at night." not in page
    assert "budget.pdf" not in page and str(document.uuid) not in page
    assert "Declare first whether you have a conflict of interest" in page
    assert download.status_code == 404
    conflict_declare(assignment=assignment, user=assignment.reviewer, has_conflict=False)
    page = client.get(f"/grants/reviews/{assignment.uuid}/").content.decode()
    assert "Outreach workers walk the blocks at night." in page and "budget.pdf" in page


def test_a_board_member_downloads_the_documents_of_their_assignment(
    assignment, application, grantee_a, client_for
):
    application.status = ApplicationStatus.DRAFT
    application.save()
    document = application_document_add(
        application=application,
        user=grantee_a,
        kind="budget",
        upload=SimpleUploadedFile("budget.pdf", b"%PDF-1.4 x"),
    )
    application.status = ApplicationStatus.SUBMITTED
    application.save()
    client = client_for(assignment.reviewer)
    conflict_declare(assignment=assignment, user=assignment.reviewer, has_conflict=False)
    response = client.get(f"/grants/reviews/{assignment.uuid}/documents/{document.uuid}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 x"
    conflict_declare(assignment=assignment, user=assignment.reviewer, has_conflict=True, note="x")
    response = client.get(f"/grants/reviews/{assignment.uuid}/documents/{document.uuid}/")
    assert response.status_code == 404


def test_someone_elses_assignment_answers_404_on_every_review_url(assignment, criteria, client_for):
    other = BoardMemberFactory()
    client = client_for(other)
    base = f"/grants/reviews/{assignment.uuid}/"
    assert client.get(base).status_code == 404
    assert client.get(f"{base}documents/{assignment.uuid}/").status_code == 404
    assert client.post(f"{base}conflict/", {"has_conflict": "no"}).status_code == 404
    assert client.post(f"{base}score/", {}).status_code == 404
    assignment.refresh_from_db()
    assert assignment.has_conflict is None


def test_a_board_member_declares_no_conflict_then_scores_through_the_pages(
    assignment, criteria, client_for
):
    client = client_for(assignment.reviewer)
    base = f"/grants/reviews/{assignment.uuid}/"
    client.post(f"{base}conflict/", {"has_conflict": "no"})
    response = client.post(
        f"{base}score/",
        {
            f"score_{criteria[0].pk}": "4",
            f"comment_{criteria[0].pk}": "Clear need.",
            f"score_{criteria[1].pk}": "5",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/grants/reviews/"
    assignment.refresh_from_db()
    assert assignment.submitted_at == DURING
    assert {s.criterion.name: (s.score, s.comment) for s in assignment.scores.all()} == {
        "Need": (4, "Clear need."),
        "Evidence": (5, ""),
    }


def test_a_score_above_the_highest_is_refused_on_the_page_with_a_message(
    assignment, criteria, client_for
):
    client = client_for(assignment.reviewer)
    base = f"/grants/reviews/{assignment.uuid}/"
    client.post(f"{base}conflict/", {"has_conflict": "no"})
    response = client.post(
        f"{base}score/", {f"score_{criteria[0].pk}": "9", f"score_{criteria[1].pk}": "5"}
    )
    assert response.status_code == 200
    assert "less than or equal to 5" in response.content.decode()
    assert not Score.objects.exists()


def test_a_conflicted_reviewer_posting_scores_is_refused(assignment, criteria, client_for):
    client = client_for(assignment.reviewer)
    base = f"/grants/reviews/{assignment.uuid}/"
    client.post(f"{base}conflict/", {"has_conflict": "yes", "conflict_note": "Former employee."})
    response = client.post(
        f"{base}score/",
        {f"score_{criteria[0].pk}": "5", f"score_{criteria[1].pk}": "10"},
        follow=True,
    )
    assert "you cannot score it" in response.content.decode()
    assert not Score.objects.exists()


def test_staff_assign_reviewers_on_the_application_page(
    application, staff, board_member, client_for
):
    response = client_for(staff).post(
        f"/grants/applications/{application.uuid}/reviewers/", {"reviewers": [board_member.pk]}
    )
    assert response.status_code == 302
    assert list(application.assignments.values_list("reviewer", flat=True)) == [board_member.pk]


def test_staff_see_scores_and_approve_on_the_decision_page(
    application, assignment, criteria, staff, client_for
):
    scored(assignment, criteria, 4, 5)
    client = client_for(staff)
    page = client.get(f"/grants/applications/{application.uuid}/decide/").content.decode()
    assert "Average: 70.00%" in page
    response = client.post(
        f"/grants/applications/{application.uuid}/decide/",
        {"decision": "approve", "amount": "75000", "reason": "Good plan."},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    assert application.approved_amount == Decimal("75000.00") and application.decided_by == staff


def test_a_refused_decision_shows_why_and_records_nothing(application, staff, client_for):
    response = client_for(staff).post(
        f"/grants/applications/{application.uuid}/decide/",
        {"decision": "approve", "amount": "250000", "reason": "Good plan."},
    )
    assert response.status_code == 200
    assert "cannot exceed the $100,000.00 requested" in response.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


@pytest.mark.parametrize("persona", ["grantee_a", "grantee_b", "board_member"])
def test_grantees_and_board_members_get_403_on_assignment_and_decision(
    application, assignment, persona, request, client_for
):
    client = client_for(request.getfixturevalue(persona))
    base = f"/grants/applications/{application.uuid}/"
    assert client.get(f"{base}decide/").status_code == 403
    assert client.post(f"{base}decide/", {"decision": "decline", "reason": "x"}).status_code == 403
    assert client.post(f"{base}reviewers/", {"reviewers": [1]}).status_code == 403
    assert client.post(f"/grants/reviews/{assignment.uuid}/remove/").status_code == 403
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_staff_remove_a_reviewer_who_has_not_scored(assignment, staff, client_for):
    client_for(staff).post(f"/grants/reviews/{assignment.uuid}/remove/")
    assert not ReviewAssignment.objects.exists()
