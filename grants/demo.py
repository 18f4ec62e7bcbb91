"""The demo city's grants: a fund; a past round (applications reviewed and decided, an
allocation, four awards with a year of quarterly reports in every state and tranches paid
as reports were approved); and an open round with a draft, a submitted application and a
review under way. Built through the services, as staff and grantees would; built once (a
second run of the demo leaves it as it is)."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings

from grants.library import library_metrics_ensure
from grants.models import (
    Application,
    Award,
    Criterion,
    Fund,
    FundingRound,
    Metric,
    QuarterlyReport,
    ReportVersion,
    RoundMetric,
    TargetPeriod,
    Tranche,
)
from grants.selectors.allocation import allocation_workbench
from grants.selectors.metrics import award_metrics
from grants.services.allocation import allocation_record
from grants.services.applications import application_create, application_submit
from grants.services.awards import award_create, tranche_release
from grants.services.metrics import award_targets_save
from grants.services.program_data import program_data_rebuild
from grants.services.reports import (
    report_approve,
    report_return,
    report_save_draft,
    report_submit,
)
from grants.services.review import (
    Decision,
    application_decide,
    conflict_declare,
    review_submit,
    reviewers_assign,
)
from inventory.models import Program, Resource, Strategy
from ovp.accounts.demo import DEMO_PASSWORD
from ovp.accounts.models import Role, User
from ovp.accounts.services import user_upsert
from ovp.areas.models import Area, AreaKind
from ovp.core.demo import DemoCity, demo_seeder
from stakeholders.models import Organisation

FUND = "Community Violence Intervention Fund"
PAST_ROUND = "2026 Community Safety Grants"
OPEN_ROUND = "2027 Youth Opportunity and Reentry"
RUBRIC = [
    ("Need and focus", "Serves the areas and people most at risk.", 3),
    ("Evidence", "Follows a model with evidence of reducing violence.", 3),
    ("Capacity", "Has the staff, partners and record to deliver.", 2),
    ("Budget", "Costs are reasonable and clearly linked to the work.", 1),
]
# title, organisation, program, strategy, areas, requested, decision, approved amount
PAST_APPLICATIONS = [
    ("Northside Street Outreach, year 2", "Northside Peacekeepers", "Northside Street Outreach",
     Strategy.STREET_OUTREACH, ["N03", "N11"], "420000", Decision.APPROVE, "400000"),
    ("Bedside intervention for young adults", "St. Luke's Trauma Center", "St. Luke's Bedside Intervention",
     Strategy.HOSPITAL, ["N03", "N04", "N10", "N11"], "300000", Decision.APPROVE, "280000"),
    ("Victim advocacy in the river neighbourhoods", "Family Services of Riverton", "Family Services Victim Advocacy",
     Strategy.VICTIM_SERVICES, ["N12", "N19"], "250000", Decision.APPROVE, "200000"),
    ("Eastgate Summer Jobs 2026", "Eastgate Youth Alliance", "Eastgate Summer Jobs",
     Strategy.YOUTH_EMPLOYMENT, ["N05", "N06", "N11"], "350000", Decision.APPROVE, "300000"),
    ("Night Walks, paid coordinators", "Interfaith Council for Peace", "Night Walks for Peace",
     Strategy.STREET_OUTREACH, ["N19"], "90000", Decision.DECLINE, None),
]  # fmt: skip


def _applicant(organisation: Organisation) -> User:
    """The organisation's grantee account; organisations without a demo login get one
    (password as the other demo users, not printed among the logins)."""
    member = organisation.members.first()
    if member is not None:
        return member
    slug = organisation.name.lower().replace("'", "").replace(".", "").split()[0:2]
    user = user_upsert(
        email=f"grantee.{'-'.join(slug)}@demo.ovp", role=Role.GRANTEE, password=DEMO_PASSWORD,
        full_name=f"{organisation.name} grants lead",
    )  # fmt: skip
    organisation.members.add(user)
    return user


def _moment(day: date, hour: int = 12) -> datetime:
    """A time of day in the city's own time zone."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=ZoneInfo(settings.TIME_ZONE))


