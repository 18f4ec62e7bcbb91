"""Section 1, violence burden and trends by area: people shot, fatal and the rate per 100,000
residents in each area over the period; the city's total against the previous period and
the same period of the five years before."""

from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from evaluation.figures.base import (
    TOP_AREAS_IN_CHART,
    FigureChart,
    SectionFigures,
    Table,
    bar_chart,
    rounded,
)
from evaluation.figures.periods import (
    areas_of_kind,
    city_totals_between,
    covered,
    previous_period,
    same_period_years_before,
)
from evaluation.figures.wording import change_text, count_text, period_text
from ovp.areas.models import Area, AreaKind
from ovp.incidents.selectors import YEARS_FOR_AVERAGE, area_totals_between, data_range

NOTES = [
    "Counts come from the nightly aggregates of the police department's shooting "
    "victims; rates use each area's residents as recorded in the portal.",
    "Shootings not placed in any area count in the city's total but in no area's.",
]

# -- the numbers -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AreaBurden:
    name: str
    code: str
    residents: int | None
    victims: int
    fatal: int
    rate: float | None  # per 100,000 residents, to 0.1
    previous: int | None  # people shot in the previous period
    average: float | None  # in the same period of the years before, to 0.1

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "victims": self.victims,
            "fatal": self.fatal,
            "rate": self.rate,
            "previous": self.previous,
            "average": self.average,
        }


@dataclass(frozen=True)
class YearTotals:
    """The city's people shot in the same period some years before."""

    begin: date
    end: date
    victims: int
    fatal: int


@dataclass(frozen=True)
class BurdenNumbers:
    begin: date
    end: date
    area_kind: str
    kind_label: str
    area_count: int
    residents: int
    victims: int  # in the whole city, placed in an area or not
    fatal: int
    rate: float | None  # the city's, per 100,000 residents of the areas
    previous_period: tuple[date, date]
    previous_victims: int | None  # None when the data do not reach back to it
    years: list[YearTotals]  # the years before that the data cover, the nearest first
    average_victims: float | None
    areas: list[AreaBurden]  # the most people shot first

    def as_dict(self) -> dict[str, Any]:
        return {
            "area_kind": self.area_kind,
            "victims": self.victims,
            "fatal": self.fatal,
            "residents": self.residents,
            "rate": rounded(self.rate),
            "previous_period": [d.isoformat() for d in self.previous_period],
            "previous_victims": self.previous_victims,
            "average_victims": rounded(self.average_victims),
            "years_in_average": len(self.years),
            "areas": {area.code: area.as_dict() for area in self.areas},
        }


def burden_numbers(begin: date, end: date, kind: str) -> BurdenNumbers:
    areas = areas_of_kind(kind)
    first_week = data_range().first_week
    city = city_totals_between(begin, end)
    prev_begin, prev_end = previous_period(begin, end)
    previous = (
        city_totals_between(prev_begin, prev_end) if covered(prev_begin, first_week) else None
    )
    prev_by_area: dict[str, int] = {}
    if previous is not None:
        prev_by_area = _victims_by_code(areas, prev_begin, prev_end)
    years, per_area_years = _years_before(areas, begin, end, first_week)
    residents = sum(int(a.population or 0) for a in areas)
    return BurdenNumbers(
        begin=begin,
        end=end,
        area_kind=kind,
        kind_label=dict(AreaKind.choices).get(kind, kind).lower(),
        area_count=len(areas),
        residents=residents,
        victims=city["victims"],
        fatal=city["fatal"],
        rate=city["victims"] / residents * 100_000 if residents else None,
        previous_period=(prev_begin, prev_end),
        previous_victims=previous["victims"] if previous is not None else None,
        years=years,
        average_victims=sum(y.victims for y in years) / len(years) if years else None,
        areas=_area_burdens(area_totals_between(areas, begin, end), prev_by_area, per_area_years),
    )


def _victims_by_code(areas: list[Area], begin: date, end: date) -> dict[str, int]:
    frame = area_totals_between(areas, begin, end)
    return dict(zip(frame["code"], frame["victims"].astype(int), strict=True))


def _years_before(
    areas: list[Area], begin: date, end: date, first_week: date | None
) -> tuple[list[YearTotals], list[dict[str, int]]]:
    """The city's totals, and each area's people shot, in the same period of each of the
    years before that the data cover."""
    years = []
    per_area_years: list[dict[str, int]] = []
    for years_back in range(1, YEARS_FOR_AVERAGE + 1):
        y_begin, y_end = same_period_years_before(begin, end, years_back)
        if not covered(y_begin, first_week):
            continue
        totals = city_totals_between(y_begin, y_end)
        years.append(YearTotals(y_begin, y_end, totals["victims"], totals["fatal"]))
        per_area_years.append(_victims_by_code(areas, y_begin, y_end))
    return years, per_area_years


