"""Awards made through the service, as staff would make them, for the awards and reports tests."""

from datetime import date
from decimal import Decimal

from grants.models import REPORT_METRICS, Award, QuarterlyReport
from grants.services.awards import award_create
from grants.services.reports import report_approve, report_submit
from tests.factories import StaffFactory
from tests.grants.factories import FundFactory

D = Decimal

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
    """By default $120,000 for 2026: two budget lines, three tranches of $40,000 (the second
    waiting for the Q1 report, the third for Q2)."""
    return award_create(
        application=application,
        fund=fund or FundFactory(),
        organisation=organisation,
        program=program,
        title=title,
        amount=D(amount),
        starts_on=starts_on,
        ends_on=ends_on,
        conditions="",
        areas=list(areas),
        budget_lines=[
            (name, D(value))
            for name, value in (
                lines or [("Outreach workers", "80000.00"), ("Supplies", "40000.00")]
            )
        ],
        tranches=[
            (D(value), planned, report)
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