# the past round's metric set: (metric slug, strategy that reports it: "" for every award)
PAST_ROUND_METRICS = [
    ("participants-enrolled", ""), ("participants-active", ""), ("referrals-made", ""),
    ("referrals-completed", ""), ("participants-reinjured", ""),
    ("outreach-contacts", Strategy.STREET_OUTREACH), ("conflicts-mediated", Strategy.STREET_OUTREACH),
    ("bedside-contacts", Strategy.HOSPITAL),
    ("patients-enrolled-after-discharge", Strategy.HOSPITAL),
    ("youth-placed-in-jobs", Strategy.YOUTH_EMPLOYMENT), ("hours-worked", Strategy.YOUTH_EMPLOYMENT),
]  # fmt: skip


def _metrics(award: Award, enrolled: int) -> dict[str, int | None]:
    """A quarter's figures for the metrics the award reports."""
    figures = {
        "participants_enrolled": enrolled,
        "participants_active": enrolled * 4 // 5,
        "outreach_contacts": enrolled * 12,
        "conflicts_mediated": enrolled // 4,
        "referrals_made": enrolled // 2,
        "referrals_completed": enrolled // 3,
        "participants_reinjured": enrolled // 40,
        "staff_caseload": 15,
        "metric_bedside-contacts": enrolled * 2,
        "metric_patients-enrolled-after-discharge": enrolled // 2,
        "metric_youth-placed-in-jobs": enrolled,
        "metric_hours-worked": enrolled * 150,
    }
    return {asked.field: figures[asked.field] for asked in award_metrics(award)}


def _targets(award: Award, index: int) -> None:
    """Each award's quarterly targets, a little under what it reports (on track); the
    hospital program's bedside contacts well over it: behind its target every quarter."""
    enrolled = 40 + 10 * index
    per_metric = {
        "participants-enrolled": enrolled, "referrals-made": enrolled // 2,
        "outreach-contacts": enrolled * 11, "bedside-contacts": enrolled * 3,
        "youth-placed-in-jobs": enrolled, "hours-worked": enrolled * 140,
    }  # fmt: skip
    award_targets_save(
        award=award,
        targets={
            asked.metric.pk: (TargetPeriod.QUARTER, per_metric[asked.metric.slug])
            for asked in award_metrics(award)
            if asked.metric.slug in per_metric
        },
    )


@demo_seeder
def seed_grants(city: DemoCity) -> None:
    library_metrics_ensure()
    if Fund.objects.filter(name=FUND).exists():
        city.log("  grants: already there")
        return
    staff = User.objects.get(email="staff@demo.ovp")
    board = User.objects.get(email="board@demo.ovp")
    organisations = {o.name: o for o in Organisation.objects.all()}
    programs = {p.name: p for p in Program.objects.all()}
    areas = {a.code: a for a in Area.objects.of_kind(AreaKind.NEIGHBOURHOOD)}
    hotspots = [areas[c] for c in ("N03", "N04", "N10", "N11", "N12", "N19")]
    fund = Fund(
        name=FUND, source="City general fund and State CVI grant", total_budget=Decimal("3000000"),
        first_fiscal_year=2026, last_fiscal_year=2027,
    )  # fmt: skip
    fund.full_clean()
    fund.save()

    past = _round(fund, PAST_ROUND, Decimal("1200000"), date(2025, 10, 1), date(2025, 12, 1),
                  [Strategy.STREET_OUTREACH, Strategy.VIOLENCE_INTERRUPTION, Strategy.HOSPITAL],
                  hotspots)  # fmt: skip
    for position, (slug, strategy) in enumerate(PAST_ROUND_METRICS):
        RoundMetric.objects.create(
            funding_round=past, metric=Metric.objects.get(slug=slug), strategy=strategy,
            position=position,
        )  # fmt: skip
    approved = []
    for index, row in enumerate(PAST_APPLICATIONS):
        application = _decided_application(past, index, row, organisations, programs, areas)
        if row[-1]:  # an amount: approved
            approved.append(application)

    workbench = allocation_workbench(past, on=date(2025, 12, 16))
    allocation_record(
        funding_round=past,
        amounts={c.application.pk: c.cap for c in workbench.candidates},
        proposed={c.application.pk: c.proposed for c in workbench.candidates},
        user=staff,
        note="Every approved application funded at the amount approved; within the budget.",
    )

    _award_approved(fund, approved, staff)
    _open_round(fund, organisations, programs, areas, staff, board)
    program_data_rebuild()
    city.log(
        f"  grants: 2 rounds, {len(PAST_APPLICATIONS) + 2} applications, {len(approved)} awards"
    )