def _area_burdens(
    now: pd.DataFrame, prev_by_area: dict[str, int], per_area_years: list[dict[str, int]]
) -> list[AreaBurden]:
    burdens = []
    for row in now.itertuples(index=False):
        area_average = (
            sum(year.get(row.code, 0) for year in per_area_years) / len(per_area_years)
            if per_area_years
            else None
        )
        burdens.append(
            AreaBurden(
                name=row.name,
                code=row.code,
                residents=None if pd.isna(row.population) else int(row.population),
                victims=int(row.victims),
                fatal=int(row.fatal),
                rate=rounded(row.rate),
                previous=prev_by_area.get(row.code),
                average=rounded(area_average),
            )
        )
    return burdens


# -- the wording -------------------------------------------------------------------------------


def burden_summary(numbers: BurdenNumbers) -> str:
    begin, end = numbers.begin, numbers.end
    sentences = [
        f"From {period_text(begin, end)}, {count_text(numbers.victims, 'person', 'people')} "
        f"were shot in the city, {numbers.fatal:,} of them fatally."
    ]
    if numbers.rate is not None:
        sentences.append(
            f"That is {numbers.rate:,.1f} people shot per 100,000 residents of the "
            f"{count_text(numbers.area_count, numbers.kind_label)} over the period."
        )
    if numbers.previous_victims:
        sentences.append(
            f"It is {change_text(numbers.victims, numbers.previous_victims)} the "
            f"{numbers.previous_victims:,} people shot in the previous period "
            f"({period_text(*numbers.previous_period)})."
        )
    average = numbers.average_victims
    if average is not None:
        sentences.append(
            f"The same period in the {count_text(len(numbers.years), 'year')} before saw "
            f"{average:,.1f} people shot on average"
            + (
                f"; this period had {change_text(numbers.victims, average)} that."
                if average
                else "."
            )
        )
    ranked = sorted(
        (area for area in numbers.areas if area.rate is not None and area.victims),
        key=lambda area: -(area.rate or 0),
    )[:3]
    if ranked:
        listed = "; ".join(
            f"{area.name} ({area.rate:,.1f} per 100,000, {area.victims:,} people shot)"
            for area in ranked
        )
        sentences.append(f"The highest rates were in {listed}.")
    return " ".join(sentences)


# -- the tables and charts ---------------------------------------------------------------------


def _trend_rows(numbers: BurdenNumbers) -> list[list[Any]]:
    """The city's people shot in the same period of each year, the oldest first."""
    return [
        [period_text(year.begin, year.end), year.victims, year.fatal]
        for year in reversed(numbers.years)
    ] + [[period_text(numbers.begin, numbers.end), numbers.victims, numbers.fatal]]


def burden_tables(numbers: BurdenNumbers) -> list[Table]:
    return [
        Table(
            caption=f"People shot by {numbers.kind_label}, "
            f"{period_text(numbers.begin, numbers.end)}",
            columns=[
                "Area",
                "Code",
                "Residents",
                "People shot",
                "Fatal",
                "Rate per 100,000",
                "Previous period",
                f"Average of the {len(numbers.years)} years before",
            ],
            rows=[
                [a.name, a.code, a.residents, a.victims, a.fatal, a.rate, a.previous, a.average]
                for a in numbers.areas
            ],
        ),
        Table(
            caption="People shot in the city in the same period of each year",
            columns=["Period", "People shot", "Fatal"],
            rows=_trend_rows(numbers),
        ),
    ]


def burden_charts(numbers: BurdenNumbers) -> list[FigureChart]:
    top = numbers.areas[:TOP_AREAS_IN_CHART]
    trend = _trend_rows(numbers)
    return [
        bar_chart(
            "burden-by-area",
            f"People shot by {numbers.kind_label}",
            f"Bar chart of people shot in the {min(len(top), TOP_AREAS_IN_CHART)} areas with "
            "the most, highest first. The table holds every area.",
            [f"{area.name} ({area.code})" for area in top],
            [area.victims for area in top],
            "People shot",
        ),
        bar_chart(
            "burden-trend",
            "The same period in each year",
            "Bar chart of people shot in the city in this period and the same period of "
            "the years before. The table holds the same figures.",
            [row[0] for row in trend],
            [row[1] for row in trend],
            "People shot",
        ),
    ]


def burden_figures(begin: date, end: date, kind: str) -> SectionFigures[BurdenNumbers]:
    numbers = burden_numbers(begin, end, kind)
    return SectionFigures(
        numbers=numbers,
        summary=burden_summary(numbers),
        notes=NOTES,
        tables=burden_tables(numbers),
        charts=burden_charts(numbers),
    )
