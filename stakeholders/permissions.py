"""Who may see and change what in the stakeholder registry. Views call these; templates only
mirror them.

The office runs the registry. Board members see the boards they currently sit on (names and
roles only); nobody but the office sees people's contact details. Grantees see none of it.
"""

from datetime import date

from django.utils import timezone

from ovp.accounts.models import Role, User
from ovp.accounts.permissions import can_use_office, has_role
from stakeholders.models import Board, BoardMembership, Goal, Meeting


def can_see_contact_details(user: User) -> bool:
    """Email, phone, consent and notes of people: office only."""
    return can_use_office(user)


def can_edit_registry(user: User) -> bool:
    return can_use_office(user)


def can_view_registry(user: User) -> bool:
    """Organisations, people and the accountability view."""
    return can_use_office(user)


def is_current_board_member(user: User, board: Board, today: date | None = None) -> bool:
    if not has_role(user, Role.BOARD):
        return False
    return (
        BoardMembership.objects.current(today or timezone.localdate())
        .filter(board=board, person__user=user)
        .exists()
    )


def can_view_board(user: User, board: Board) -> bool:
    """The office, or a board-role user who currently sits on this board."""
    return can_use_office(user) or is_current_board_member(user, board)


def can_view_meeting(user: User, meeting: Meeting) -> bool:
    return can_view_board(user, meeting.board)


def can_view_goal(user: User, goal: Goal) -> bool:
    """City-wide goals are the office's; a board's goals are also its members'."""
    if can_use_office(user):
        return True
    return goal.board is not None and is_current_board_member(user, goal.board)
