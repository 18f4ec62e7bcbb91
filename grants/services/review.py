"""Writes of the review: assigning reviewers, conflicts of interest, scores, decisions."""

import logging
from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from smtplib import SMTPException

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from grants.models import (
    Application,
    ApplicationMessage,
    ApplicationStatus,
    ReviewAssignment,
    Score,
)
from grants.permissions import can_manage_grants, can_review
from ovp.accounts.models import User

logger = logging.getLogger(__name__)

# statuses in which reviewers may be assigned and may score
UNDER_REVIEW = (ApplicationStatus.SUBMITTED, ApplicationStatus.INFO_REQUESTED)


class Decision:
    APPROVE = "approve"
    REQUEST_INFO = "request_info"
    DECLINE = "decline"
    CHOICES = [
        (APPROVE, "Approve, with an amount"),
        (REQUEST_INFO, "Ask the organisation for more information"),
        (DECLINE, "Decline"),
    ]


@transaction.atomic
def reviewers_assign(
    *, application: Application, reviewers: Iterable[User], assigned_by: User
) -> list[ReviewAssignment]:
    """Ask office staff or board members to review a submitted application. A reviewer
    already assigned is left as is; the new assignments are returned."""
    if not can_manage_grants(assigned_by):
        raise ValidationError("Only office staff assign reviewers.")
    if application.status not in UNDER_REVIEW:
        raise ValidationError(
            f"Reviewers are assigned to submitted applications; this one is "
            f"{application.get_status_display().lower()}."
        )
    reviewers = list(reviewers)
    refused = [str(reviewer) for reviewer in reviewers if not can_review(reviewer)]
    if refused:
        raise ValidationError(
            "Only office staff and advisory board members can review: " + ", ".join(refused)
        )
    already = set(application.assignments.values_list("reviewer_id", flat=True))
    created = []
    for reviewer in reviewers:
        if reviewer.pk in already:
            continue
        assignment = ReviewAssignment(
            application=application, reviewer=reviewer, assigned_by=assigned_by
        )
        # has_conflict stays empty until the reviewer declares (the field is not blank=True)
        assignment.full_clean()
        assignment.save()
        created.append(assignment)
        already.add(reviewer.pk)
    ids = [assignment.pk for assignment in created]
    # once the assignments are committed: a mail never announces a review that was rolled back
    transaction.on_commit(lambda: reviewers_notify(assignment_ids=ids))
    return created


def reviewers_notify(*, assignment_ids: list[int]) -> int:
    """Email each reviewer of these assignments that an application waits for them, with a
    link to their review. A mail that fails is logged; the review still shows on the
    reviewer's home page and list. Returns how many were sent."""
    sent = 0
    assignments = ReviewAssignment.objects.filter(pk__in=assignment_ids).select_related(
        "reviewer", "application", "application__funding_round"
    )
    for assignment in assignments:
        if not assignment.reviewer.email:
            continue
        context = {
            "assignment": assignment,
            "application": assignment.application,
            "office_name": settings.OVP_OFFICE_NAME,
            "url": settings.OVP_SITE_URL.rstrip("/")
            + reverse("grants:review_detail", args=[assignment.uuid]),
        }
        subject = render_to_string("grants/email/review_assigned_subject.txt", context)
        body = render_to_string("grants/email/review_assigned_body.txt", context)
        try:
            send_mail(" ".join(subject.split()), body, None, [assignment.reviewer.email])
        except (OSError, SMTPException):
            logger.exception("Could not tell %s of their review", assignment.reviewer)
            continue
        sent += 1
    return sent


@transaction.atomic
def assignment_remove(*, assignment: ReviewAssignment, user: User) -> None:
    """Take a reviewer off an application, as long as they have not submitted scores."""
    if not can_manage_grants(user):
        raise ValidationError("Only office staff change reviewers.")
    if assignment.submitted_at:
        raise ValidationError(f"{assignment.reviewer} has already submitted a review.")
    assignment.delete()


def _check_reviewer(assignment: ReviewAssignment, user: User) -> None:
    if assignment.reviewer_id != user.pk or not can_review(user):
        raise ValidationError("This review is assigned to someone else.")
    if assignment.submitted_at:
        raise ValidationError("You have already submitted this review.")
    if assignment.application.status not in UNDER_REVIEW:
        raise ValidationError("The office has decided on this application: the review is closed.")


