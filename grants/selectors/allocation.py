"""The allocation workbench of a funding round: each area's violence burden and homicides
from the nightly aggregates beside the benchmark of annual funding per homicide and what is
already funded there; each approved application's score, evidence and need; and a proposed
split of the round's budget.

How the proposal works is METHOD below, shown on the page as it is.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

from django.conf import settings

from grants.models import ZERO, Application, ApplicationStatus, Award, AwardStatus, FundingRound
from grants.selectors.review import application_scores
from inventory.models import Evidence
from ovp.areas.models import Area
from ovp.incidents.selectors import area_kinds, area_totals_between, data_range

# how much an application's evidence rating counts (its program's model, as rated)
EVIDENCE_FACTOR: dict[str, Decimal] = {
    Evidence.EFFECTIVE: Decimal("1.00"),
    Evidence.PROMISING: Decimal("0.75"),
    Evidence.NOT_RATED: Decimal("0.40"),
    Evidence.NO_EFFECTS: Decimal("0.10"),
    Evidence.NEGATIVE: Decimal("0.00"),
}
UNSCORED = Decimal("0.50")
# how much the people shot in an area count when it is funded at or beyond the benchmark
FUNDED_AREA_FACTOR = Decimal("0.5")
METHOD = [
    "An application's need is the number of people shot in the areas it serves over the last "
    "12 months of data; people shot in an area already funded at or beyond the benchmark "
    "(no gap left) count half. An application serving no recorded area is proposed nothing.",
    "Its weight is need x evidence (Effective 1, Promising 0.75, Not rated 0.4, No effects "
    "0.1, Negative effects 0) x review score (the weighted average, as a share; one half when "
    "nobody has scored it) x 1.25 when its strategy is one of the round's priorities.",
    "The round's budget is shared in proportion to weight, no application getting more than "
    "the amount approved for it; what a capped application cannot take is shared again among "
    "the others. Amounts are whole dollars, rounded down.",
]
PRIORITY_FACTOR = Decimal("1.25")
DOLLAR = Decimal("1")


@dataclass
class AreaNeed:
    area: Area
    people_shot: int
    homicides: int
    benchmark: Decimal  # annual funding the benchmark calls for
    funded: Decimal  # annualised awards already working there
    gap: Decimal  # benchmark not yet funded (0 when funded beyond it)


@dataclass
class Candidate:
    application: Application
    evidence: str
    score: Decimal | None  # weighted average, percent
    need: Decimal  # people shot in its areas, those in areas with no gap counting half
    area_codes: list[str]
    cap: Decimal  # the most it may get: the amount approved
    priority: bool
    weight: Decimal = ZERO
    proposed: Decimal = ZERO
    final: Decimal | None = None  # as recorded, when an allocation has been saved
    award: Award | None = None  # made from the application, if one has been


@dataclass
class Workbench:
    funding_round: FundingRound
    kind: str
    begin: date | None
    end: date | None
    areas: list[AreaNeed]
    candidates: list[Candidate]
    funding_per_homicide: int
    totals: dict[str, Decimal] = field(default_factory=dict)


def _window() -> tuple[date | None, date | None]:
    """The last 12 months (52 weeks) of incident data."""
    data = data_range()
    if data.last_week is None:
        return None, None
    end = data.last_week + timedelta(days=6)
    return end - timedelta(days=363), end


def annualised(award: Award) -> Decimal:
    """An award's amount over a year: amount x 365 / days of its period."""
    days = (award.ends_on - award.starts_on).days + 1
    return award.amount * Decimal(365) / Decimal(days)


def annual_funding_by_area(areas: list[Area], on: date) -> dict[int, Decimal]:
    """Active awards working on a day, each annualised (amount x 365 / days of its period)
    and shared evenly between its areas."""
    wanted = {area.pk for area in areas}
    funded: dict[int, Decimal] = dict.fromkeys(wanted, ZERO)
    awards = Award.objects.filter(
        status=AwardStatus.ACTIVE, starts_on__lte=on, ends_on__gte=on
    ).prefetch_related("areas")
    for award in awards:
        served = [a.pk for a in award.areas.all()]
        if not served:
            continue
        share = annualised(award) / Decimal(len(served))
        for area_id in served:
            if area_id in wanted:
                funded[area_id] += share
    return {area_id: value.quantize(DOLLAR, ROUND_DOWN) for area_id, value in funded.items()}


def _kind_for(applications: list[Application]) -> str:
    """The kind of area the round's applications name most; else the finest kind."""
    counts: dict[str, int] = {}
    for application in applications:
        for area in application.areas.all():
            counts[area.kind] = counts.get(area.kind, 0) + 1
    if counts:
        return max(sorted(counts), key=lambda kind: counts[kind])
    kinds = area_kinds()
    return kinds[0] if kinds else ""


