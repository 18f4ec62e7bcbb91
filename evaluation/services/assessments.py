"""Services of the needs assessments: drafting from the data, editing, the board's review
(comments, sign-offs) and publishing. Each checks its rule, writes in one transaction and
raises a ValidationError with a clear message on bad input.

The publish rule (PUBLISH_RULE, shown on the page): the latest version sent for review has
been signed off by a majority of the board's current members who have a portal account,
and nobody asked for changes on it (asking for changes sets the status to "changes
requested" at once, so the version can no longer be published)."""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from evaluation.figures.wording import period_text
from evaluation.models import (
    EDITABLE_STATUSES,
    AssessmentSection,
    AssessmentStatus,
    AssessmentVersion,
    Decision,
    NeedsAssessment,
    SectionComment,
    SignOff,
    VersionKind,
)
from evaluation.selectors.assessments import board_reviewers, publish_readiness
from ovp.accounts.models import User
from ovp.incidents.selectors import area_kinds, data_range
from stakeholders.models import Board
from stakeholders.permissions import is_current_board_member

PUBLISH_RULE = (
    "An assessment can be published once a majority of the board's current members who "
    "have a portal account have signed off the latest version sent for review, and nobody "
    "has asked for changes on it."
)
MAX_YEARS = 5
MAX_TEXT = 20_000
MAX_COMMENT = 4_000


# -- drafting ----------------------------------------------------------------------------------


def _check_period(period_start: date, period_end: date) -> None:
    if period_end < period_start:
        raise ValidationError({"period_end": "The period cannot end before it starts."})
    if period_end > timezone.localdate():
        raise ValidationError({"period_end": "The period cannot end in the future."})
    if (period_end - period_start).days > round(365.25 * MAX_YEARS):
        raise ValidationError(f"A needs assessment covers at most {MAX_YEARS} years.")
    data = data_range()
    if data.first_week is None or data.last_week is None:
        raise ValidationError(
            "There is no incident data yet: import it before drafting an assessment."
        )
    last_day = data.last_week.toordinal() + 6
    if period_start.toordinal() > last_day or period_end < data.first_week:
        raise ValidationError(
            "The period must overlap the incident data, which runs from "
            f"{period_text(data.first_week, date.fromordinal(last_day))}."
        )


def assessment_draft(
    *,
    title: str,
    period_start: date,
    period_end: date,
    board: Board,
    user: User,
    area_kind: str | None = None,
) -> NeedsAssessment:
    """Create a needs assessment of a period with every section drafted from the data: the
    figures, and a first paragraph that states their numbers, for staff to edit."""
    from evaluation.figures.sections import SECTIONS

    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "Give the assessment a title."})
    _check_period(period_start, period_end)
    if not board.active:
        raise ValidationError({"board": "This board is no longer active: choose another."})
    kinds = area_kinds()
    if not kinds:
        raise ValidationError("There are no areas yet: load the city's areas first.")
    kind = area_kind or kinds[0]
    if kind not in kinds:
        raise ValidationError({"area_kind": "There are no areas of this kind."})
    now = timezone.now()
    with transaction.atomic():
        assessment = NeedsAssessment(
            title=title,
            period_start=period_start,
            period_end=period_end,
            area_kind=kind,
            board=board,
            created_by=user,
        )
        assessment.full_clean()
        assessment.save()
        for position, spec in enumerate(SECTIONS, start=1):
            figures = spec.build(period_start, period_end, kind)
            section = AssessmentSection(
                assessment=assessment,
                position=position,
                key=spec.key,
                title=spec.title,
                figures=figures.as_dict(),
                text=figures.summary,
                figures_refreshed_at=now,
            )
            section.full_clean()
            section.save()
    return assessment


def _locked(assessment: NeedsAssessment) -> NeedsAssessment:
    """The assessment row locked for this transaction: two clicks cannot both number a
    version or change the status."""
    return NeedsAssessment.objects.select_for_update().get(pk=assessment.pk)


