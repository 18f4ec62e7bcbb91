"""The grants factories live in tests/factories.py; tests/evaluation still imports them from
here (remove this module once it imports tests.factories)."""

from tests.factories import (
    ApplicationFactory,
    AwardFactory,
    BudgetLineFactory,
    CriterionFactory,
    FundFactory,
    FundingRoundFactory,
    QuarterlyReportFactory,
    ReviewAssignmentFactory,
    TrancheFactory,
)

__all__ = [
    "ApplicationFactory",
    "AwardFactory",
    "BudgetLineFactory",
    "CriterionFactory",
    "FundFactory",
    "FundingRoundFactory",
    "QuarterlyReportFactory",
    "ReviewAssignmentFactory",
    "TrancheFactory",
]
