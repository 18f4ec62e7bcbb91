"""Who may see and change what in the stakeholder registry. Views call these; templates only
mirror them.

The office runs the registry. Board members see the boards they currently sit on (names and
roles only); nobody but the office sees people's contact details. Grantees see none of it.
"""

from datetime import date

from django.utils import timezone

from ovp.accounts.models import Role, User
from ovp.accounts.permissions import can_use_office, has_role
from stakeholders.models import Board, BoardMembership


def can_see_contact_details(user: User) -> bool:
    """Email, phone, consent and notes of people: office only."""
    return can_use_office(user)


def can_edit_registry(user: User) -> bool:
    return can_use_office(user)


def is_current_board_member(user: User, board: Board, today: date | None = None) -> bool:
    if not has_role(user, Role.BOARD):
        return False
    return (
        BoardMembership.objects.current(today or timezone.localdate())
        .filter(board=board, person__user=user)
        .exists()
    )


def can_moderate_community_input(user: User) -> bool:
    """Read residents' comments as sent, edit them, approve or reject them: office only."""
    return can_use_office(user)