def _require_editable(assessment: NeedsAssessment) -> None:
    if assessment.status not in EDITABLE_STATUSES:
        raise ValidationError(
            f"This assessment is {assessment.get_status_display().lower()}: it can be changed "
            "only as a draft or when the board has asked for changes."
        )


def assessment_section_refresh(*, section: AssessmentSection, user: User) -> AssessmentSection:
    """Draft the section's figures again from the data as it is now. The text staff wrote is
    kept; the newly drafted paragraph is in the figures' summary to copy from."""
    from evaluation.figures.sections import SECTION_SPECS

    with transaction.atomic():
        _require_editable(_locked(section.assessment))
        assessment = section.assessment
        spec = SECTION_SPECS.get(section.key)
        if spec is None:
            raise ValidationError("This section is not drafted from the data.")
        section.figures = spec.build(
            assessment.period_start, assessment.period_end, assessment.area_kind
        ).as_dict()
        section.figures_refreshed_at = timezone.now()
        section.full_clean()
        section.save(update_fields=["figures", "figures_refreshed_at"])
    return section


def assessment_section_edit(
    *, section: AssessmentSection, text: str, user: User
) -> AssessmentSection:
    text = (text or "").strip()
    if not text:
        raise ValidationError(
            {"text": "Write the section's text: the figures need words around them."}
        )
    if len(text) > MAX_TEXT:
        raise ValidationError({"text": f"Keep the text under {MAX_TEXT:,} characters."})
    with transaction.atomic():
        _require_editable(_locked(section.assessment))
        section.text = text
        section.text_edited_by = user
        section.text_edited_at = timezone.now()
        section.full_clean()
        section.save(update_fields=["text", "text_edited_by", "text_edited_at"])
    return section


# -- versions ----------------------------------------------------------------------------------


def _snapshot(assessment: NeedsAssessment) -> list[dict[str, Any]]:
    return [
        {"key": s.key, "title": s.title, "text": s.text, "figures": s.figures}
        for s in assessment.sections.order_by("position")
    ]


def _new_version(assessment: NeedsAssessment, kind: str, user: User) -> AssessmentVersion:
    number = (assessment.versions.aggregate(last=Max("number"))["last"] or 0) + 1
    version = AssessmentVersion(
        assessment=assessment,
        number=number,
        kind=kind,
        sections=_snapshot(assessment),
        created_by=user,
    )
    version.full_clean()
    version.save()
    return version


def assessment_send(*, assessment: NeedsAssessment, user: User) -> AssessmentVersion:
    """Send the assessment to its board: a new numbered version, status under review."""
    with transaction.atomic():
        assessment = _locked(assessment)
        _require_editable(assessment)
        empty = [s.title for s in assessment.sections.order_by("position") if not s.text.strip()]
        if empty:
            raise ValidationError(f"Write the text of every section first: {', '.join(empty)}.")
        if not board_reviewers(assessment.board, timezone.localdate()):
            raise ValidationError(
                f"{assessment.board} has no current member with a portal account to review it."
            )
        version = _new_version(assessment, VersionKind.REVIEW, user)
        assessment.status = AssessmentStatus.UNDER_REVIEW
        assessment.save(update_fields=["status", "updated_at"])
    return version


def assessment_publish(*, assessment: NeedsAssessment, user: User) -> AssessmentVersion:
    """Publish the version the board signed off (PUBLISH_RULE): a final, read-only version."""
    with transaction.atomic():
        assessment = _locked(assessment)
        readiness = publish_readiness(assessment)
        if not readiness.can_publish:
            raise ValidationError(f"It cannot be published yet. {readiness.reason} {PUBLISH_RULE}")
        version = _new_version(assessment, VersionKind.PUBLISHED, user)
        assessment.status = AssessmentStatus.PUBLISHED
        assessment.published_by = user
        assessment.published_at = timezone.now()
        assessment.save(update_fields=["status", "published_by", "published_at", "updated_at"])
    return version


