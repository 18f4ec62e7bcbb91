"""Who may do what with grants. Views call these; templates only mirror them.

Objects a grantee or a reviewer can reach are fetched through the helpers below, scoped to
the user first: another organisation's application, award or report answers 404, never 403,
so nobody learns what exists."""

from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404

from grants.models import Application, QuarterlyReport, ReportAttachment, ReviewAssignment
from ovp.accounts.models import OFFICE_ROLES, Role, User
from ovp.accounts.permissions import can_use_office, has_role
from ovp.core.actions import AuthedRequest


def can_manage_grants(user: User) -> bool:
    """Office staff run rounds, decide, allocate, award, release money and review reports."""
    return can_use_office(user)


def can_review(user: User) -> bool:
    """Office staff and advisory board members may be asked to score applications."""
    return has_role(user, *OFFICE_ROLES, Role.BOARD)


def get_application_for_grantee(request: AuthedRequest, uuid: Any) -> Application:
    return get_object_or_404(
        Application.objects.for_organisations_of(request.user).select_related(
            "funding_round", "organisation"
        ),
        uuid=uuid,
    )


def get_report_for_grantee(request: AuthedRequest, uuid: Any) -> QuarterlyReport:
    return get_object_or_404(
        QuarterlyReport.objects.for_organisations_of(request.user).select_related(
            "award", "award__organisation"
        ),
        uuid=uuid,
    )


def get_attachment_for_user(request: AuthedRequest, uuid: Any) -> ReportAttachment:
    """A report's attachment: staff reach any; a grantee only its organisation's (others
    answer 404); views let no other role this far."""
    attachments = ReportAttachment.objects.select_related("report", "report__award")
    if not can_manage_grants(request.user):
        attachments = attachments.filter(report__award__organisation__members=request.user.pk)
    return get_object_or_404(attachments, uuid=uuid)


def get_assignment_for_reviewer(request: AuthedRequest, uuid: Any) -> ReviewAssignment:
    """A reviewer's own assignment; anyone else's answers 404."""
    assignment = get_object_or_404(
        ReviewAssignment.objects.select_related(
            "application", "application__funding_round", "application__organisation"
        ),
        uuid=uuid,
    )
    if assignment.reviewer_id != request.user.pk:
        raise Http404("No such review among yours.")
    return assignment
