"""Writes to awards and their money: making an award, releasing a tranche, closing out."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from grants.models import (
    ZERO,
    AllocationLine,
    Application,
    ApplicationStatus,
    Award,
    AwardStatus,
    BudgetLine,
    Fund,
    FundingRound,
    QuarterlyReport,
    ReportStatus,
    Tranche,
    total,
)
from inventory.models import Program
from ovp.accounts.models import User
from ovp.areas.models import Area
from stakeholders.models import Organisation

# an award runs at most this many years; its dates stay well inside what `date` can hold
MAX_AWARD_YEARS = 10
LAST_END = date(9998, 12, 31)


def _money(amount: Decimal) -> str:
    return f"${amount:,.2f}"


def _period_problems(starts_on: date | None, ends_on: date | None) -> list[str]:
    """Why an award's period is refused: backwards, too long, or too far in the future."""
    if not (starts_on and ends_on):
        return []
    if ends_on < starts_on:
        return ["The award ends before it starts."]
    problems = []
    if ends_on > LAST_END:
        problems.append(f"The award must end by {LAST_END.isoformat()}.")
    elif ends_on > _years_after(starts_on, MAX_AWARD_YEARS):
        problems.append(
            f"An award runs at most {MAX_AWARD_YEARS} years: from {starts_on.isoformat()} it "
            f"must end by {_years_after(starts_on, MAX_AWARD_YEARS).isoformat()}."
        )
    return problems


def _years_after(day: date, years: int) -> date:
    """The day before the same date `years` years later (29 February counts as 28)."""
    if day.year + years > date.max.year:
        return date.max
    try:
        later = day.replace(year=day.year + years)
    except ValueError:
        later = day.replace(year=day.year + years, day=28)
    return later - timedelta(days=1)


def award_cap(application: Application) -> tuple[Decimal, str]:
    """The most an award from this application may be, and why: the allocation's final
    amount when the round's allocation is recorded, else the amount approved."""
    line = AllocationLine.objects.filter(application=application).first()
    if line is not None:
        return line.final_amount, "the allocation's final amount"
    return application.approved_amount or ZERO, "the amount approved"


def round_awarded(funding_round: FundingRound) -> Decimal:
    """What the round's awards hold (amounts less what close-outs gave back)."""
    awards = Award.objects.filter(application__funding_round=funding_round)
    return total(awards, "amount") - total(awards, "deobligated")


def _application_problems(
    application: Application, organisation: Organisation, amount: Decimal | None
) -> list[str]:
    problems = []
    if application.status != ApplicationStatus.APPROVED:
        problems.append(
            f"The application is {application.get_status_display().lower()}: only an "
            "approved application can be awarded."
        )
    if application.organisation_id != organisation.pk:
        problems.append("The application is from another organisation than the award's.")
    if Award.objects.filter(application=application).exists():
        problems.append("This application already has an award.")
    if application.status != ApplicationStatus.APPROVED or amount is None or amount <= ZERO:
        return problems  # nothing was approved to measure the amount against
    cap, source = award_cap(application)
    if amount > cap:
        problems.append(f"{_money(amount)} is more than {source}, {_money(cap)}.")
    funding_round = application.funding_round
    if funding_round.max_award is not None and amount > funding_round.max_award:
        problems.append(
            f"{_money(amount)} is more than the round's largest award, "
            f"{_money(funding_round.max_award)}."
        )
    awarded = round_awarded(funding_round)
    if awarded + amount > funding_round.budget:
        problems.append(
            f"{funding_round.name} has awarded {_money(awarded)} of its "
            f"{_money(funding_round.budget)} budget: {_money(funding_round.budget - awarded)} "
            f"is left, less than {_money(amount)}."
        )
    return problems


@dataclass(frozen=True)
class ReportPeriod:
    """One calendar quarter of an award, cut to the award's own dates."""

    start: date
    end: date
    due_on: date


def quarter_of(day: date) -> tuple[date, date]:
    """The first and last days of the calendar quarter holding `day`."""
    first_month = (day.month - 1) // 3 * 3 + 1
    start = date(day.year, first_month, 1)
    next_start = (
        date(day.year + 1, 1, 1) if first_month == 10 else date(day.year, first_month + 3, 1)
    )
    return start, next_start - timedelta(days=1)