# -- the board's review ------------------------------------------------------------------------


def _require_current_version(
    assessment: NeedsAssessment, read: int | None
) -> AssessmentVersion | None:
    """The version under review; ValidationError when the member read another one."""
    version = assessment.latest_review_version
    if read is not None and (version is None or version.number != read):
        current = f"version {version.number}" if version else "another version"
        raise ValidationError(
            f"You read version {read}, which is no longer the one under review: the office "
            f"sent {current} since. Read it, then comment or decide again."
        )
    return version


def _require_reviewer(assessment: NeedsAssessment, user: User) -> None:
    if not is_current_board_member(user, assessment.board):
        raise ValidationError("Only current members of the board can review this assessment.")
    if assessment.status != AssessmentStatus.UNDER_REVIEW:
        raise ValidationError(
            f"This assessment is {assessment.get_status_display().lower()}, not under review: "
            "the office will send it again when it is ready."
        )


def assessment_comment(
    *, section: AssessmentSection, user: User, body: str, version_read: int | None = None
) -> SectionComment:
    """A board member's comment on a section of the version under review; refused when
    `version_read` (the version the member's page showed) is no longer that version."""
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Write your comment before sending it."})
    if len(body) > MAX_COMMENT:
        raise ValidationError({"body": f"Keep a comment under {MAX_COMMENT:,} characters."})
    with transaction.atomic():
        assessment = _locked(section.assessment)
        _require_reviewer(assessment, user)
        version = _require_current_version(assessment, version_read)
        comment = SectionComment(section=section, version=version, author=user, body=body)
        comment.full_clean()
        comment.save()
    return comment


def assessment_comment_answer(*, comment: SectionComment, user: User, reply: str) -> SectionComment:
    """The office's answer to a comment (answering again replaces the answer)."""
    reply = (reply or "").strip()
    if not reply:
        raise ValidationError({"reply": "Write the answer before sending it."})
    if len(reply) > MAX_COMMENT:
        raise ValidationError({"reply": f"Keep an answer under {MAX_COMMENT:,} characters."})
    with transaction.atomic():
        assessment = _locked(comment.section.assessment)
        if assessment.status == AssessmentStatus.PUBLISHED:
            raise ValidationError("This assessment is published: its comments are closed.")
        comment.reply = reply
        comment.replied_by = user
        comment.replied_at = timezone.now()
        comment.full_clean()
        comment.save(update_fields=["reply", "replied_by", "replied_at"])
    return comment


def assessment_decide(
    *,
    assessment: NeedsAssessment,
    user: User,
    decision: str,
    note: str = "",
    version_read: int | None = None,
) -> SignOff:
    """A board member signs off the version under review or asks for changes (which sets the
    status to changes requested). Deciding again on the same version replaces the decision.
    Refused when `version_read` (the version the member's page showed) is no longer it."""
    note = (note or "").strip()
    if decision not in Decision.values:
        raise ValidationError({"decision": "Choose to sign it off or to ask for changes."})
    if decision == Decision.CHANGES and not note:
        raise ValidationError({"note": "Say what should change, so the office can act on it."})
    if len(note) > MAX_COMMENT:
        raise ValidationError({"note": f"Keep the note under {MAX_COMMENT:,} characters."})
    with transaction.atomic():
        assessment = _locked(assessment)
        _require_reviewer(assessment, user)
        version = _require_current_version(assessment, version_read)
        signoff = SignOff.objects.filter(version=version, member=user).first() or SignOff(
            version=version, member=user
        )
        signoff.decision = decision
        signoff.note = note
        signoff.full_clean()
        signoff.save()
        if decision == Decision.CHANGES:
            assessment.status = AssessmentStatus.CHANGES_REQUESTED
            assessment.save(update_fields=["status", "updated_at"])
    return signoff
