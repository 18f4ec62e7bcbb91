"""Section 4, funding against the benchmark: the annual funding the benchmark calls for (per
homicide of the period, annualised) beside the annualised active awards on the period's last
day, by area. Money is Decimal throughout, stored as strings."""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings

from evaluation.figures.base import TOP_AREAS_IN_CHART, FigureChart, SectionFigures, Table
from evaluation.figures.periods import areas_of_kind
from evaluation.figures.wording import DOLLAR, count_text, day_text, money_text, period_text
from grants.selectors.allocation import annual_funding_by_area
from ovp.areas.models import AreaKind
from ovp.incidents.charts import LAYOUT, PALETTE
from ovp.incidents.selectors import area_totals_between

NOTES = [
    "Homicides are fatal shootings placed in an area. Awards are annualised (amount x "
    "365 / days of the award) and shared evenly between the areas they serve, as on the "
    "grants allocation workbench.",
]

# -- the numbers -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AreaFunding:
    name: str
    code: str
    homicides: int
    benchmark: Decimal  # a year
    funded: Decimal  # a year
    gap: Decimal  # short of the benchmark, 0 where it is met

    def as_dict(self) -> dict[str, Any]:
        return {
            "homicides": self.homicides,
            "benchmark": str(self.benchmark),
            "funded": str(self.funded),
            "gap": str(self.gap),
        }


@dataclass(frozen=True)
class FundingNumbers:
    begin: date
    end: date
    kind_label: str
    per_homicide: Decimal
    days: int
    areas: list[AreaFunding]  # with homicides or funding: the most homicides first

    @property
    def homicides(self) -> int:
        return sum(area.homicides for area in self.areas)

    @property
    def benchmark(self) -> Decimal:
        return sum((area.benchmark for area in self.areas), Decimal(0))

    @property
    def funded(self) -> Decimal:
        return sum((area.funded for area in self.areas), Decimal(0))

    @property
    def gap(self) -> Decimal:
        return sum((area.gap for area in self.areas), Decimal(0))

    @property
    def unfunded(self) -> list[str]:
        """The areas with homicides and no active award."""
        return [f"{a.name} ({a.code})" for a in self.areas if a.homicides and not a.funded]

    def as_dict(self) -> dict[str, Any]:
        return {
            "per_homicide": str(self.per_homicide),
            "days": self.days,
            "homicides": self.homicides,
            "benchmark": str(self.benchmark),
            "funded": str(self.funded),
            "gap": str(self.gap),
            "areas": {area.code: area.as_dict() for area in self.areas},
            "unfunded": self.unfunded,
        }


def funding_numbers(begin: date, end: date, kind: str) -> FundingNumbers:
    per_homicide = Decimal(settings.OVP_FUNDING_PER_HOMICIDE)
    areas = areas_of_kind(kind)
    days = (end - begin).days + 1
    burden = area_totals_between(areas, begin, end)
    funded = annual_funding_by_area(areas, end)
    rows = []
    for row in burden.sort_values(["fatal", "code"], ascending=[False, True]).itertuples(
        index=False
    ):
        homicides = int(row.fatal)
        benchmark = (Decimal(homicides) * per_homicide * Decimal(365) / Decimal(days)).quantize(
            DOLLAR, ROUND_HALF_UP
        )
        area_funded = funded.get(int(row.area_id), Decimal(0))
        if not homicides and not area_funded:
            continue
        gap = max(benchmark - area_funded, Decimal(0))
        rows.append(AreaFunding(row.name, row.code, homicides, benchmark, area_funded, gap))
    return FundingNumbers(
        begin=begin,
        end=end,
        kind_label=dict(AreaKind.choices).get(kind, kind).lower(),
        per_homicide=per_homicide,
        days=days,
        areas=rows,
    )


# -- the wording -------------------------------------------------------------------------------


def funding_summary(numbers: FundingNumbers) -> str:
    days = numbers.days
    annualised = "" if days in (365, 366) else f" (annualised from {count_text(days, 'day')})"
    sentences = [
        f"The benchmark is {money_text(numbers.per_homicide)} a year for each homicide. "
        f"The {count_text(numbers.homicides, 'homicide')} placed in an area "
        f"from {period_text(numbers.begin, numbers.end)} call for "
        f"{money_text(numbers.benchmark)} a year{annualised}.",
        f"Active grant awards on {day_text(numbers.end)} fund "
        f"{money_text(numbers.funded)} a year in these areas, "
        f"{money_text(numbers.gap)} short of the benchmark where it is not met.",
    ]
    unfunded = numbers.unfunded
    if unfunded:
        sentences.append(
            f"{count_text(len(unfunded), 'area')} with homicides had no active award: "
            f"{', '.join(unfunded)}."
        )
    return " ".join(sentences)


# -- the tables and charts ---------------------------------------------------------------------


def funding_tables(numbers: FundingNumbers) -> list[Table]:
    rows: list[list[Any]] = [
        [
            area.name,
            area.code,
            area.homicides,
            money_text(area.benchmark),
            money_text(area.funded),
            money_text(area.gap),
        ]
        for area in numbers.areas
    ]
    rows.append(
        [
            "All these areas",
            "",
            numbers.homicides,
            money_text(numbers.benchmark),
            money_text(numbers.funded),
            money_text(numbers.gap),
        ]
    )
    return [
        Table(
            caption=f"Annual funding against the benchmark by {numbers.kind_label}",
            columns=[
                "Area",
                "Code",
                "Homicides",
                "Benchmark a year",
                "Funded a year",
                "Short of the benchmark",
            ],
            rows=rows,
        )
    ]


def funding_charts(numbers: FundingNumbers) -> list[FigureChart]:
    shown = [area for area in numbers.areas if area.homicides][:TOP_AREAS_IN_CHART]
    codes = [area.code for area in shown]

    def bars(name: str, amounts: list[Decimal], colour: str) -> dict[str, Any]:
        # through the stored text, as the figure always was
        y = [float(str(amount)) for amount in amounts]
        return {"type": "bar", "name": name, "x": codes, "y": y, "marker": {"color": colour}}

    return [
        FigureChart(
            slug="funding",
            title="Benchmark and funding by area",
            description="Grouped bar chart of the annual funding the benchmark calls for "
            "and the annual funding of active awards in each area with homicides. The "
            "table holds the same figures.",
            figure={
                "data": [
                    bars("Benchmark", [a.benchmark for a in shown], PALETTE["last"]),
                    bars("Funded", [a.funded for a in shown], PALETTE["bar"]),
                ],
                "layout": {
                    **LAYOUT,
                    "barmode": "group",
                    "xaxis": {"automargin": True, "type": "category"},
                    "yaxis": {"title": {"text": "Dollars a year"}, "rangemode": "tozero"},
                },
            },
        )
    ]


def funding_figures(begin: date, end: date, kind: str) -> SectionFigures[FundingNumbers]:
    numbers = funding_numbers(begin, end, kind)
    return SectionFigures(
        numbers=numbers,
        summary=funding_summary(numbers),
        notes=NOTES,
        tables=funding_tables(numbers),
        charts=funding_charts(numbers),
    )