def report_periods(*, starts_on: date, ends_on: date) -> list[ReportPeriod]:
    """The calendar quarters overlapping an award's period, each due
    `OVP_REPORT_DUE_DAYS` days after its quarter ends."""
    periods = []
    quarter_start, quarter_end = quarter_of(starts_on)
    while quarter_start <= ends_on:
        periods.append(
            ReportPeriod(
                start=max(quarter_start, starts_on),
                end=min(quarter_end, ends_on),
                due_on=quarter_end + timedelta(days=settings.OVP_REPORT_DUE_DAYS),
            )
        )
        quarter_start, quarter_end = quarter_of(quarter_end + timedelta(days=1))
    return periods


def _check_lines(
    amount: Decimal,
    budget_lines: Sequence[tuple[str, Decimal]],
    tranches: Sequence[tuple[Decimal, date, int | None]],
    reports: int,
) -> list[str]:
    problems: list[str] = []
    names = [name.strip() for name, _ in budget_lines]
    if not budget_lines:
        problems.append("Give at least one budget line.")
    if any(not name for name in names):
        problems.append("Every budget line needs a name.")
    if len(set(names)) != len(names):
        problems.append("Two budget lines have the same name.")
    if any(line_amount <= ZERO for _, line_amount in budget_lines):
        problems.append("Every budget line needs an amount above $0.00.")
    lines_total = sum((line_amount for _, line_amount in budget_lines), ZERO)
    if budget_lines and lines_total != amount:
        problems.append(
            f"The budget lines add up to {_money(lines_total)}, not the award's {_money(amount)}."
        )
    if not tranches:
        problems.append("Give at least one tranche.")
    if any(tranche_amount <= ZERO for tranche_amount, _, _ in tranches):
        problems.append("Every tranche needs an amount above $0.00.")
    tranches_total = sum((tranche_amount for tranche_amount, _, _ in tranches), ZERO)
    if tranches and tranches_total != amount:
        problems.append(
            f"The tranches add up to {_money(tranches_total)}, not the award's {_money(amount)}."
        )
    for number, (_, _, report_number) in enumerate(tranches, start=1):
        if report_number is not None and not 1 <= report_number <= reports:
            problems.append(
                f"Tranche {number} requires report {report_number}, but the award has "
                f"{reports} quarterly report(s) (1 to {reports})."
            )
    return problems


@transaction.atomic
def award_create(
    *,
    application: Application | None,
    fund: Fund,
    organisation: Organisation,
    program: Program | None,
    title: str,
    amount: Decimal,
    starts_on: date,
    ends_on: date,
    conditions: str,
    areas: Iterable[Area],
    budget_lines: Sequence[tuple[str, Decimal]],
    tranches: Sequence[tuple[Decimal, date, int | None]],
    user: User,
) -> Award:
    """Make an award: its budget lines, its tranches and its quarterly reports (one for each
    calendar quarter the award overlaps). A tranche given a report number (1 for the first
    quarter's report) is released only once that report is approved.

    Refused, with every problem in one ValidationError, unless the amount fits what the fund
    has available, budget lines and tranches each add up to the amount exactly, and the
    period runs at most MAX_AWARD_YEARS years. From an application, also unless it is
    approved, has no award yet and is the organisation's, and the amount is within the
    allocation's final amount for it (or the amount approved, before an allocation), the
    round's largest award and what is left of the round's budget; the fund is always the
    round's (whatever `fund` says)."""
    fund, application = _lock_for_award(application, fund)
    periods = _award_checked(
        application=application,
        fund=fund,
        organisation=organisation,
        texts=[title, conditions, *(name for name, _ in budget_lines)],
        amount=amount,
        starts_on=starts_on,
        ends_on=ends_on,
        budget_lines=budget_lines,
        tranches=tranches,
    )
    award = Award(
        application=application,
        fund=fund,
        organisation=organisation,
        program=program,
        title=title,
        amount=amount,
        starts_on=starts_on,
        ends_on=ends_on,
        conditions=conditions,
        created_by=user,
    )
    award.full_clean()
    award.save()
    award.areas.set(areas)
    _award_parts_save(award, budget_lines, periods, tranches)
    return award


def _lock_for_award(application: Application | None, fund: Fund) -> tuple[Fund, Application | None]:
    """Lock what an award takes money from: the round first (as allocation_record locks it, so
    the allocation cannot drop below this award while it is made, and two awards cannot both
    take the round's last money), whose fund is the award's; then the fund (one award at a time
    per fund); then the application."""
    if application is not None:
        funding_round = FundingRound.objects.select_for_update().get(
            pk=Application.objects.values("funding_round_id").get(pk=application.pk)[
                "funding_round_id"
            ]
        )
        fund = funding_round.fund
    fund = Fund.objects.select_for_update().get(pk=fund.pk)
    if application is not None:
        application = (
            Application.objects.select_for_update(of=("self",))
            .select_related("funding_round")
            .get(pk=application.pk)
        )
    return fund, application


