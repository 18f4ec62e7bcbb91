"""Builders the tests share: data written the way the app would leave it (an award made through
the service, the aggregates the nightly job writes). Fixtures live in the conftest.py files,
one model's factory in tests/factories.py; what a test calls by hand lives here."""

import csv
import io
import random
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.cache import cache

from evaluation.selectors.runs import MONTH
from evaluation.services.runs import Choice
from grants.models import REPORT_METRICS, Award, QuarterlyReport
from grants.services.awards import award_create
from grants.services.reports import report_approve, report_submit
from inventory.models import Program
from ovp.areas.models import Area
from ovp.incidents.aggregation import incidents_aggregate
from ovp.incidents.importing import incidents_import
from ovp.incidents.mapping import PRESETS
from ovp.incidents.models import Period, PeriodCount
from tests.factories import FundFactory, StaffFactory

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


def write_counts(area: Area | None, months: list[date], counts: list[int]) -> None:
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


# ------------------------------------------------------------------ awards and their reports

FULL_METRICS = {
    "participants_enrolled": 40,
    "participants_active": 30,
    "outreach_contacts": 250,
    "conflicts_mediated": 12,
    "referrals_made": 20,
    "referrals_completed": 15,
    "participants_reinjured": 1,
    "staff_caseload": 10,
}
assert set(FULL_METRICS) == {name for name, _ in REPORT_METRICS}


def make_award(
    organisation,
    *,
    fund=None,
    amount: str = "120000.00",
    starts_on: date = date(2026, 1, 1),
    ends_on: date = date(2026, 12, 31),
    lines: list[tuple[str, str]] | None = None,
    tranches: list[tuple[str, date, int | None]] | None = None,
    areas=(),
    program=None,
    application=None,
    user=None,
    title: str = "Street outreach 2026",
) -> Award:
    """An award made through the service, as staff would make it. By default $120,000 for
    2026: two budget lines, three tranches of $40,000 (the second waiting for the Q1 report,
    the third for Q2)."""
    return award_create(
        application=application,
        fund=fund or FundFactory(),
        organisation=organisation,
        program=program,
        title=title,
        amount=Decimal(amount),
        starts_on=starts_on,
        ends_on=ends_on,
        conditions="",
        areas=list(areas),
        budget_lines=[
            (name, Decimal(value))
            for name, value in (
                lines or [("Outreach workers", "80000.00"), ("Supplies", "40000.00")]
            )
        ],
        tranches=[
            (Decimal(value), planned, report)
            for value, planned, report in (
                tranches
                or [
                    ("40000.00", date(2026, 1, 15), None),
                    ("40000.00", date(2026, 5, 15), 1),
                    ("40000.00", date(2026, 8, 15), 2),
                ]
            )
        ],
        user=user or StaffFactory(),
    )


def submit(
    report: QuarterlyReport, user, *, spending=None, narrative="A quarter of work.", **metrics
):
    """Submit a report with every metric filled in (overridable)."""
    return report_submit(
        report=report,
        metrics={**FULL_METRICS, **metrics},
        spending=spending or {},
        narrative=narrative,
        user=user,
    )


def approve(report: QuarterlyReport, grantee, staff, **kwargs) -> QuarterlyReport:
    submit(report, grantee, **kwargs)
    return report_approve(report=report, user=staff)


# ------------------------------------------------------------------------------ incident data
# small exports in the NYPD layout, written by the tests themselves

NYPD_HEADER = [
    "INCIDENT_KEY", "OCCUR_DATE", "OCCUR_TIME", "BORO", "PRECINCT", "JURISDICTION_CODE",
    "LOCATION_DESC", "STATISTICAL_MURDER_FLAG", "PERP_AGE_GROUP", "PERP_SEX", "PERP_RACE",
    "VIC_AGE_GROUP", "VIC_SEX", "VIC_RACE", "X_COORD_CD", "Y_COORD_CD", "Latitude",
    "Longitude", "Lon_Lat",
]  # fmt: skip


def nypd_row(
    key,
    day,
    *,
    fatal="FALSE",
    precinct="1",
    lat="40.005",
    lon="-74.995",
    time="21:15:00",
    age="25-44",
    sex="M",
    race="BLACK",
) -> dict:
    return {
        "INCIDENT_KEY": key, "OCCUR_DATE": day, "OCCUR_TIME": time, "BORO": "BROOKLYN",
        "PRECINCT": precinct, "JURISDICTION_CODE": "0", "LOCATION_DESC": "",
        "STATISTICAL_MURDER_FLAG": fatal, "PERP_AGE_GROUP": "", "PERP_SEX": "", "PERP_RACE": "",
        "VIC_AGE_GROUP": age, "VIC_SEX": sex, "VIC_RACE": race, "X_COORD_CD": "0",
        "Y_COORD_CD": "0", "Latitude": lat, "Longitude": lon, "Lon_Lat": "",
    }  # fmt: skip


def nypd_csv(
    rows: list[dict], path: Path | None = None, header: list[str] = NYPD_HEADER
) -> Path | io.BytesIO:
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=header, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    if path is None:
        return io.BytesIO(text.getvalue().encode())
    path.write_text(text.getvalue())
    return path


def load(rows, source, today=date(2026, 7, 1)):
    incidents_import(location=nypd_csv(rows), mapping=PRESETS["nypd"], source=source, today=today)
    incidents_aggregate(full=True)
    cache.clear()


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


# a city's shootings over five and a half years, for targets and the scorecard
FIRST, LAST = date(2019, 1, 1), date(2024, 6, 30)


def city(seed: int = 3, count: int = 1500) -> list[tuple[date, bool]]:
    """Shootings with a season (more in summer), each (day, killed)."""
    rng = random.Random(seed)
    days = [FIRST + timedelta(n) for n in range((LAST - FIRST).days + 1)]
    weights = [1.0 + 0.8 * (5 <= day.month <= 9) for day in days]
    return [(day, rng.random() < 0.3) for day in rng.choices(days, weights=weights, k=count)]


def rows_of(shootings: list[tuple[date, bool]]) -> list[dict]:
    """Every third shooting in precinct 2, the others in precinct 1."""
    return [
        nypd_row(str(n), day.strftime("%m/%d/%Y"), fatal="TRUE" if killed else "FALSE",
                 lon="-74.985" if n % 3 == 0 else "-74.995")
        for n, (day, killed) in enumerate(shootings)
    ]  # fmt: skip
