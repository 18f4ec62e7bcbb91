from datetime import date

import numpy as np
import pytest

from evaluation.selectors.runs import MONTH, period_starts
from ovp.incidents.models import Period, PeriodCount
from tests.factories import AreaFactory
from tests.inventory.factories import ProgramFactory, ServiceAreaFactory

START = date(2023, 6, 1)


def write_counts(area, months: list[date], counts: list[int]) -> None:
    """Month counts as the nightly job stores them: weeks within months (Period.PART),
    here split in two parts per month so the selector has to add them up."""
    rows = []
    for month, count in zip(months, counts, strict=True):
        first, second = count // 2, count - count // 2
        rows.append(
            PeriodCount(
                period=Period.PART,
                period_start=month,
                area=area,
                area_kind=area.kind if area else "",
                victims=first,
                fatal=0,
                nonfatal=first,
                incidents=first,
            )
        )
        rows.append(
            PeriodCount(
                period=Period.PART,
                period_start=month.replace(day=15),
                area=area,
                area_kind=area.kind if area else "",
                victims=second,
                fatal=0,
                nonfatal=second,
                incidents=second,
            )
        )
    PeriodCount.objects.bulk_create(rows)


@pytest.fixture
def small_city(db):
    """Two treated areas from June 2023 whose shootings fall by 40%, and ten never served,
    with a citywide row per week so the data range is known."""
    rng = np.random.default_rng(7)
    months = period_starts(date(2021, 1, 1), date(2024, 12, 1), MONTH)
    program = ProgramFactory(name="Test Outreach")
    areas = [AreaFactory(code=f"T{i:02d}", name=f"Area {i:02d}") for i in range(12)]
    counts = {}
    for i, area in enumerate(areas):
        level = 6 if i < 6 else 3
        effect = [0.6 if (i < 2 and m >= START) else 1.0 for m in months]
        counts[area.code] = rng.poisson(np.array(effect) * level).tolist()
        write_counts(area, months, counts[area.code])
        if i < 2:
            ServiceAreaFactory(program=program, area=area, started_on=START)
    # the city's own rows: the sum of its areas; they also tell the data's first and last days
    city = np.sum(list(counts.values()), axis=0).tolist()
    write_counts(None, months, city)
    PeriodCount.objects.bulk_create(
        [
            PeriodCount(
                period=Period.PART,
                period_start=date(2024, 12, 30),
                area=None,
                area_kind="",
                victims=0,
                fatal=0,
                nonfatal=0,
                incidents=0,
            )
        ]
    )
    return {"program": program, "areas": areas, "counts": counts, "months": months}


# -- needs assessments -------------------------------------------------------------------------


@pytest.fixture
def assessment_city(db):
    from tests.evaluation.assessment_data import build_city

    return build_city()


@pytest.fixture
def review(board_member):
    from tests.evaluation.assessment_data import build_board

    return build_board(board_member)


@pytest.fixture
def draft(assessment_city, review, staff):
    from evaluation.services.assessments import assessment_draft
    from tests.evaluation.assessment_data import PERIOD

    return assessment_draft(
        title="Needs assessment 2025",
        period_start=PERIOD[0],
        period_end=PERIOD[1],
        board=review.board,
        user=staff,
        area_kind="neighbourhood",
    )
