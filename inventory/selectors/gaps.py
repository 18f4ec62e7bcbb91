"""The strengths-and-gaps analysis: each area's violence burden (from the nightly aggregates)
beside the programs serving it, by strategy, and the office's own campaigns under way there;
its map and its CSV downloads."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from inventory.models import EVIDENCE_BASED, Campaign, Program, ServiceArea, Strategy
from inventory.selectors.campaigns import CAMPAIGN_FILL, CampaignCoverage, campaigns_around
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