def _decided_application(
    past: FundingRound,
    index: int,
    row: tuple,  # type: ignore[type-arg]
    organisations: dict[str, Organisation],
    programs: dict[str, Program],
    areas: dict[str, Area],
) -> Application:
    """One of the past round's applications: made, submitted, reviewed by staff and the board
    member (who declares a conflict with the Interfaith Council), and decided."""
    staff = User.objects.get(email="staff@demo.ovp")
    board = User.objects.get(email="board@demo.ovp")
    criteria = list(past.criteria.all())
    title, org_name, program_name, strategy, codes, requested, decision, amount = row
    organisation = organisations[org_name]
    applicant = _applicant(organisation)
    application = application_create(
        funding_round=past, organisation=organisation, user=applicant, title=title,
        summary=f"{title}: {programs[program_name].description or program_name}.",
        strategy=strategy, requested_amount=Decimal(requested),
        areas=[areas[c] for c in codes], program=programs[program_name],
        now=_moment(date(2025, 10, 10 + index)),
    )  # fmt: skip
    application = application_submit(
        application=application, user=applicant, now=_moment(date(2025, 11, 20))
    )
    reviewers_assign(application=application, reviewers=[staff, board], assigned_by=staff)
    for assignment in application.assignments.all():
        # the board member sits on the Interfaith Council's board: a declared conflict
        conflicted = assignment.reviewer == board and org_name == "Interfaith Council for Peace"
        conflict_declare(assignment=assignment, user=assignment.reviewer, has_conflict=conflicted,
                         note="I serve on the Council's board." if conflicted else "",
                         now=_moment(date(2025, 12, 3)))  # fmt: skip
        if not conflicted:
            base = 4 if decision == Decision.APPROVE else 2
            review_submit(
                assignment=assignment, user=assignment.reviewer,
                scores={c.pk: (min(c.max_score, base + (c.weight + index) % 2), "") for c in criteria},
                now=_moment(date(2025, 12, 8)),
            )  # fmt: skip
    application = application_decide(
        application=application, user=staff, decision=decision,
        reason="Strong fit with the round's priorities." if amount else "Outside the round's priorities this year.",
        amount=Decimal(amount) if amount else None, now=_moment(date(2025, 12, 15)),
    )  # fmt: skip
    return application


def _award_approved(fund: Fund, approved: list[Application], staff: User) -> None:
    """An award for each approved application of the past round, with targets and a year of
    reports."""
    for index, application in enumerate(approved):
        amount = application.approved_amount
        assert amount is not None
        quarter = (amount / 4).quantize(Decimal("0.01"))
        award = award_create(
            application=application, fund=fund, organisation=application.organisation,
            program=application.program, title=application.title, amount=amount,
            starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31),
            conditions="Quarterly reports within 30 days of each quarter's end.",
            areas=list(application.areas.all()),
            budget_lines=[("Staff", (amount * Decimal("0.7")).quantize(Decimal("0.01"))),
                          ("Program costs", amount - (amount * Decimal("0.7")).quantize(Decimal("0.01")))],
            tranches=[(quarter, date(2026, 1, 15), None), (quarter, date(2026, 5, 15), 1),
                      (quarter, date(2026, 8, 15), 2), (amount - 3 * quarter, date(2026, 11, 15), 3)],
            user=staff,
        )  # fmt: skip
        _targets(award, index)
        _a_year_of_reports(award, index, staff)


