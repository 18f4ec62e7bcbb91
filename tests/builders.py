"""Builders the tests share: data written the way the app would leave it. Fixtures live in the
conftest.py files; what a test calls by hand lives here."""

from datetime import date, timedelta
from pathlib import Path

import pytest

from evaluation.selectors.runs import MONTH
from evaluation.services.runs import Choice
from inventory.models import Program
from ovp.incidents.models import Period, PeriodCount

SHARED_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
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


def shared_data(name: str) -> Path:
    """A real city export from ../shared/data; the test is skipped where the folder is absent."""
    path = SHARED_DATA / name
    if not path.exists():
        pytest.skip(f"{path} is absent (real city data lives beside the checkout, in CI)")
    return path


def choice_for(program: Program, **changes) -> Choice:
    options = {
        "program": program,
        "strategy": "",
        "area_kind": "neighbourhood",
        "period": MONTH,
        "begin": date(2021, 1, 1),
        "end": date(2024, 12, 1),
        **changes,
    }
    return Choice(**options)
