"""The inventory factories live in tests/factories.py; tests/evaluation still imports them from
here (remove this module once it imports tests.factories)."""

from tests.factories import ProgramFactory, ServiceAreaFactory

__all__ = ["ProgramFactory", "ServiceAreaFactory"]
