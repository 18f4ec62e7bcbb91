"""Who may do what in evaluation. Views call these; templates only mirror them."""

from evaluation.models import NeedsAssessment
from ovp.accounts.models import User
from ovp.accounts.permissions import can_use_office
from stakeholders.permissions import is_current_board_member


def can_run_evaluations(user: User) -> bool:
    """Office staff run and read impact evaluations; board members and grantees do not."""
    return can_use_office(user)


def can_manage_assessments(user: User) -> bool:
    """Office staff draft, edit, send and publish needs assessments and answer comments."""
    return can_use_office(user)


def can_review_assessment(user: User, assessment: NeedsAssessment) -> bool:
    """A board-role user who currently sits on the assessment's board."""
    return is_current_board_member(user, assessment.board)
