"""Reads of the inventory, and the strengths-and-gaps analysis: each area's violence burden
(from the nightly aggregates) beside the programs serving it, by strategy, and the office's
own campaigns under way there; and the reads of a campaign's page."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, DecimalField, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce, TruncMonth

from inventory.models import (
    EVIDENCE_BASED,
    Campaign,
    CampaignSpending,
    OutputKind,
    Program,
    ServiceArea,
    Strategy,
)
from ovp.areas.maps import area_map
from ovp.areas.models import Area
from ovp.incidents.selectors import area_kinds, area_totals_between, data_range

if TYPE_CHECKING:
    import pandas as pd

# the strategies with the strongest evidence of cutting shootings, which every high-burden
# area should have within reach; a strategy gap is one of these missing where most needed
CORE_STRATEGIES = [
    Strategy.STREET_OUTREACH,
    Strategy.VIOLENCE_INTERRUPTION,
    Strategy.HOSPITAL,
    Strategy.GROUP_VIOLENCE,
    Strategy.CBT,
    Strategy.PLACE_BASED,
]
YEAR_CHOICES = [1, 3, 5]
DEFAULT_YEARS = 3
HIGH_BURDEN_FACTOR = 2  # "high-burden": at least twice the average area's people shot


@dataclass(frozen=True)
class Coverage:
    """A current program in an area."""

    program_name: str
    program_uuid: str
    strategy: str
    evidence_based: bool
    # its latest local impact evaluation found no effect: here, the rating is not borne out
    no_effect: bool = False


@dataclass
class Gap:
    rank: int
    kind: str  # "area" or "strategy"
    subject: str
    victims: int
    rate: float | None
    detail: str
    programs: list[Coverage] = field(default_factory=list)  # what serves the area now
    missing: int = 0  # high-burden areas a strategy misses
    campaigns: list[CampaignCoverage] = field(default_factory=list)  # the office's, there now


@dataclass
class GapsAnalysis:
    kind: str
    kinds: list[str]
    years: int
    begin: date | None
    end: date | None
    areas: list[Area]
    burden: pd.DataFrame  # one row per area, the highest burden first
    strategies: list[str]  # the matrix's columns
    coverage: dict[int, list[Coverage]]  # area id -> current programs
    high_burden: list[int]  # area ids, highest first
    gaps: list[Gap] = field(default_factory=list)
    # the office's own campaigns, beside the programs: under way today in listed areas (area
    # id -> campaigns) or in the whole city, and every one under way in the burden's period.
    # They do not close a gap: a gap is about evidence-based programs of a core strategy.
    campaigns: dict[int, list[CampaignCoverage]] = field(default_factory=dict)
    citywide_campaigns: list[CampaignCoverage] = field(default_factory=list)
    period_campaigns: list[Campaign] = field(default_factory=list)

    def cell(self, area_id: int, strategy: str) -> list[Coverage]:
        return [c for c in self.coverage.get(area_id, []) if c.strategy == strategy]

    def covered(self, area_id: int) -> bool:
        """Whether an evidence-based program of a core strategy serves the area, one whose
        local evaluation (if any) did not find it without effect."""
        return any(
            c.evidence_based and c.strategy in CORE_STRATEGIES and not c.no_effect
            for c in self.coverage.get(area_id, [])
        )


def _window(years: int) -> tuple[date | None, date | None]:
    """The last `years` years of data, ending with the last week there is."""
    data = data_range()
    if data.last_week is None:
        return None, None
    end = data.last_week + timedelta(days=6)
    return end - timedelta(days=round(365.25 * years)) + timedelta(days=1), end


def current_coverage(kind: str, on: date) -> dict[int, list[Coverage]]:
    """The programs serving each area of a kind on a day (active, service area in force)."""
    coverage: dict[int, list[Coverage]] = defaultdict(list)
    rows = list(
        ServiceArea.objects.current(on)
        .filter(area__kind=kind)
        .values_list(
            "area_id", "program__name", "program__uuid", "program__strategy", "program__evidence"
        )
        .order_by("program__name")
        .distinct()
    )
    no_effect = programs_without_effect({uuid for _, _, uuid, _, _ in rows})
    for area_id, name, uuid, strategy, evidence in rows:
        entry = Coverage(name, str(uuid), strategy, evidence in EVIDENCE_BASED, uuid in no_effect)
        if entry not in coverage[area_id]:
            coverage[area_id].append(entry)
    return dict(coverage)


def programs_without_effect(uuids: set[Any]) -> set[Any]:
    """The programs (by uuid) whose latest local impact evaluation found no effect: the
    verdict the evaluation stored with its result ("no_effect": its 95% interval holds no
    change and nothing undermines its design; an inconclusive one does not count). Read
    through the relation the evaluation app declares on Program (`evaluations`), so the
    inventory imports nothing of it."""
    latest: dict[Any, Any] = {}
    for uuid, found in (
        Program.objects.filter(uuid__in=uuids, evaluations__isnull=False)
        .values_list("uuid", "evaluations__verdict")
        .order_by("uuid", "-evaluations__created_at", "-evaluations__id")
    ):
        latest.setdefault(uuid, found)
    return {uuid for uuid, found in latest.items() if found == "no_effect"}


def gaps_analysis(*, kind: str | None, years: int, on: date) -> GapsAnalysis:
    """Burden and coverage of every area of a kind, and the gaps ranked by people shot."""
    kinds = area_kinds()
    kind = kind if kind in kinds else (kinds[0] if kinds else "")
    years = years if years in YEAR_CHOICES else DEFAULT_YEARS
    areas = list(Area.objects.of_kind(kind).order_by("code"))
    begin, end = _window(years)
    # without incident data yet every area has a burden of 0, and the matrix still shows
    burden = area_totals_between(areas, begin or on, end or on)
    coverage = current_coverage(kind, on)
    present = {c.strategy for programs in coverage.values() for c in programs}
    strategies = [s for s in Strategy.values if s in present or s in CORE_STRATEGIES]
    average = burden["victims"].mean() if len(burden) else 0
    high = [
        int(row.area_id)
        for row in burden.itertuples(index=False)
        if row.victims > 0 and row.victims >= HIGH_BURDEN_FACTOR * average
    ]
    analysis = GapsAnalysis(
        kind, kinds, years, begin, end, areas, burden, strategies, coverage, high
    )
    analysis.period_campaigns, analysis.campaigns, analysis.citywide_campaigns = campaigns_around(
        kind, begin or on, on
    )
    analysis.gaps = _rank_gaps(analysis)
    return analysis


def _rank_gaps(analysis: GapsAnalysis) -> list[Gap]:
    """Area gaps first, the most people shot first; then strategy gaps, those missing from
    the most high-burden areas first (then by the people shot in the areas missed). The two
    kinds are not summed together: the same area's people count in several strategy gaps."""
    import pandas as pd

    rows = analysis.burden.set_index("area_id")
    area_gaps: list[Gap] = []
    for area_id in analysis.high_burden:
        programs = analysis.coverage.get(area_id, [])
        victims, rate = int(rows.at[area_id, "victims"]), rows.at[area_id, "rate"]
        name = f"{rows.at[area_id, 'name']} ({rows.at[area_id, 'code']})"
        rate = None if pd.isna(rate) else float(rate)
        if not programs:
            detail = "No program serves this area."
        elif all(p.no_effect for p in programs):
            detail = "Served only by programs whose local evaluation found no effect:"
        elif not analysis.covered(area_id) and any(
            p.no_effect and p.evidence_based and p.strategy in CORE_STRATEGIES for p in programs
        ):
            detail = (
                "Its evidence-based program of a core strategy found no effect here; served by:"
            )
        elif not analysis.covered(area_id):
            detail = "No evidence-based program of a core strategy; served by:"
        else:
            continue
        gap = Gap(0, "area", name, victims, rate, detail, programs)
        gap.campaigns = analysis.campaigns.get(area_id, [])
        area_gaps.append(gap)
    labels = dict(Strategy.choices)
    strategy_gaps: list[Gap] = []
    for strategy in CORE_STRATEGIES:
        missing = [a for a in analysis.high_burden if not analysis.cell(a, strategy)]
        if not missing:
            continue
        reached = len(analysis.high_burden) - len(missing)
        victims = int(sum(rows.at[a, "victims"] for a in missing))
        names = ", ".join(str(rows.at[a, "code"]) for a in missing)
        detail = (
            f"Reaches {reached} of the {len(analysis.high_burden)} high-burden areas; "
            f"missing in {names}."
        )
        strategy_gaps.append(
            Gap(0, "strategy", labels[strategy], victims, None, detail, missing=len(missing))
        )
    area_gaps.sort(key=lambda gap: (-gap.victims, gap.subject))
    strategy_gaps.sort(key=lambda gap: (-gap.missing, -gap.victims, gap.subject))
    found = area_gaps + strategy_gaps
    for rank, gap in enumerate(found, start=1):
        gap.rank = rank
    return found


