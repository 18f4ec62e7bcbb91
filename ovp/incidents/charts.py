"""Dashboard charts: each is a plotly figure plus the table a screen reader (and a CSV) gets.

Built from the selectors' small frames, never from raw rows. Figures are plain plotly JSON
(dicts), serialised once when the chart is made: the page only pastes the string in."""

import numbers
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ovp.areas.maps import area_map
from ovp.areas.models import Area
from ovp.core.jsonscript import script_json
from ovp.incidents.models import AgeBand, Race, Sex
from ovp.incidents.selectors import YEARS_FOR_AVERAGE, Scope

PALETTE = {"this": "#b2182b", "last": "#4d4d4d", "average": "#9ecae1", "bar": "#2166ac"}
PALETTE_BAR = PALETTE["bar"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
LAYOUT = {
    "margin": {"l": 50, "r": 10, "t": 10, "b": 40},
    "height": 320,
    "plot_bgcolor": "white",
    "font": {"family": "system-ui, sans-serif", "size": 13},
    "legend": {"orientation": "h", "y": -0.2},
}


@dataclass
class Chart:
    slug: str
    title: str
    description: str  # what the chart shows, for screen readers
    figure: dict[str, Any]
    table: pd.DataFrame  # the same numbers, with readable column names
    figure_json: str = field(init=False)
    rows: list[list[str]] = field(init=False)  # the table as text, ready for the template

    def __post_init__(self) -> None:
        self.figure_json = script_json(self.figure)
        self.rows = [[_cell(value) for value in row] for row in self.table.itertuples(index=False)]


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, numbers.Real) and value != value):
        return ""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return f"{value:,}"
    if isinstance(value, numbers.Real):
        return f"{value:,.1f}"
    return str(value)


def values(column: pd.Series) -> list[Any]:
    """A column for a figure: plain numbers, None where empty."""
    numbers = pd.to_numeric(column, errors="coerce").astype(float)
    return [None if pd.isna(v) else v for v in numbers.tolist()]


def line(x: list[Any], y: list[Any], name: str, **style: Any) -> dict[str, Any]:
    return {"type": "scatter", "mode": "lines", "x": x, "y": y, "name": name, "line": style}


def bars(x: list[Any], y: list[Any], colours: Any = PALETTE_BAR) -> dict[str, Any]:
    return {"type": "bar", "x": x, "y": y, "marker": {"color": colours}, "name": "People shot"}


def layout(**axes_titles: str) -> dict[str, Any]:
    result: dict[str, Any] = {**LAYOUT}
    result["xaxis"] = {"automargin": True, "tickangle": -30}
    if "x" in axes_titles:
        result["xaxis"] = {"title": {"text": axes_titles["x"]}, "automargin": True}
    result["yaxis"] = {
        "title": {"text": axes_titles.get("y", "People shot")},
        "rangemode": "tozero",
    }
    return result


def weekly_trend(weekly: pd.DataFrame, scope: Scope, covered: list[int]) -> Chart:
    """This year's weeks, last year's, and the average of the years before the data covers
    in full (the same years as the year-to-date comparison)."""
    this = weekly[weekly["year"] == scope.year].groupby("week")["victims"].sum()
    last = weekly[weekly["year"] == scope.year - 1].groupby("week")["victims"].sum()
    earlier = weekly[weekly["year"].isin(covered)]
    average = earlier.groupby("week")["victims"].sum() / max(len(covered), 1)
    weeks = list(range(1, 54))
    table = pd.DataFrame(
        {
            "Week of the year": weeks,
            f"{scope.year}": [int(this.get(w, 0)) for w in weeks],
            f"{scope.year - 1}": [int(last.get(w, 0)) for w in weeks],
            f"Average of {YEARS_FOR_AVERAGE} years before": [
                round(float(average.get(w, 0)), 1) for w in weeks
            ],
        }
    )
    through = (scope.through_week.timetuple().tm_yday - 1) // 7 + 1
    table.loc[table["Week of the year"] > through, f"{scope.year}"] = None
    figure = weekly_figure(table)
    return Chart(
        "weekly",
        "People shot each week",
        f"Line chart of people shot each week of {scope.year}, "
        f"with {scope.year - 1} and the average of the years before.",
        figure,
        table,
    )