def share_budget(candidates: list[Candidate], budget: Decimal) -> None:
    """Set each candidate's `proposed`: the budget in proportion to weight, capped at each
    candidate's cap, the excess shared again among the rest (whole dollars, rounded down)."""
    for candidate in candidates:
        candidate.proposed = ZERO
    open_ = [c for c in candidates if c.weight > 0 and c.cap > 0]
    left = budget
    while open_ and left >= DOLLAR:
        weights = sum((c.weight for c in open_), ZERO)
        capped = [c for c in open_ if left * c.weight / weights >= c.cap - c.proposed]
        if not capped:
            for candidate in open_:
                candidate.proposed += (left * candidate.weight / weights).quantize(
                    DOLLAR, ROUND_DOWN
                )
            break
        for candidate in capped:
            left -= candidate.cap - candidate.proposed
            candidate.proposed = candidate.cap
            open_.remove(candidate)


def allocation_workbench(funding_round: FundingRound, *, on: date) -> Workbench:
    applications = list(
        Application.objects.filter(funding_round=funding_round, status=ApplicationStatus.APPROVED)
        .select_related("organisation", "program", "award")
        .prefetch_related("areas")
        .order_by("organisation__name", "title")
    )
    kind = _kind_for(applications)
    areas = list(Area.objects.of_kind(kind).order_by("code"))
    begin, end = _window()
    needs = _area_needs(areas, begin or on, end or on, on)
    lines = {}
    if hasattr(funding_round, "allocation"):
        lines = {
            line.application_id: line.final_amount for line in funding_round.allocation.lines.all()
        }
    candidates = _candidates(funding_round, applications, kind, needs, lines)
    share_budget(candidates, funding_round.budget)
    candidates.sort(key=lambda c: (-c.weight, c.application.title))
    workbench = Workbench(
        funding_round, kind, begin, end, needs, candidates, settings.OVP_FUNDING_PER_HOMICIDE
    )
    workbench.areas.sort(key=lambda need: (-need.people_shot, need.area.code))
    proposed = sum((c.proposed for c in candidates), ZERO)
    final = sum((c.final or ZERO for c in candidates), ZERO)
    workbench.totals = {
        "budget": funding_round.budget,
        "approved": sum((c.cap for c in candidates), ZERO),
        "proposed": proposed,
        "final": final,
        "unallocated": funding_round.budget - (final if lines else proposed),
        "benchmark": sum((n.benchmark for n in needs), ZERO),
        "funded": sum((n.funded for n in needs), ZERO),
        "gap": sum((n.gap for n in needs), ZERO),
    }
    return workbench


def _area_needs(areas: list[Area], begin: date, end: date, on: date) -> list[AreaNeed]:
    """Each area's people shot and homicides in the window, its benchmark (homicides x the
    per-homicide figure), what the office funds there on `on`, and the gap between them."""
    burden = area_totals_between(areas, begin, end)
    funded = annual_funding_by_area(areas, on)
    per_homicide = Decimal(settings.OVP_FUNDING_PER_HOMICIDE)
    by_id = {area.pk: area for area in areas}
    needs = []
    for row in burden.itertuples(index=False):
        benchmark = per_homicide * int(row.fatal)
        already = funded.get(int(row.area_id), ZERO)
        needs.append(
            AreaNeed(
                area=by_id[int(row.area_id)],
                people_shot=int(row.victims),
                homicides=int(row.fatal),
                benchmark=benchmark,
                funded=already,
                gap=max(benchmark - already, ZERO),
            )
        )
    return needs


def _candidates(
    funding_round: FundingRound,
    applications: list[Application],
    kind: str,
    needs: list[AreaNeed],
    lines: dict[int, Decimal],
) -> list[Candidate]:
    """Each approved application with its weight: need of the areas it serves x evidence x
    review score x priority."""
    # an area funded at or beyond the benchmark still counts, at half: the money there does
    # not stop shootings on its own, but an area with no funding at all needs it more
    need_of = {
        need.area.pk: Decimal(need.people_shot) * (FUNDED_AREA_FACTOR if not need.gap else 1)
        for need in needs
    }
    scores = application_scores(applications)
    candidates = []
    for application in applications:
        served = [a for a in application.areas.all() if a.kind == kind]
        summary = scores.get(application.pk)
        score = summary.average_percent if summary else None
        evidence = application.program.evidence if application.program else Evidence.NOT_RATED
        priority = application.strategy in (funding_round.priority_strategies or [])
        candidate = Candidate(
            application=application,
            evidence=evidence,
            score=score,
            need=sum((need_of.get(a.pk, ZERO) for a in served), ZERO),
            area_codes=[a.code for a in served],
            cap=application.approved_amount or ZERO,
            priority=priority,
            final=lines.get(application.pk),
            award=getattr(application, "award", None),
        )
        candidate.weight = (
            candidate.need
            * EVIDENCE_FACTOR.get(evidence, EVIDENCE_FACTOR[Evidence.NOT_RATED])
            * (score / 100 if score is not None else UNSCORED)
            * (PRIORITY_FACTOR if priority else Decimal(1))
        )
        candidates.append(candidate)
    return candidates