def gaps_map(analysis: GapsAnalysis) -> dict[str, Any]:
    """Burden as the fill; a marker in each high-burden area says whether an evidence-based
    program of a core strategy serves it (a filled circle) or not (an open one)."""
    import shapely

    victims = {
        int(a): float(v)
        for a, v in zip(analysis.burden["area_id"], analysis.burden["victims"], strict=True)
        if v > 0
    }
    figure = area_map(analysis.areas, victims, value_label="people shot")
    groups: dict[bool, dict[str, list[Any]]] = {
        True: {"x": [], "y": [], "text": []},
        False: {"x": [], "y": [], "text": []},
    }
    high = set(analysis.high_burden)
    for area in analysis.areas:
        if area.pk not in high:
            continue
        point = shapely.point_on_surface(shapely.from_geojson(json.dumps(area.boundary)))
        programs = analysis.coverage.get(area.pk, [])
        covered = analysis.covered(area.pk)
        group = groups[covered]
        group["x"].append(round(point.x, 5))
        group["y"].append(round(point.y, 5))
        count = len(programs)
        group["text"].append(
            f"{area.name}: {count} program{'s' if count != 1 else ''}"
            + ("" if covered else ", none evidence-based of a core strategy")
        )
    for covered, group in groups.items():
        figure["data"].append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": group["x"],
                "y": group["y"],
                "text": group["text"],
                "hoverinfo": "text",
                "name": (
                    "High burden, evidence-based core program"
                    if covered
                    else "High burden, no evidence-based core program"
                ),
                "showlegend": True,
                "marker": {
                    "symbol": "circle" if covered else "circle-open",
                    "size": 11,
                    "color": "#1a9850" if covered else "#222222",
                    "line": {"width": 2, "color": "#ffffff" if covered else "#222222"},
                },
            }
        )
    figure["data"].append(_campaign_markers(analysis))
    figure["layout"]["legend"] = {"orientation": "h", "y": -0.02, "x": 0}
    return figure


