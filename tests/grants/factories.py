from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import factory

from grants.models import (
    Application,
    ApplicationStatus,
    Award,
    BudgetLine,
    Criterion,
    Fund,
    FundingRound,
    QuarterlyReport,
    ReviewAssignment,
    Tranche,
)
from inventory.models import Strategy
from tests.factories import OrganisationFactory, StaffFactory


class FundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Fund

    name = factory.Sequence(lambda n: f"Fund {n}")
    source = "City general fund"
    total_budget = Decimal("1000000.00")
    first_fiscal_year = 2026
    last_fiscal_year = 2027


class FundingRoundFactory(factory.django.DjangoModelFactory):
    """A round open from 2026-01-01 to 2027-01-01 (freeze time inside it, or set dates)."""

    class Meta:
        model = FundingRound

    fund = factory.SubFactory(FundFactory)
    name = factory.Sequence(lambda n: f"Round {n}")
    budget = Decimal("500000.00")
    opens_at = datetime(2026, 1, 1, tzinfo=UTC)
    closes_at = datetime(2027, 1, 1, tzinfo=UTC)


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    funding_round = factory.SubFactory(FundingRoundFactory)
    name = factory.Sequence(lambda n: f"Criterion {n}")
    weight = 1
    max_score = 5


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    funding_round = factory.SubFactory(FundingRoundFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Application {n}")
    summary = "Street outreach in two neighbourhoods."
    strategy = Strategy.STREET_OUTREACH
    requested_amount = Decimal("100000.00")
    status = ApplicationStatus.SUBMITTED
    created_by = factory.SubFactory(StaffFactory)


class ReviewAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewAssignment

    application = factory.SubFactory(ApplicationFactory)
    reviewer = factory.SubFactory(StaffFactory)
    assigned_by = factory.SubFactory(StaffFactory)


class AwardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Award

    fund = factory.SubFactory(FundFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Award {n}")
    amount = Decimal("120000.00")
    starts_on = date(2026, 1, 1)
    ends_on = date(2026, 12, 31)
    created_by = factory.SubFactory(StaffFactory)


class BudgetLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetLine

    award = factory.SubFactory(AwardFactory)
    name = factory.Sequence(lambda n: f"Line {n}")
    amount = Decimal("60000.00")


class QuarterlyReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuarterlyReport

    award = factory.SubFactory(AwardFactory)
    period_start = date(2026, 1, 1)
    period_end = date(2026, 3, 31)
    due_on = factory.LazyAttribute(lambda report: report.period_end + timedelta(days=30))


class TrancheFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tranche

    award = factory.SubFactory(AwardFactory)
    number = factory.Sequence(lambda n: n + 1)
    amount = Decimal("30000.00")
    planned_on = date(2026, 1, 15)