def _award_checked(
    *,
    application: Application | None,
    fund: Fund,
    organisation: Organisation,
    texts: Sequence[str],
    amount: Decimal,
    starts_on: date,
    ends_on: date,
    budget_lines: Sequence[tuple[str, Decimal]],
    tranches: Sequence[tuple[Decimal, date, int | None]],
) -> list[ReportPeriod]:
    """Every problem with an award in one ValidationError; else its report periods."""
    problems: list[str] = []
    if any("\x00" in text for text in texts if isinstance(text, str)):
        problems.append("The title, conditions and budget lines cannot hold a NUL character.")
    if application is not None:
        problems += _application_problems(application, organisation, amount)
    if amount is None or amount <= ZERO:
        problems.append("The award's amount must be above $0.00.")
    elif amount > fund.available:
        problems.append(
            f"{fund.name} has {_money(fund.available)} available, less than the "
            f"{_money(amount)} of this award."
        )
    periods: list[ReportPeriod] = []
    period_problems = _period_problems(starts_on, ends_on)
    problems += period_problems
    if starts_on and ends_on and not period_problems:
        periods = report_periods(starts_on=starts_on, ends_on=ends_on)
    if amount is not None and amount > ZERO:
        problems += _check_lines(amount, budget_lines, tranches, len(periods))
    if problems:
        raise ValidationError(problems)
    return periods


def _award_parts_save(
    award: Award,
    budget_lines: Sequence[tuple[str, Decimal]],
    periods: Sequence[ReportPeriod],
    tranches: Sequence[tuple[Decimal, date, int | None]],
) -> None:
    """An award's budget lines, its quarterly reports and its tranches (a tranche given a
    report number waits for that report's approval)."""
    for name, line_amount in budget_lines:
        line = BudgetLine(award=award, name=name.strip(), amount=line_amount)
        line.full_clean()
        line.save()
    reports = []
    for period in periods:
        report = QuarterlyReport(
            award=award, period_start=period.start, period_end=period.end, due_on=period.due_on
        )
        report.full_clean()
        report.save()
        reports.append(report)
    for number, (tranche_amount, planned_on, report_number) in enumerate(tranches, start=1):
        tranche = Tranche(
            award=award,
            number=number,
            amount=tranche_amount,
            planned_on=planned_on,
            requires_report=reports[report_number - 1] if report_number else None,
        )
        tranche.full_clean()
        tranche.save()


@transaction.atomic
def tranche_release(*, tranche: Tranche, user: User) -> Tranche:
    """Release (disburse) a tranche, recording who and when. Refused unless the award is
    active and the report the tranche requires, if any, is approved. Releasing a tranche
    already released changes nothing (the row is locked, so two clicks pay once)."""
    tranche = (
        Tranche.objects.select_for_update(of=("self",))
        .select_related("award", "requires_report")
        .get(pk=tranche.pk)
    )
    if tranche.is_released:
        return tranche
    if tranche.award.status != AwardStatus.ACTIVE:
        raise ValidationError("The award is closed out: its tranches can no longer be released.")
    report = tranche.requires_report
    if report is not None and report.status != ReportStatus.APPROVED:
        raise ValidationError(
            f"Tranche {tranche.number} waits for the {report.quarter_label} report to be "
            f"approved; that report is {report.get_status_display().lower()}."
        )
    tranche.released_at = timezone.now()
    tranche.released_by = user
    tranche.full_clean()
    tranche.save(update_fields=["released_at", "released_by"])
    return tranche


@transaction.atomic
def award_close(*, award: Award, user: User) -> Award:
    """Close out an award: no more releases, no more reports. Refused while a submitted
    report waits for review. Money not released goes back to the fund: the award keeps its
    amount as made and records the unreleased part in `deobligated`, so the fund's obligated
    figure counts only what was paid and its available money recovers the rest."""
    award = Award.objects.select_for_update().get(pk=award.pk)
    if award.status == AwardStatus.CLOSED:
        raise ValidationError("This award is already closed out.")
    waiting = award.reports.filter(status=ReportStatus.SUBMITTED)
    if waiting.exists():
        labels = ", ".join(report.quarter_label for report in waiting)
        raise ValidationError(f"Review the submitted report(s) first: {labels}.")
    award.status = AwardStatus.CLOSED
    award.deobligated = award.amount - award.paid
    award.full_clean()
    award.save(update_fields=["status", "deobligated"])
    return award