def _campaign_markers(analysis: GapsAnalysis) -> dict[str, Any]:
    """A blue diamond in each area where one of the office's campaigns is under way."""
    import shapely

    xs, ys, texts = [], [], []
    for area in analysis.areas:
        campaigns = analysis.campaigns.get(area.pk, [])
        if not campaigns:
            continue
        point = shapely.point_on_surface(shapely.from_geojson(json.dumps(area.boundary)))
        # beside the burden marker, not on top of it
        xs.append(round(point.x + (area.max_lon - area.min_lon) / 5, 5))
        ys.append(round(point.y, 5))
        texts.append(f"{area.name}: office campaign " + "; ".join(c.name for c in campaigns))
    return {
        "type": "scatter",
        "mode": "markers",
        "x": xs,
        "y": ys,
        "text": texts,
        "hoverinfo": "text",
        "name": "The office's campaign under way",
        "showlegend": True,
        "marker": {
            "symbol": "diamond",
            "size": 10,
            "color": CAMPAIGN_FILL,
            "line": {"width": 1, "color": "#ffffff"},
        },
    }


def gaps_csv_rows(analysis: GapsAnalysis) -> list[list[Any]]:
    return [
        [
            g.rank, g.kind, g.subject, g.victims, "" if g.rate is None else round(g.rate, 1),
            " ".join([g.detail, "; ".join(
                p.program_name + (" (no effect found here)" if p.no_effect else "")
                for p in g.programs)]).strip()
            + ("".join(f" Office campaign: {c.name}." for c in g.campaigns)),
        ]
        for g in analysis.gaps
    ]  # fmt: skip


