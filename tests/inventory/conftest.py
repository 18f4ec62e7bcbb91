from datetime import date, timedelta

import pytest

from ovp.incidents.models import Period, PeriodCount
from tests.factories import AreaFactory

LAST_WEEK = date(2026, 11, 16)  # a Monday: the last week of incident data in these tests


def record_burden(victims_by_area: dict, *, on: date = LAST_WEEK) -> None:
    """Aggregates as the nightly job leaves them: people shot per area in one part-week,
    and the citywide parts that tell the data's range."""
    for area, victims in victims_by_area.items():
        PeriodCount.objects.create(
            period=Period.PART, period_start=on, area=area, area_kind=area.kind,
            victims=victims, fatal=0, nonfatal=victims, incidents=victims,
        )  # fmt: skip
    total = sum(victims_by_area.values())
    for start in (on - timedelta(weeks=200), on):
        PeriodCount.objects.create(
            period=Period.PART, period_start=start, area=None, area_kind="",
            victims=total, fatal=0, nonfatal=total, incidents=total,
        )  # fmt: skip


@pytest.fixture
def neighbourhoods(db):
    """Six neighbourhoods N1..N6."""
    return [AreaFactory(code=f"N{n}", name=f"Hood {n}") for n in range(1, 7)]
