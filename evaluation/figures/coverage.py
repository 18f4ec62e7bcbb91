"""Section 3, program coverage and gaps: from the program inventory's strengths-and-gaps
analysis, which high-burden areas an evidence-based program of a core strategy serves on the
period's last day, what each strategy reaches, and the gaps ranked."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from evaluation.figures.base import SectionFigures, Table, rounded
from evaluation.figures.wording import count_text, day_text, period_text
from inventory.models import Strategy
from inventory.selectors.gaps import (
    HIGH_BURDEN_FACTOR,
    YEAR_CHOICES,
    Gap,
    GapsAnalysis,
    gaps_analysis,
)
from ovp.areas.models import AreaKind

NOTES = [
    "From the program inventory's strengths-and-gaps analysis: an area is covered when "
    "an evidence-based program of a core strategy serves it on the day.",
]

# -- the numbers -------------------------------------------------------------------------------


@dataclass(frozen=True)
class HighBurdenArea:
    name: str  # with its code: "Ashford (NA)"
    victims: int
    rate: float | None
    programs: list[str]  # the programs serving it on the day
    covered: bool  # by an evidence-based program of a core strategy


@dataclass(frozen=True)
class StrategyReach:
    label: str
    areas: int  # served by a program of the strategy
    high_burden: int  # of them high-burden


@dataclass(frozen=True)
class CoverageNumbers:
    on: date
    kind_label: str
    areas: int
    served: int  # areas any program serves
    high_burden: list[HighBurdenArea]  # the highest burden first
    strategies: list[StrategyReach]
    gaps: list[Gap]  # ranked: areas first, then strategies
    years: int  # of data the analysis reads
    window: tuple[date | None, date | None]

    @property
    def uncovered(self) -> list[str]:
        return [area.name for area in self.high_burden if not area.covered]

    def as_dict(self) -> dict[str, Any]:
        return {
            "areas": self.areas,
            "served": self.served,
            "high_burden": len(self.high_burden),
            "uncovered": self.uncovered,
            "gaps": [gap.subject for gap in self.gaps],
            "years": self.years,
            "window": [day.isoformat() if day else None for day in self.window],
        }


def _years_for(begin: date, end: date) -> int:
    """The gaps analysis' window nearest the period's length, in years."""
    length = ((end - begin).days + 1) / 365.25
    return min(YEAR_CHOICES, key=lambda years: abs(years - length))


def coverage_numbers(begin: date, end: date, kind: str) -> CoverageNumbers:
    analysis = gaps_analysis(kind=kind, years=_years_for(begin, end), on=end)
    labels = dict(Strategy.choices)
    return CoverageNumbers(
        on=end,
        kind_label=dict(AreaKind.choices).get(analysis.kind, analysis.kind).lower(),
        areas=len(analysis.areas),
        served=sum(1 for area in analysis.areas if analysis.coverage.get(area.pk)),
        high_burden=_high_burden_areas(analysis),
        strategies=[
            StrategyReach(
                labels.get(strategy, strategy),
                sum(1 for area in analysis.areas if analysis.cell(area.pk, strategy)),
                sum(1 for area_id in analysis.high_burden if analysis.cell(area_id, strategy)),
            )
            for strategy in analysis.strategies
        ],
        gaps=list(analysis.gaps),
        years=analysis.years,
        window=(analysis.begin, analysis.end),
    )


def _high_burden_areas(analysis: GapsAnalysis) -> list[HighBurdenArea]:
    rows = analysis.burden.set_index("area_id")
    return [
        HighBurdenArea(
            name=f"{rows.at[area_id, 'name']} ({rows.at[area_id, 'code']})",
            victims=int(rows.at[area_id, "victims"]),
            rate=rounded(rows.at[area_id, "rate"]),
            programs=[p.program_name for p in analysis.coverage.get(area_id, [])],
            covered=analysis.covered(area_id),
        )
        for area_id in analysis.high_burden
    ]


# -- the wording -------------------------------------------------------------------------------


def coverage_summary(numbers: CoverageNumbers) -> str:
    begin, end = numbers.window
    window = period_text(begin, end) if begin and end else "no data yet"
    high = len(numbers.high_burden)
    years = "year" if numbers.years == 1 else f"{numbers.years} years"
    sentences = [
        f"On {day_text(numbers.on)}, programs in the inventory served {numbers.served:,} of "
        f"the {count_text(numbers.areas, numbers.kind_label)}.",
        f"Over the last {years} of data ({window}), "
        f"{count_text(high, 'area was', 'areas were')} high-burden (at least "
        f"{HIGH_BURDEN_FACTOR} times the people shot of the average area).",
    ]
    uncovered = numbers.uncovered
    if high and uncovered:
        sentences.append(
            f"{count_text(len(uncovered), 'of them has', 'of them have')} no evidence-based "
            f"program of a core strategy: {', '.join(uncovered)}."
        )
    elif high:
        sentences.append("Each of them has an evidence-based program of a core strategy.")
    strategy_gaps = [gap for gap in numbers.gaps if gap.kind == "strategy"]
    if strategy_gaps:
        sentences.append(
            "Core strategies missing from high-burden areas: "
            + "; ".join(
                f"{gap.subject} ({gap.missing} area{'s' if gap.missing != 1 else ''})"
                for gap in strategy_gaps
            )
            + "."
        )
    return " ".join(sentences)


# -- the tables --------------------------------------------------------------------------------


def coverage_tables(numbers: CoverageNumbers) -> list[Table]:
    return [
        Table(
            caption=f"High-burden areas and the programs serving them on {day_text(numbers.on)}",
            columns=[
                "Area",
                "People shot",
                "Rate per 100,000",
                "Programs",
                "Evidence-based core strategy",
            ],
            rows=[
                [
                    area.name,
                    area.victims,
                    area.rate,
                    ", ".join(area.programs) or "None",
                    "Yes" if area.covered else "No",
                ]
                for area in numbers.high_burden
            ],
        ),
        Table(
            caption="Areas reached by each strategy",
            columns=["Strategy", "Areas served", "High-burden areas served"],
            rows=[[s.label, s.areas, s.high_burden] for s in numbers.strategies],
        ),
        Table(
            caption="Gaps, ranked (areas first, then strategies)",
            columns=["Rank", "Kind", "Gap", "People shot", "Detail"],
            rows=[
                [
                    gap.rank,
                    "Area" if gap.kind == "area" else "Strategy",
                    gap.subject,
                    gap.victims,
                    gap.detail,
                ]
                for gap in numbers.gaps
            ],
        ),
    ]


def coverage_figures(begin: date, end: date, kind: str) -> SectionFigures[CoverageNumbers]:
    numbers = coverage_numbers(begin, end, kind)
    return SectionFigures(
        numbers=numbers,
        summary=coverage_summary(numbers),
        notes=NOTES,
        tables=coverage_tables(numbers),
        charts=[],  # its figures are its tables
    )