GAPS_CSV_HEADER = [
    "Rank",
    "Gap in",
    "Area or strategy",
    "People shot",
    "Rate per 100,000",
    "Detail",
]


def matrix_csv(analysis: GapsAnalysis) -> tuple[list[str], list[list[Any]]]:
    """One row per area: burden, whether high-burden, programs per strategy."""
    import pandas as pd

    labels = dict(Strategy.choices)
    header = [
        "Area code", "Area", "People shot", "Rate per 100,000", "High burden",
        "Programs", "Evidence-based programs", *[labels[s] for s in analysis.strategies],
        "Office campaigns",
    ]  # fmt: skip
    high = set(analysis.high_burden)
    rows = []
    for row in analysis.burden.itertuples(index=False):
        programs = analysis.coverage.get(int(row.area_id), [])
        rows.append(
            [
                row.code,
                row.name,
                int(row.victims),
                "" if pd.isna(row.rate) else round(float(row.rate), 1),
                "yes" if row.area_id in high else "no",
                len(programs),
                sum(p.evidence_based for p in programs),
                *[len(analysis.cell(int(row.area_id), s)) for s in analysis.strategies],
                "; ".join(c.name for c in analysis.campaigns.get(int(row.area_id), [])),
            ]
        )
    return header, rows


# -- The office's own campaigns ----------------------------------------------------------------

CAMPAIGN_FILL = "rgb(49, 130, 189)"


@dataclass(frozen=True)
class CampaignCoverage:
    """An office campaign in an area (or the whole city), as the gaps page lists it."""

    name: str
    uuid: str
    kind: str  # its label
    dates: str


def _campaign_coverage(campaign: Campaign) -> CampaignCoverage:
    return CampaignCoverage(
        campaign.name, str(campaign.uuid), campaign.get_kind_display(), campaign.dates_text
    )


def campaigns_around(
    kind: str, begin: date, on: date
) -> tuple[list[Campaign], dict[int, list[CampaignCoverage]], list[CampaignCoverage]]:
    """The office's campaigns under way at some time from `begin` to `on` (the latest start
    first); of those under way on `on`, the ones listing areas of a kind (area id ->
    campaigns) and the ones of the whole city. Two queries."""
    period = campaigns_in_period(begin, on)
    running = {c.pk: c for c in sorted(period, key=lambda c: c.name) if c.holds(on)}
    by_area: dict[int, list[CampaignCoverage]] = defaultdict(list)
    links = Campaign.areas.through.objects.filter(
        campaign_id__in=list(running), area__kind=kind
    ).values_list("area_id", "campaign_id")
    for area_id, campaign_id in sorted(links, key=lambda link: running[link[1]].name):
        by_area[area_id].append(_campaign_coverage(running[campaign_id]))
    citywide = [_campaign_coverage(c) for c in running.values() if c.covers_whole_city]
    return period, dict(by_area), citywide