def _round(fund: Fund, name: str, budget: Decimal, opens: date, closes: date,
           strategies: list[str], priority_areas: list[Area]) -> FundingRound:  # fmt: skip
    funding_round = FundingRound(
        fund=fund, name=name, budget=budget, opens_at=_moment(opens, 9), closes_at=_moment(closes, 17),
        priority_strategies=strategies, max_award=Decimal("450000"),
        eligibility="Community organisations and public agencies working in Riverton.",
        description="Grants for work that reduces shootings where they are most concentrated.",
    )  # fmt: skip
    funding_round.full_clean()
    funding_round.save()
    funding_round.priority_areas.set(priority_areas)
    for position, (criterion, description, weight) in enumerate(RUBRIC):
        Criterion.objects.create(
            funding_round=funding_round, name=criterion, description=description,
            weight=weight, max_score=5, position=position,
        )  # fmt: skip
    return funding_round


def _submitted(report: QuarterlyReport, day: date) -> None:
    """Date the report's latest submission as the grantee would have made it: the services
    stamp the seed's own time."""
    QuarterlyReport.objects.filter(pk=report.pk).update(submitted_at=_moment(day, 10))
    latest = report.versions.order_by("-number").first()
    assert latest is not None
    ReportVersion.objects.filter(pk=latest.pk).update(submitted_at=_moment(day, 10))


def _reviewed(report: QuarterlyReport, day: date) -> None:
    QuarterlyReport.objects.filter(pk=report.pk).update(reviewed_at=_moment(day, 15))


def _released(tranche: Tranche, day: date) -> None:
    Tranche.objects.filter(pk=tranche.pk).update(released_at=_moment(day, 11))


def _a_year_of_reports(award: Award, index: int, staff: User) -> None:
    """Q1 and Q2 approved (one Q2 returned once first), Q3 in a state of its own per award,
    Q4 not due yet; each tranche released once the report it waits for is approved. The
    dates are those of the year: each report submitted a few days before it is due, reviewed
    a few days after, the tranche waiting for it released two days after its approval."""
    grantee = _applicant(award.organisation)
    reports = list(award.reports.order_by("period_start"))
    lines = list(award.budget_lines.all())
    enrolled = 40 + 10 * index

    def spend(share: str) -> dict[int, Decimal | None]:
        return {line.pk: (line.amount * Decimal(share)).quantize(Decimal("0.01")) for line in lines}

    def submit(report: QuarterlyReport, day: date, **kwargs: object) -> None:
        report_submit(report=report, user=grantee, today=day, **kwargs)  # type: ignore[arg-type]
        _submitted(report, day)

    narrative = "Outreach workers kept their caseloads; two mediations prevented retaliation."
    first = award.tranches.get(number=1)
    tranche_release(tranche=first, user=staff)
    _released(first, first.planned_on)
    for number, report in enumerate(reports[:2], start=1):
        submitted_on = report.due_on - timedelta(days=8 - index)
        submit(report, submitted_on, metrics=_metrics(award, enrolled + number), spending=spend("0.24"),
               narrative=narrative)  # fmt: skip
        if number == 2 and index == 0:
            report_return(report=report, user=staff,
                          comment="Referrals completed look high next to referrals made; please check.")  # fmt: skip
            _reviewed(report, submitted_on + timedelta(days=2))
            submitted_on += timedelta(days=5)
            submit(report, submitted_on, metrics=_metrics(award, enrolled + number),
                   spending=spend("0.24"), narrative=narrative + " Referral counts corrected.")  # fmt: skip
        report_approve(report=report, user=staff, comment="Thank you.")
        approved_on = submitted_on + timedelta(days=4)
        _reviewed(report, approved_on)
        tranche = award.tranches.get(number=number + 1)
        tranche_release(tranche=tranche, user=staff)
        # the summer jobs program's third tranche went out five weeks after its approval,
        # weeks after its planned date: the scorecard's days from approval to payment
        late = index == 3 and number == 2
        _released(tranche, approved_on + timedelta(days=36 if late else 2))
    q3 = reports[2]
    if index == 0:
        submit(q3, q3.due_on - timedelta(days=3), metrics=_metrics(award, enrolled + 3),
               spending=spend("0.25"), narrative=narrative)  # waits for the office  # fmt: skip
    elif index == 1:
        submit(q3, q3.due_on - timedelta(days=6), metrics=_metrics(award, enrolled + 3),
               spending=spend("0.25"), narrative="Short quarter.")  # fmt: skip
        report_return(
            report=q3, user=staff, comment="Please describe the new hospital partnership."
        )
        _reviewed(q3, q3.due_on - timedelta(days=2))
    elif index == 2:
        report_save_draft(report=q3, metrics={"participants_enrolled": enrolled}, spending={},
                          narrative="", user=grantee)  # a draft, past due  # fmt: skip
    # the fourth award's Q3 report is not started, and late; every Q4 report is not due yet


