"""A small city for needs assessments: three neighbourhoods with known aggregates, whose
numbers the tests compare with the drafted figures.

Period under assessment: 2025. People shot in 2025: NA 20 (3 fatal), NB 6 (1 fatal), NC 0,
and 2 not placed: the city 28 (4 fatal). Residents 10,000 + 20,000 + 10,000: 70 per 100,000.
2024 (the previous period): 35 (NA 30); the five years 2020-2024: 20, 24, 28, 32, 35
(average 27.8). An effective street outreach program serves NB; an active award of $60,000
for 2025 serves NA and NB ($30,000 a year each)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from evaluation.models import EvaluationRun
from grants.models import AwardStatus
from inventory.models import Evidence, Strategy
from ovp.incidents.aggregation import BREAKDOWN_SLOTS
from ovp.incidents.models import Breakdown, Period, PeriodCount
from stakeholders.models import Board, BoardMembership
from tests.factories import (
    AreaFactory,
    AwardFactory,
    BoardFactory,
    BoardMemberFactory,
    MembershipFactory,
    PersonFactory,
    ProgramFactory,
    ServiceAreaFactory,
)

PERIOD = (date(2025, 1, 1), date(2025, 12, 31))


def _count(day: date, area: Any, victims: int, fatal: int) -> PeriodCount:
    return PeriodCount(
        period=Period.PART,
        period_start=day,
        area=area,
        area_kind="",
        victims=victims,
        fatal=fatal,
        nonfatal=victims - fatal,
        incidents=victims,
    )


def breakdown_counts(values: dict[tuple[str, str], int]) -> list[int]:
    return [values.get((slot[0], slot[1]), 0) for slot in BREAKDOWN_SLOTS]


BREAKDOWN_2025 = {
    ("age", "<18"): 6,
    ("age", "18-24"): 12,
    ("age", "25-44"): 10,
    ("sex", "male"): 25,
    ("sex", "female"): 3,
    ("race", "black"): 20,
    ("race", "hispanic"): 8,
    ("hour", "20"): 10,
    ("hour", "2"): 8,
    ("hour", "14"): 6,
    ("hour", "unknown"): 4,
    ("weekday", "6"): 15,
    ("weekday", "1"): 13,
}


def build_city() -> dict[str, Any]:
    areas = {
        "NA": AreaFactory(code="NA", name="Ashford", population=10_000),
        "NB": AreaFactory(code="NB", name="Bellmont", population=20_000),
        "NC": AreaFactory(code="NC", name="Carver", population=10_000),
    }
    a, b = areas["NA"], areas["NB"]
    PeriodCount.objects.bulk_create(
        [
            # 2025, the period
            _count(date(2025, 3, 1), a, 10, 2),
            _count(date(2025, 7, 1), a, 10, 1),
            _count(date(2025, 5, 1), b, 6, 1),
            _count(date(2025, 6, 1), None, 28, 4),
            # 2024, the previous period; and the years before it
            _count(date(2024, 6, 1), a, 30, 5),
            _count(date(2024, 6, 1), None, 35, 5),
            _count(date(2023, 6, 1), None, 32, 4),
            _count(date(2022, 6, 1), None, 28, 4),
            _count(date(2021, 6, 1), None, 24, 3),
            _count(date(2020, 1, 1), None, 20, 2),
            # the last week of data
            _count(date(2026, 1, 5), None, 0, 0),
        ]
    )
    Breakdown.objects.bulk_create(
        [
            Breakdown(month=date(2025, 3, 1), area=None, counts=breakdown_counts(BREAKDOWN_2025)),
            # outside the period, and one area's own: neither counts
            Breakdown(
                month=date(2024, 12, 1),
                area=None,
                counts=breakdown_counts({("age", "18-24"): 99, ("sex", "male"): 99}),
            ),
            Breakdown(
                month=date(2025, 3, 1),
                area=a,
                counts=breakdown_counts({("age", "65+"): 50, ("sex", "male"): 50}),
            ),
        ]
    )
    program = ProgramFactory(
        name="Bellmont Outreach", strategy=Strategy.STREET_OUTREACH, evidence=Evidence.EFFECTIVE
    )
    ServiceAreaFactory(program=program, area=b, started_on=date(2024, 1, 1))
    award = AwardFactory(
        amount=Decimal("60000.00"),
        starts_on=date(2025, 1, 1),
        ends_on=date(2025, 12, 31),
        status=AwardStatus.ACTIVE,
    )
    award.areas.set([a, b])
    run = EvaluationRun.objects.create(
        title="Bellmont Outreach evaluation",
        program=program,
        strategy=program.strategy,
        method="twfe",
        inputs={"window": ["2023-01-01", "2025-06-01"], "period": "month"},
        results={
            "warnings": ["Only 3 areas: few clusters."],
            "relative_low": -0.5,
            "relative_high": -0.1,
        },
        estimate=-1.2,
        ci_low=-2.0,
        ci_high=-0.4,
        relative=-0.3,
        summary="People shot fell by about 30% in Bellmont.",
    )
    return {"areas": areas, "program": program, "award": award, "run": run}


@dataclass
class Review:
    board: Board
    members: list[Any]  # current members with a board login; members[0] is `first`
    other_board_member: Any
    ex_member: Any


def build_board(first_member: Any) -> Review:
    """A board with three current reviewing members (the first given), one whose term
    ended, and a member of another board."""
    board = BoardFactory(name="Test Advisory Board")
    members = [
        first_member,
        BoardMemberFactory(full_name="Bea Second"),
        BoardMemberFactory(full_name="Cy Third"),
    ]
    for user in members:
        MembershipFactory(board=board, person=PersonFactory(user=user, full_name=user.full_name))
    ex_member = BoardMemberFactory(full_name="Ex Member")
    MembershipFactory(
        board=board,
        person=PersonFactory(user=ex_member),
        term_start=date(2019, 1, 1),
        term_end=date(2024, 1, 1),
    )
    other_board_member = BoardMemberFactory(full_name="Other Boardmember")
    MembershipFactory(
        board=BoardFactory(name="Another Board"), person=PersonFactory(user=other_board_member)
    )
    assert BoardMembership.objects.filter(board=board).count() == 4
    return Review(board, members, other_board_member, ex_member)
