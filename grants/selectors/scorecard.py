"""The scorecard's money and lateness figures (see ovp/core/scorecard.py): the benchmark of
funding per homicide against what the city spends, the office's money, tranches held back
after their report was approved, and reports late or returned.

What counts:
- benchmark_needed: homicides in the last 12 months of data x OVP_FUNDING_PER_HOMICIDE.
- funded_office: the office's awards active today, each annualised (amount x 365 / days of
  its period), as the allocation workbench counts them.
- funded_other: the annual budgets of the inventory's active programs the office does not
  fund (a program the office funds is counted through its award, not twice).
- The same benchmark for the high-burden areas (as the gaps page finds them): their
  homicides against the office's awards there (annualised, shared evenly between an award's
  areas).
- high_burden_gaps: the gaps page's area gaps (high-burden areas with no evidence-based
  program of a core strategy), from the same analysis as the high-burden benchmark.
- tranches_late: tranches not yet released whose report is approved and whose planned date
  has passed; with the most days late.
- median_days_approval_to_release: over released tranches that waited for a report, the
  median of days from the report's approval to the release.
"""

import statistics
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import Sum
from django.urls import reverse

from grants.models import ZERO, Award, AwardStatus, QuarterlyReport, ReportStatus, Tranche
from grants.selectors.allocation import annual_funding_by_area, annualised
from grants.selectors.awards import money_overview
from grants.selectors.performance import performance
from inventory.models import Program, ProgramStatus
from inventory.selectors.gaps import DEFAULT_YEARS, gaps_analysis
from ovp.areas.models import Area
from ovp.core.scorecard import Figure
from ovp.incidents.selectors import area_totals_between, city_counts_between, data_range
from ovp.incidents.selectors import last_twelve_months as twelve_months


def annualised_awards(today: date) -> Decimal:
    active = Award.objects.filter(
        status=AwardStatus.ACTIVE, starts_on__lte=today, ends_on__gte=today
    )
    return sum((annualised(award) for award in active), ZERO).quantize(Decimal("1"))


def other_funding() -> Decimal:
    budget = Program.objects.filter(status=ProgramStatus.ACTIVE, funded_by_office=False).aggregate(
        total=Sum("annual_budget")
    )["total"]
    return Decimal(budget or 0)


def late_tranches(today: date) -> list[tuple[Tranche, int]]:
    """Tranches whose report is approved, not released, past their planned date: each with
    its days late, the latest first."""
    tranches = Tranche.objects.filter(
        released_at__isnull=True,
        requires_report__status=ReportStatus.APPROVED,
        planned_on__lt=today,
        award__status=AwardStatus.ACTIVE,
    ).select_related("award", "requires_report")
    late = [(tranche, (today - tranche.planned_on).days) for tranche in tranches]
    return sorted(late, key=lambda pair: -pair[1])


def days_approval_to_release() -> list[int]:
    released = Tranche.objects.filter(
        released_at__isnull=False,
        requires_report__status=ReportStatus.APPROVED,
        requires_report__reviewed_at__isnull=False,
    ).values_list("released_at", "requires_report__reviewed_at")
    return [
        max((paid.date() - approved.date()).days, 0)
        for paid, approved in released
        if paid and approved
    ]


def high_burden_benchmark(
    today: date, window: tuple[date, date], high_burden: list[int]
) -> tuple[int, Decimal]:
    """Homicides in the last 12 months in the high-burden areas, and the office's annualised
    awards there."""
    areas = list(Area.objects.filter(pk__in=high_burden))
    if not areas:
        return 0, ZERO
    homicides = int(area_totals_between(areas, *window)["fatal"].sum())
    funded = sum(annual_funding_by_area(areas, today).values(), ZERO)
    return homicides, funded


def scorecard_figures(today: date) -> list[Figure]:
    per_homicide = Decimal(settings.OVP_FUNDING_PER_HOMICIDE)
    window = twelve_months(data_range())
    homicides = city_counts_between(*window)["fatal"] if window else 0
    # the gaps page's analysis, read once: its high-burden areas and their gaps
    analysis = gaps_analysis(kind=None, years=DEFAULT_YEARS, on=today)
    high_homicides, high_funded = (
        high_burden_benchmark(today, window, analysis.high_burden) if window else (0, ZERO)
    )
    area_gaps = sum(1 for gap in analysis.gaps if gap.kind == "area")
    money = money_overview()
    late = late_tranches(today)
    waits = days_approval_to_release()
    awards, compliance = reverse("grants:award_list"), reverse("grants:compliance")
    results = performance(Award.objects.filter(status=AwardStatus.ACTIVE))
    behind = [p for p in results if p.latest and p.latest.behind]
    on_target = [p.latest.percent_of_target for p in results
                 if p.latest and p.latest.percent_of_target is not None]  # fmt: skip
    allocation = reverse("inventory:gaps")
    benchmark = f"{homicides} homicides x ${per_homicide:,.0f}"
    return [
        Figure("benchmark_needed", "Benchmark: funding needed", homicides * per_homicide,
               allocation, "Money", benchmark, kind="money"),
        Figure("funded_office", "Office awards (a year)", annualised_awards(today), awards,
               "Money", "Active awards, annualised", kind="money"),
        Figure("funded_other", "Other funding (a year)", other_funding(),
               reverse("inventory:program_list"), "Money",
               "Programs the office does not fund, as the inventory records them", kind="money"),
        Figure("benchmark_needed_high_burden", "Benchmark in high-burden areas",
               high_homicides * per_homicide, allocation, "Money",
               f"{high_homicides} homicides x ${per_homicide:,.0f}", kind="money"),
        Figure("funded_office_high_burden", "Office awards in high-burden areas", high_funded,
               allocation, "Money", "Annualised, shared between each award's areas",
               kind="money"),
        Figure("obligated", "Obligated", money.obligated, awards, "Money",
               "Committed to awards", kind="money"),
        Figure("released", "Released", money.disbursed, awards, "Money",
               "Tranches paid", kind="money"),
        Figure("available", "Available", money.available, awards, "Money",
               "Funds' budgets not yet committed", kind="money"),
        Figure("tranches_late", "Tranches held after approval", len(late), awards, "Late",
               f"Up to {late[0][1]} days past their planned date" if late
               else "None past their planned date"),
        Figure("median_days_approval_to_release", "Days from approval to payment (median)",
               statistics.median(waits) if waits else None, awards, "Late",
               f"Over {len(waits)} released tranche{'s' if len(waits) != 1 else ''}",
               kind="days"),
        Figure("reports_late", "Reports late", QuarterlyReport.objects.overdue(today).count(),
               compliance, "Late", "Past their due date, not submitted"),
        Figure("reports_returned", "Reports returned",
               QuarterlyReport.objects.filter(status=ReportStatus.RETURNED,
                                              award__status=AwardStatus.ACTIVE).count(),
               compliance, "Late", "Sent back for revision"),
        Figure("awards_behind_targets", "Awards behind their targets", len(behind),
               reverse("grants:performance"), "Work",
               "A metric under 75% of its target two quarters running"
               + (f"; the median award's lowest metric at {statistics.median(on_target):.0f}% "
                  "of target"
                  if on_target else "")),
        Figure("high_burden_gaps", "High-burden gaps", area_gaps, allocation, "Work",
               f"Of {len(analysis.high_burden)} high-burden areas, those with no "
               "evidence-based program of a core strategy"),
    ]  # fmt: skip