@transaction.atomic
def conflict_declare(
    *,
    assignment: ReviewAssignment,
    user: User,
    has_conflict: bool,
    note: str = "",
    now: datetime | None = None,
) -> ReviewAssignment:
    """The reviewer says whether they have a conflict of interest with the application
    (a note is required when they do). A conflicted reviewer cannot score; scores saved
    before the declaration changed are dropped."""
    assignment = ReviewAssignment.objects.select_for_update().get(pk=assignment.pk)
    _check_reviewer(assignment, user)
    note = note.strip()
    if has_conflict and not note:
        raise ValidationError({"conflict_note": "Say briefly what the conflict is."})
    assignment.has_conflict = has_conflict
    assignment.conflict_note = note
    assignment.declared_at = now or timezone.now()
    if has_conflict:
        assignment.scores.all().delete()
        # declaring a conflict closes the reviewer's part
        assignment.submitted_at = assignment.declared_at
    assignment.full_clean()
    assignment.save()
    return assignment


@transaction.atomic
def review_submit(
    *,
    assignment: ReviewAssignment,
    user: User,
    scores: Mapping[int, tuple[int, str]],
    now: datetime | None = None,
) -> ReviewAssignment:
    """Score every criterion of the round's rubric (criterion id -> (score, comment)) and
    submit the review. Refused to a reviewer who declared a conflict or has not declared."""
    assignment = ReviewAssignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.has_conflict:
        raise ValidationError(
            "You declared a conflict of interest with this application: you cannot score it."
        )
    _check_reviewer(assignment, user)
    if assignment.has_conflict is None:
        raise ValidationError("Declare first whether you have a conflict of interest.")
    criteria = list(assignment.application.funding_round.criteria.all())
    if not criteria:
        raise ValidationError("The round has no rubric yet: ask the office.")
    missing = [criterion.name for criterion in criteria if criterion.pk not in scores]
    if missing:
        raise ValidationError("Score every criterion; missing: " + ", ".join(missing) + ".")
    unknown = set(scores) - {criterion.pk for criterion in criteria}
    if unknown:
        raise ValidationError("Some scores are for criteria that are not in this round's rubric.")
    assignment.scores.all().delete()
    problems = []
    for criterion in criteria:
        value, comment = scores[criterion.pk]
        if value is None or value < 0 or value > criterion.max_score:
            problems.append(f"{criterion.name}: give a score from 0 to {criterion.max_score}.")
            continue
        score = Score(
            assignment=assignment, criterion=criterion, score=value, comment=comment.strip()
        )
        score.full_clean()
        score.save()
    if problems:
        raise ValidationError(problems)
    assignment.submitted_at = now or timezone.now()
    assignment.save(update_fields=["submitted_at"])
    return assignment


@transaction.atomic
def application_decide(
    *,
    application: Application,
    user: User,
    decision: str,
    reason: str,
    amount: Decimal | None = None,
    now: datetime | None = None,
) -> Application:
    """The office decides: approve with an amount (no more than requested nor than the
    round's largest award), ask for more information (the reason goes to the organisation
    as a message and it can edit and resubmit), or decline. The reason, who and when are
    recorded; approval and decline are final."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if not can_manage_grants(user):
        raise ValidationError("Only office staff decide on applications.")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Give the reason for the decision."})
    if application.status in (ApplicationStatus.APPROVED, ApplicationStatus.DECLINED):
        raise ValidationError(
            f"This application was already {application.get_status_display().lower()}."
        )
    if decision == Decision.REQUEST_INFO and application.status != ApplicationStatus.SUBMITTED:
        raise ValidationError(
            "More information can be asked of a submitted application only; this one is "
            f"{application.get_status_display().lower()}."
        )
    if application.status not in UNDER_REVIEW:
        raise ValidationError(
            f"Only submitted applications are decided; this one is "
            f"{application.get_status_display().lower()}."
        )
    if decision == Decision.APPROVE:
        if amount is None or amount <= 0:
            raise ValidationError({"amount": "Give the amount approved."})
        if amount > application.requested_amount:
            raise ValidationError(
                {
                    "amount": f"The amount cannot exceed the ${application.requested_amount:,} "
                    "requested."
                }
            )
        max_award = application.funding_round.max_award
        if max_award is not None and amount > max_award:
            raise ValidationError({"amount": f"The round's largest award is ${max_award:,}."})
        application.status = ApplicationStatus.APPROVED
        application.approved_amount = amount
    elif decision == Decision.DECLINE:
        application.status = ApplicationStatus.DECLINED
        application.approved_amount = None
    elif decision == Decision.REQUEST_INFO:
        application.status = ApplicationStatus.INFO_REQUESTED
        ApplicationMessage.objects.create(
            application=application, author=user, from_office=True, body=reason
        )
    else:
        raise ValidationError({"decision": "Choose a decision."})
    application.decided_by = user
    application.decided_at = now or timezone.now()
    application.decision_reason = reason
    application.full_clean()
    application.save()
    return application
