"""The public page's charts and tables, drawn from a year's release (`publication`): a
hidden count is written "hidden" in the tables and drawn as a gap, never as a number."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ovp.areas.maps import area_map
from ovp.areas.models import Area
from ovp.incidents.charts import PALETTE, Chart, bars, layout
from ovp.incidents.publication import MONTHS, PublicTable, PublicYear

HIDDEN = "hidden"

DESCRIPTIONS = {
    "outcome": "Bar chart of people killed, wounded, and with no outcome recorded.",
    "age": "Bar chart of people shot by age band.",
    "sex": "Bar chart of people shot by sex.",
    "race": "Bar chart of people shot by race or ethnicity.",
    "time": "Bar chart of people shot by time of day, in four-hour blocks.",
    "weekday": "Bar chart of people shot by day of the week.",
}


def public_charts(page: PublicYear, areas: list[Area]) -> list[Chart]:
    charts = [_months_chart(page)]
    for table in page.tables:
        if table.slug == "areas":
            charts.append(_areas_chart(table, areas))
        elif table.slug in DESCRIPTIONS:
            charts.append(_bar_chart(table))
    return charts


def _shown(cells: list[int | None]) -> list[int | str]:
    return [HIDDEN if cell is None else cell for cell in cells]


def _drawn(cells: list[int | None]) -> list[float | None]:
    return [None if cell is None else float(cell) for cell in cells]


def _months_chart(page: PublicYear) -> Chart:
    months = page.table("months")
    this = months.cells if months else []
    last = page.last_year_months
    table = pd.DataFrame(
        {
            "Month": MONTHS,
            str(page.year): [*_shown(this), *[""] * (12 - len(this))],
            str(page.year - 1): [*_shown(last), *[""] * (12 - len(last))],
        }
    )
    traces = [
        _bar_trace(MONTHS, _drawn(last), str(page.year - 1), PALETTE["last"]),
        _bar_trace(MONTHS, _drawn(this), str(page.year), PALETTE["this"]),
    ]
    marks = _hidden_marks(MONTHS, last, shift=-10) + _hidden_marks(MONTHS, this, shift=10)
    # months by their first three letters, and the legend above the bars: at a phone's
    # width full names were cut and the legend ran into the axis title
    axis = {"automargin": True, "tickvals": MONTHS, "ticktext": [m[:3] for m in MONTHS]}
    figure = {
        "data": traces,
        "layout": {**layout(), "xaxis": axis, "barmode": "group", "annotations": marks,
                   "legend": {"orientation": "h", "y": 1.12, "x": 0},
                   "margin": {**layout()["margin"], "t": 40}},
    }  # fmt: skip
    return Chart(
        "months",
        "People shot each month",
        f"Bar chart of people shot each month of {page.year} released so far, beside "
        f"{page.year - 1}.",
        figure,
        table,
    )


def _hidden_marks(x: list[str], cells: list[int | None], shift: int = 0) -> list[dict[str, Any]]:
    """A hidden count has no bar: the word "hidden" stands where it would be, so that it
    does not read as zero; and a zero says "0", so that it does not read as hidden."""
    return [
        {"x": label, "y": 0, "text": HIDDEN if cell is None else "0", "showarrow": False,
         "yanchor": "bottom", "textangle": -90 if cell is None else 0, "xshift": shift,
         "font": {"size": 11, "color": "#555"}}
        for label, cell in zip(x, cells, strict=False)
        if cell is None or cell == 0
    ]  # fmt: skip


def _bar_trace(x: list[str], y: list[float | None], name: str, colour: str) -> dict[str, Any]:
    return {"type": "bar", "x": x, "y": y, "name": name, "marker": {"color": colour}}


def _areas_chart(table: PublicTable, areas: list[Area]) -> Chart:
    """Shown areas by people shot, the most first; then the hidden ones by code, so that
    where they stand in the list says nothing of their counts."""
    rows = list(zip(table.codes, table.labels, table.cells, table.area_ids, strict=True))
    outside = [row for row in rows if row[3] is None]
    listed = [row for row in rows if row[3] is not None]
    shown = sorted((r for r in listed if r[2] is not None), key=lambda r: (-(r[2] or 0), r[0]))
    hidden = sorted((r for r in listed if r[2] is None), key=lambda r: r[0])
    ordered = [*shown, *hidden, *outside]
    frame = pd.DataFrame(
        {
            "Code": [r[0] for r in ordered],
            "Area": [r[1] for r in ordered],
            "People shot": _shown([r[2] for r in ordered]),
        }
    )
    counts = {r[3]: float(r[2]) for r in listed if r[2] is not None and r[3] is not None}
    figure = area_map(areas, counts, value_label="people shot")
    return Chart(
        "areas",
        table.title,
        "Map of the areas shaded by people shot; areas whose count is hidden are left plain. "
        "The table lists each area.",
        figure,
        frame,
    )


def _bar_chart(table: PublicTable) -> Chart:
    frame = pd.DataFrame({table.label: table.labels, "People shot": _shown(table.cells)})
    figure = {
        "data": [bars(table.labels, _drawn(table.cells))],
        "layout": {**layout(), "annotations": _hidden_marks(table.labels, table.cells)},
    }
    return Chart(table.slug, table.title, DESCRIPTIONS[table.slug], figure, frame)