def campaigns_in_period(begin: date, end: date) -> list[Campaign]:
    """Every campaign under way at some time from `begin` to `end`, the latest start first."""
    return list(
        Campaign.objects.overlapping(begin, end)
        .annotate(area_count=Count("areas"))
        .order_by("-started_on", "name")
    )


def campaign_list_rows(campaigns: Any) -> Any:
    """Campaigns with what the list shows: areas listed and money spent (no query per row)."""
    spent = (
        CampaignSpending.objects.filter(campaign=OuterRef("pk"))
        .values("campaign")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return campaigns.annotate(
        area_count=Count("areas", distinct=True),
        spent=Coalesce(Subquery(spent), Decimal(0), output_field=DecimalField()),
    )


@dataclass(frozen=True)
class OutputTotal:
    kind: str
    label: str
    total: int


def campaign_output_totals(campaign: Campaign) -> list[OutputTotal]:
    """The campaign's outputs added up by kind, in the kinds' own order."""
    sums = dict(
        campaign.outputs.values("kind").annotate(total=Sum("quantity")).values_list("kind", "total")
    )
    return [
        OutputTotal(kind, str(label), int(sums[kind]))
        for kind, label in OutputKind.choices
        if kind in sums
    ]


def campaign_spent(campaign: Campaign) -> Decimal:
    return campaign.spending.aggregate(total=Sum("amount"))["total"] or Decimal(0)


def campaign_outputs_chart(campaign: Campaign) -> dict[str, Any] | None:
    """Outputs over time: one bar per month and kind (None before any output is logged)."""
    rows = list(
        campaign.outputs.annotate(month=TruncMonth("on"))
        .values("month", "kind")
        .annotate(total=Sum("quantity"))
        .order_by("month", "kind")
    )
    if not rows:
        return None
    labels = dict(OutputKind.choices)
    months = sorted({row["month"] for row in rows})
    traces = []
    for kind in OutputKind.values:
        totals = {row["month"]: row["total"] for row in rows if row["kind"] == kind}
        if not totals:
            continue
        traces.append(
            {
                "type": "bar",
                "name": str(labels[kind]),
                "x": [f"{month:%b %Y}" for month in months],
                "y": [int(totals.get(month, 0)) for month in months],
            }
        )
    return {
        "data": traces,
        "layout": {
            "barmode": "group",
            "height": 300,
            "margin": {"l": 50, "r": 10, "t": 10, "b": 40},
            "legend": {"orientation": "h", "y": -0.2},
            "yaxis": {"title": {"text": "Count"}, "rangemode": "tozero"},
        },
    }


def campaign_map(campaign: Campaign, areas: list[Area]) -> dict[str, Any] | None:
    """The campaign's areas filled on a map of every area of their kind (None for a
    whole-city campaign or one without areas)."""
    if campaign.covers_whole_city or not areas:
        return None
    covered = {area.pk for area in areas}
    everything = list(Area.objects.of_kind(areas[0].kind).order_by("code"))
    figure = area_map(everything)
    by_code = {area.code: area for area in everything}
    for trace in figure["data"]:
        area = by_code.get(trace.get("name", ""))
        if area is not None and area.pk in covered:
            trace["fillcolor"] = CAMPAIGN_FILL
            trace["text"] = f"{area.name}: covered by the campaign"
    return figure


# -- the public program directory (/public/programs/) ----------------------------------------


@dataclass(frozen=True)
class PublicProgram:
    """A program as the public directory shows it: only what the program chose to publish
    and its lead organisation's public contact (never a person's details)."""

    program: Program
    areas: list[Area]  # served now
    serves_chosen: bool  # works in the area the visitor chose


@dataclass(frozen=True)
class PublicDirectory:
    kind: str  # the kind of area the directory places visitors in
    areas: list[Area]  # every area of that kind, by name
    chosen: Area | None
    programs: list[PublicProgram]  # those serving the chosen area first, then by name

    @property
    def serving(self) -> list[PublicProgram]:
        return [p for p in self.programs if p.serves_chosen]

    @property
    def elsewhere(self) -> list[PublicProgram]:
        return [p for p in self.programs if not p.serves_chosen]


def _listed(on: date, *, uuid: Any = None) -> list[Program]:
    """Active, opted-in programs (or the one with `uuid`) with their lead organisation and
    the areas served on `on` (two queries however many there are)."""
    from django.db.models import Prefetch

    current = ServiceArea.objects.current(on).select_related("area").order_by("area__name")
    listed = Program.objects.listed_publicly()
    if uuid is not None:
        listed = listed.filter(uuid=uuid)
    return list(
        listed.select_related("lead_organisation")
        .prefetch_related(Prefetch("service_areas", queryset=current, to_attr="current_areas"))
        .order_by("name")
    )


def public_area_kind(programs: list[Program]) -> str:
    """The kind of area the listed programs name most (a directory by neighbourhood where
    they say neighbourhoods); with none, the finest kind the city has."""
    counts: dict[str, int] = defaultdict(int)
    for program in programs:
        for service_area in program.current_areas:  # type: ignore[attr-defined]
            counts[service_area.area.kind] += 1
    if counts:
        return max(sorted(counts), key=lambda kind: counts[kind])
    kinds = area_kinds()
    return kinds[0] if kinds else ""


def public_directory(*, area_code: str, on: date) -> PublicDirectory:
    """The opted-in programs, those working in the chosen area (by code, of the directory's
    kind; an unknown code chooses none) first."""
    programs = _listed(on)
    kind = public_area_kind(programs)
    areas = list(Area.objects.of_kind(kind).order_by("name")) if kind else []
    chosen = next((a for a in areas if a.code == area_code), None) if area_code else None
    shown = [
        PublicProgram(
            program=program,
            areas=[sa.area for sa in program.current_areas],  # type: ignore[attr-defined]
            serves_chosen=chosen is not None
            and any(sa.area_id == chosen.pk for sa in program.current_areas),  # type: ignore[attr-defined]
        )
        for program in programs
    ]
    shown.sort(key=lambda p: (not p.serves_chosen, p.program.name))
    return PublicDirectory(kind=kind, areas=areas, chosen=chosen, programs=shown)


def public_area_counts(directory: PublicDirectory) -> dict[int, int]:
    """Listed programs working in each of the directory's areas (areas with none left out)."""
    counts: dict[int, int] = defaultdict(int)
    for shown in directory.programs:
        for area in shown.areas:
            if area.kind == directory.kind:
                counts[area.pk] += 1
    return dict(counts)


def public_directory_map(directory: PublicDirectory, counts: dict[int, int]) -> dict[str, Any]:
    """The directory's areas, each shaded by the listed programs working there; the chosen
    area outlined."""
    return area_map(
        directory.areas,
        {area_id: float(count) for area_id, count in counts.items()},
        value_label="programs",
        highlight=directory.chosen.pk if directory.chosen else None,
    )


def public_program(uuid: Any, on: date) -> PublicProgram | None:
    """One listed program (None for any other: not opted in, not active, not there)."""
    found = _listed(on, uuid=uuid)
    if not found:
        return None
    program = found[0]
    return PublicProgram(
        program=program,
        areas=[sa.area for sa in program.current_areas],  # type: ignore[attr-defined]
        serves_chosen=False,
    )


def public_area_at(*, lat: float, lon: float, on: date) -> Area | None:
    """The directory's area a point lies in (None outside the city's areas)."""
    import numpy as np

    from ovp.areas.placement import UNPLACED, place_points

    kind = public_area_kind(_listed(on))
    if not kind:
        return None
    placed = place_points(kind=kind, lons=np.array([lon]), lats=np.array([lat]))
    if int(placed[0]) == UNPLACED:
        return None
    return Area.objects.get(pk=int(placed[0]))
