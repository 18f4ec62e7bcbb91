"""factory_boy factories, one per model, with one factory per role: people and organisations,
areas, then each app in the order they depend on each other (stakeholders, inventory, grants).
What a test builds beyond one model (an award made through the service, the aggregates of a
burden) is in tests/builders.py."""

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import factory
import shapely

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
from inventory.models import Evidence, Program, ProgramStatus, ServiceArea, Strategy, Tier
from ovp.accounts.models import Role, User
from ovp.areas.models import Area, AreaKind
from stakeholders.models import (
    ActionItem,
    ActionStatus,
    Board,
    BoardKind,
    BoardMembership,
    CommunityInput,
    Goal,
    Horizon,
    InputTopic,
    Meeting,
    MembershipRole,
    Organisation,
    Person,
    Sector,
)

PASSWORD = "a-Test-password-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name")
    role = Role.STAFF
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.save()


class StaffFactory(UserFactory):
    role = Role.STAFF


class AdminFactory(UserFactory):
    role = Role.ADMIN


class BoardMemberFactory(UserFactory):
    role = Role.BOARD


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Community Organisation {n}")
    sector = Sector.COMMUNITY


class GranteeFactory(UserFactory):
    """A grantee acting for one organisation (made for it unless given)."""

    role = Role.GRANTEE

    @factory.post_generation
    def organisation(self, create: bool, extracted: Organisation | None, **kwargs: object) -> None:
        if create:
            (extracted or OrganisationFactory()).members.add(self)


def square(min_lon: float, min_lat: float, size: float = 0.01) -> dict:
    return json.loads(
        shapely.to_geojson(shapely.box(min_lon, min_lat, min_lon + size, min_lat + size))
    )


class AreaFactory(factory.django.DjangoModelFactory):
    """A square area; neighbours by sequence sit side by side along a row."""

    class Meta:
        model = Area

    kind = AreaKind.NEIGHBOURHOOD
    code = factory.Sequence(lambda n: f"A{n:03d}")
    name = factory.Sequence(lambda n: f"Area {n}")
    population = 10_000
    min_lon = factory.Sequence(lambda n: -75.0 + 0.01 * n)
    min_lat = 40.0
    max_lon = factory.LazyAttribute(lambda area: area.min_lon + 0.01)
    max_lat = 40.01
    boundary = factory.LazyAttribute(lambda area: square(area.min_lon, area.min_lat))


# ------------------------------------------------------------------- the stakeholder registry


class PersonFactory(factory.django.DjangoModelFactory[Person]):
    class Meta:
        model = Person

    organisation = factory.SubFactory(OrganisationFactory)
    full_name = factory.Sequence(lambda n: f"Contact Person {n}")
    title = "Program director"
    email = factory.Sequence(lambda n: f"contact{n}@example.org")
    phone = factory.Sequence(lambda n: f"555-{n:04d}")
    consent_to_contact = True


class BoardFactory(factory.django.DjangoModelFactory[Board]):
    class Meta:
        model = Board

    name = factory.Sequence(lambda n: f"Advisory Board {n}")
    kind = BoardKind.ADVISORY_BOARD
    purpose = "Advises the office."


class MembershipFactory(factory.django.DjangoModelFactory[BoardMembership]):
    class Meta:
        model = BoardMembership

    board = factory.SubFactory(BoardFactory)
    person = factory.SubFactory(PersonFactory)
    role = MembershipRole.MEMBER
    term_start = date(2020, 1, 1)
    term_end = None


class MeetingFactory(factory.django.DjangoModelFactory[Meeting]):
    class Meta:
        model = Meeting

    board = factory.SubFactory(BoardFactory)
    held_at = datetime(2026, 3, 4, 18, 0, tzinfo=UTC)
    location = "City Hall"
    agenda = "1. Minutes\n2. Goals"
    minutes = "Agreed the goals."


class GoalFactory(factory.django.DjangoModelFactory[Goal]):
    class Meta:
        model = Goal

    board = factory.SubFactory(BoardFactory)
    title = factory.Sequence(lambda n: f"Common goal {n}")
    horizon = Horizon.SHORT


class ActionItemFactory(factory.django.DjangoModelFactory[ActionItem]):
    """Owned by an organisation unless given a person (then pass owner_organisation=None)."""

    class Meta:
        model = ActionItem

    goal = factory.SubFactory(GoalFactory)
    title = factory.Sequence(lambda n: f"Action item {n}")
    owner_organisation = factory.SubFactory(OrganisationFactory)
    due_on = date(2026, 6, 1)
    status = ActionStatus.NOT_STARTED


class CommunityInputFactory(factory.django.DjangoModelFactory[CommunityInput]):
    """A resident's comment, waiting for moderation, about the whole city unless given an
    area."""

    class Meta:
        model = CommunityInput

    area = None
    topic = InputTopic.YOUTH
    text = factory.Sequence(lambda n: f"More for young people to do after school ({n}).")


# -------------------------------------------------------------------------------- inventory


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    name = factory.Sequence(lambda n: f"Program {n}")
    lead_organisation = factory.SubFactory(OrganisationFactory)
    strategy = Strategy.STREET_OUTREACH
    tier = Tier.INTERVENTION
    evidence = Evidence.PROMISING
    status = ProgramStatus.ACTIVE


class ServiceAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceArea

    program = factory.SubFactory(ProgramFactory)
    area = factory.SubFactory(AreaFactory)
    started_on = date(2024, 1, 1)


# ----------------------------------------------------------------------------------- grants


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
