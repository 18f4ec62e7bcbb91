"""The stakeholder registry's factories live in tests/factories.py; tests/evaluation still
imports them from here (remove this module once it imports tests.factories)."""

from tests.factories import (
    ActionItemFactory,
    BoardFactory,
    GoalFactory,
    MeetingFactory,
    MembershipFactory,
    PersonFactory,
)

__all__ = [
    "ActionItemFactory",
    "BoardFactory",
    "GoalFactory",
    "MeetingFactory",
    "MembershipFactory",
    "PersonFactory",
]