def _open_round(fund, organisations, programs, areas, staff, board) -> None:  # type: ignore[no-untyped-def]
    open_round = _round(fund, OPEN_ROUND, Decimal("600000"), date(2026, 11, 1), date(2027, 1, 15),
                        [Strategy.YOUTH_EMPLOYMENT, Strategy.REENTRY, Strategy.CBT],
                        [areas[c] for c in ("N10", "N12", "N19")])  # fmt: skip
    northside = organisations["Northside Peacekeepers"]
    application_create(
        funding_round=open_round, organisation=northside, user=northside.members.first() or staff,
        title="Peacekeepers summer crew", summary="Paid summer work for young people we mentor.",
        strategy=Strategy.YOUTH_EMPLOYMENT, requested_amount=Decimal("120000"),
        areas=[areas["N03"], areas["N11"]], program=None, now=_moment(date(2026, 11, 18)),
    )  # a draft  # fmt: skip
    eastgate = organisations["Eastgate Youth Alliance"]
    submitted = application_create(
        funding_round=open_round, organisation=eastgate, user=eastgate.members.first() or staff,
        title="Violence-Free Zones in two more schools", summary="School-based mentoring in N12 and N19.",
        strategy=Strategy.SCHOOL, requested_amount=Decimal("180000"),
        areas=[areas["N12"], areas["N19"]], program=programs["Violence-Free Zones"],
        now=_moment(date(2026, 11, 12)),
    )  # fmt: skip
    submitted = application_submit(application=submitted, user=eastgate.members.first() or staff,
                                   now=_moment(date(2026, 11, 14)))  # fmt: skip
    reviewers_assign(application=submitted, reviewers=[staff, board], assigned_by=staff)


# each metric's data-collection guidance in the resource library (inventory's demo publishes it)
METRIC_GUIDANCE = {
    "participants-enrolled": "Counting participants: data-collection guide",
    "participants-active": "Counting participants: data-collection guide",
    "participants-reinjured": "Counting participants: data-collection guide",
    "outreach-contacts": "Recording outreach contacts and mediations",
    "conflicts-mediated": "Recording outreach contacts and mediations",
    "referrals-made": "Tracking referrals to services",
    "referrals-completed": "Tracking referrals to services",
}


@demo_seeder
def seed_metric_guidance(city: DemoCity) -> None:
    resources = {r.title: r for r in Resource.objects.filter(title__in=METRIC_GUIDANCE.values())}
    linked = 0
    for slug, title in METRIC_GUIDANCE.items():
        if title in resources:
            linked += Metric.objects.filter(slug=slug).update(guidance=resources[title])
    city.log(f"  metric guidance: {linked} metrics linked to the library")
