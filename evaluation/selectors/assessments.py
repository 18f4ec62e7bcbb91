"""Reads of the needs assessments: which ones each user may read, and where the version under
review stands against the publish rule (the pages show it; publishing enforces it)."""

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from django.http import Http404
from django.utils import timezone

from evaluation.models import (
    AssessmentStatus,
    AssessmentVersion,
    Decision,
    NeedsAssessment,
    NeedsAssessmentQuerySet,
    VersionKind,
)
from ovp.accounts.models import Role, User
from ovp.accounts.permissions import can_use_office, has_role
from stakeholders.models import Board, BoardMembership
from stakeholders.selectors import boards_for_user


def assessments_for_user(user: User, today: date) -> NeedsAssessmentQuerySet:
    """The needs assessments a user may read: all for the office; for a board member, those
    of the boards they currently sit on that have been sent to the board (never a draft
    that was not sent); none for anyone else."""
    assessments = NeedsAssessment.objects.select_related("board")
    if can_use_office(user):
        return assessments
    if has_role(user, Role.BOARD):
        return assessments.seen_by_board().filter(board__in=boards_for_user(user, today))
    return assessments.none()


def get_assessment_for_user(
    user: User, assessment_uuid: UUID | str, today: date
) -> NeedsAssessment:
    """An assessment the user may read, or 404: another board's is not found, not forbidden."""
    assessment = assessments_for_user(user, today).filter(uuid=assessment_uuid).first()
    if assessment is None:
        raise Http404("No such needs assessment.")
    return assessment


def board_panel(user: User) -> dict[str, Any]:
    """The board home's panel: the needs assessments of the member's boards sent for review."""
    readable = assessments_for_user(user, timezone.localdate())
    return {"assessments": list(readable.filter(status=AssessmentStatus.UNDER_REVIEW)[:10])}


# -- the publish rule ---------------------------------------------------------------------------


def board_reviewers(board: Board, today: date) -> list[User]:
    """The users who may review for a board: current members with an active board-role
    account."""
    seats = BoardMembership.objects.current(today).filter(board=board, person__user__isnull=False)
    return list(
        User.objects.filter(
            pk__in=seats.values("person__user"), role=Role.BOARD, is_active=True
        ).order_by("full_name", "pk")
    )


@dataclass
class Readiness:
    """Where the latest version stands against the publish rule."""

    version: AssessmentVersion | None
    reviewers: int
    signed_off: int
    changes_asked: int
    needed: int
    can_publish: bool
    reason: str


def publish_readiness(assessment: NeedsAssessment, today: date | None = None) -> Readiness:
    today = today or timezone.localdate()
    version = assessment.latest_review_version
    reviewers = board_reviewers(assessment.board, today)
    needed = len(reviewers) // 2 + 1
    if version is None:
        return Readiness(
            None, len(reviewers), 0, 0, needed, False, "It has not been sent for review yet."
        )
    decisions = list(version.signoffs.all())
    current = {user.pk for user in reviewers}
    signed = sum(1 for d in decisions if d.decision == Decision.SIGN_OFF and d.member_id in current)
    changes = sum(1 for d in decisions if d.decision == Decision.CHANGES)
    if assessment.status == AssessmentStatus.PUBLISHED:
        return Readiness(
            version, len(reviewers), signed, changes, needed, False, "It is published."
        )
    if assessment.status != AssessmentStatus.UNDER_REVIEW:
        reason = (
            "The board asked for changes: edit it and send it again."
            if assessment.status == AssessmentStatus.CHANGES_REQUESTED
            else "It is not under review."
        )
        return Readiness(version, len(reviewers), signed, changes, needed, False, reason)
    if not reviewers:
        return Readiness(
            version,
            0,
            signed,
            changes,
            needed,
            False,
            "The board has no current member with a portal account.",
        )
    if changes:
        return Readiness(
            version, len(reviewers), signed, changes, needed, False, "A member asked for changes."
        )
    if signed < needed:
        return Readiness(
            version,
            len(reviewers),
            signed,
            changes,
            needed,
            False,
            f"{signed} of the {len(reviewers)} reviewing members signed off version "
            f"{version.number}; {needed} {'is' if needed == 1 else 'are'} needed.",
        )
    return Readiness(
        version,
        len(reviewers),
        signed,
        changes,
        needed,
        True,
        f"{signed} of the {len(reviewers)} reviewing members signed off version {version.number}.",
    )


# -- the public pages (/public/assessments/) ---------------------------------------------------


@dataclass(frozen=True)
class PublishedAssessment:
    assessment: NeedsAssessment
    version: AssessmentVersion  # the published one: what the public reads


def published_assessments() -> list[PublishedAssessment]:
    """Published assessments, each with its published version, the latest period first.
    Drafts, those under review or sent back, and versions sent for review never appear."""
    from django.db.models import Prefetch

    published_versions = AssessmentVersion.objects.filter(kind=VersionKind.PUBLISHED).order_by(
        "-number"
    )
    assessments = (
        NeedsAssessment.objects.filter(status=AssessmentStatus.PUBLISHED)
        .select_related("board")
        .prefetch_related(Prefetch("versions", queryset=published_versions, to_attr="published"))
    )
    return [
        PublishedAssessment(assessment, assessment.published[0])  # type: ignore[attr-defined]
        for assessment in assessments
        if assessment.published  # type: ignore[attr-defined]
    ]


def get_published_assessment(assessment_uuid: UUID | str) -> PublishedAssessment:
    """A published assessment with its published version, or 404 (a draft, one under review,
    one sent back, or no such assessment: the public cannot tell them apart)."""
    assessment = (
        NeedsAssessment.objects.filter(status=AssessmentStatus.PUBLISHED, uuid=assessment_uuid)
        .select_related("board")
        .first()
    )
    version = (
        assessment.versions.filter(kind=VersionKind.PUBLISHED).order_by("-number").first()
        if assessment
        else None
    )
    if assessment is None or version is None:
        raise Http404("No such published needs assessment.")
    return PublishedAssessment(assessment, version)


def public_sections(version: AssessmentVersion) -> list[dict[str, Any]]:
    """A published version's sections as the public reads them: small counts hidden and
    programs outside the public directory not named (evaluation/figures/public_edition.py)."""
    from django.conf import settings

    from evaluation.figures.public_edition import public_edition
    from inventory.models import Program

    listed = Program.objects.listed_publicly().values("pk")
    unlisted = Program.objects.exclude(pk__in=listed).values_list("name", flat=True)
    return public_edition(
        version.sections, threshold=settings.OVP_SUPPRESSION_THRESHOLD, unlisted=list(unlisted)
    )
