"""What the home pages show of grants, through the panels declared in GrantsConfig: a
grantee's reports and applications waiting for them, a board member's reviews waiting.
Each function reads only the user's own: their organisations' records, their assignments."""

from datetime import timedelta
from typing import Any

from django.utils import timezone

from grants.models import (
    Application,
    ApplicationStatus,
    AwardStatus,
    QuarterlyReport,
    ReportStatus,
    ReviewAssignment,
)
from grants.services.review import UNDER_REVIEW
from ovp.accounts.models import User
from stakeholders.models import Organisation

DUE_SOON_DAYS = 14


def grantee_panel(user: User) -> dict[str, Any] | None:
    """The reports of the user's organisations' active awards that wait for them (late,
    returned for revision, open to submit or due within two weeks) and their applications
    still being written (drafts, more information requested). None for a user with no
    organisation: the home page already says to ask the office."""
    if not Organisation.objects.for_member(user).exists():
        return None
    today = timezone.localdate()
    reports = list(
        QuarterlyReport.objects.for_organisations_of(user)
        .awaiting_grantee()
        .filter(award__status=AwardStatus.ACTIVE)
        .select_related("award")
        .order_by("due_on", "award__title")
    )
    late = [r for r in reports if r.due_on < today and r.status != ReportStatus.RETURNED]
    returned = [r for r in reports if r.status == ReportStatus.RETURNED]
    due = [
        r
        for r in reports
        if r.status != ReportStatus.RETURNED
        and today <= r.due_on
        and (r.is_open(today) or r.due_on <= today + timedelta(days=DUE_SOON_DAYS))
    ]
    applications = list(
        Application.objects.for_organisations_of(user)
        .filter(status__in=[ApplicationStatus.DRAFT, ApplicationStatus.INFO_REQUESTED])
        .select_related("funding_round", "organisation")
        .order_by("funding_round__closes_at", "title")
    )
    return {
        "late": late,
        "returned": returned,
        "due": due,
        "applications": applications,
        "today": today,
    }


def board_panel(user: User) -> dict[str, Any]:
    """The user's review assignments still to do: not declared yet, or declared without a
    conflict and not scored, on applications still under review."""
    assignments = list(
        ReviewAssignment.objects.filter(
            reviewer_id=user.pk,
            submitted_at__isnull=True,
            application__status__in=UNDER_REVIEW,
        )
        .exclude(has_conflict=True)
        .select_related("application", "application__funding_round")
        .order_by("application__funding_round__closes_at", "assigned_at")
    )
    return {"assignments": assignments}