def weekly_figure(table: pd.DataFrame) -> dict[str, Any]:
    """Lines of the year, the year before and the average (columns 2, 3 and 4 of the table)."""
    weeks = table.iloc[:, 0].tolist()
    styles: list[dict[str, Any]] = [
        {"color": PALETTE["this"], "width": 3},
        {"color": PALETTE["last"], "dash": "dot"},
        {"color": PALETTE["average"], "width": 3},
    ]
    traces = [
        line(weeks, values(table[column]), str(column), **style)
        for column, style in zip(table.columns[1:], styles, strict=False)
    ]
    return {"data": traces[::-1], "layout": layout(x="Week of the year")}


def area_chart(areas: list[Area], totals: pd.DataFrame, scope: Scope) -> Chart:
    rates = {row.area_id: row.rate for row in totals.itertuples() if pd.notna(row.rate)}
    by_victims = {row.area_id: float(row.victims) for row in totals.itertuples()}
    values = rates or by_victims
    figure = area_map(
        areas,
        values,
        value_label="per 100,000" if rates else "people shot",
        number_format=",.1f",
        highlight=scope.area.pk if scope.area else None,
    )
    table = totals.rename(
        columns={
            "code": "Code",
            "name": "Area",
            "population": "Residents",
            "victims": "People shot",
            "fatal": "Killed",
            "rate": "Per 100,000 residents",
            "share": "Share of the city",
        }
    )[
        [
            "Code",
            "Area",
            "Residents",
            "People shot",
            "Killed",
            "Per 100,000 residents",
            "Share of the city",
        ]
    ]
    table["Per 100,000 residents"] = table["Per 100,000 residents"].round(1)
    table["Share of the city"] = (table["Share of the city"] * 100).round(1)
    return Chart(
        "areas",
        "People shot by area, per 100,000 residents",
        "Map of the areas shaded by people shot per 100,000 residents; the table lists each area.",
        figure,
        table,
    )


def _bar(
    slug: str, title: str, frame: pd.DataFrame, order: list[tuple[str, str]], description: str
) -> Chart:
    counts = dict(zip(frame["value"], frame["victims"], strict=True)) if len(frame) else {}
    labels = [label for value, label in order]
    table = pd.DataFrame(
        {title: labels, "People shot": [int(counts.get(value, 0)) for value, _ in order]}
    )
    figure = {"data": [bars(labels, values(table["People shot"]))], "layout": layout()}
    return Chart(slug, title, description, figure, table)


def breakdown_charts(breakdowns: pd.DataFrame) -> list[Chart]:
    def part(dimension: str) -> pd.DataFrame:
        return breakdowns[breakdowns["dimension"] == dimension] if len(breakdowns) else breakdowns

    hours = [(str(h), f"{h:02d}:00") for h in range(24)] + [("unknown", "Not recorded")]
    weekdays = [(str(i + 1), name) for i, name in enumerate(WEEKDAYS)]
    return [
        _bar(
            "age",
            "Age band",
            part("age"),
            list(AgeBand.choices),
            "Bar chart of people shot by age band.",
        ),
        _bar("sex", "Sex", part("sex"), list(Sex.choices), "Bar chart of people shot by sex."),
        _bar(
            "race",
            "Race/ethnicity",
            part("race"),
            list(Race.choices),
            "Bar chart of people shot by race or ethnicity.",
        ),
        _bar(
            "hour",
            "Time of day",
            part("hour"),
            hours,
            "Bar chart of people shot by hour of the day.",
        ),
        _bar(
            "weekday",
            "Day of week",
            part("weekday"),
            weekdays,
            "Bar chart of people shot by day of the week.",
        ),
    ]
