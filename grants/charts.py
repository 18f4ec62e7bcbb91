"""The performance page's charts: plotly figures as plain dicts, each with its table."""

from typing import Any

import pandas as pd

from grants.selectors.performance import AwardPerformance
from ovp.incidents.charts import LAYOUT, PALETTE, Chart


def _number(value: Any, places: int = 0) -> float | None:
    return None if value is None else round(float(value), places)


def target_chart(rows: list[AwardPerformance]) -> Chart:
    """Each award's latest quarter: its lowest % of target, beside the 75% line the flags use."""
    latest = [(p, p.latest) for p in rows if p.latest and p.latest.percent_of_target is not None]
    table = pd.DataFrame(
        {
            "Award": [p.award.title for p, _ in latest],
            "Quarter": [q.quarter_label for _, q in latest if q],
            "% of target": [_number(q.percent_of_target) for _, q in latest if q],
            "Money spent to date (%)": [_number((q.burn_rate or 0) * 100) for _, q in latest if q],
        }
    )
    figure = {
        "data": [
            {"type": "bar", "orientation": "h", "y": table["Award"].tolist(),
             "x": table["% of target"].tolist(), "name": "Lowest % of target (latest quarter)",
             "marker": {"color": PALETTE["bar"]}},
            {"type": "bar", "orientation": "h", "y": table["Award"].tolist(),
             "x": table["Money spent to date (%)"].tolist(), "name": "Money spent to date (%)",
             "marker": {"color": PALETTE["last"]}},
        ],
        "layout": {
            **LAYOUT,
            "barmode": "group",
            "xaxis": {"title": {"text": "Percent"}, "rangemode": "tozero"},
            "yaxis": {"automargin": True, "autorange": "reversed"},
            "shapes": [{"type": "line", "x0": 75, "x1": 75, "yref": "paper", "y0": 0, "y1": 1,
                        "line": {"dash": "dot", "color": "#b02a37"}}],
        },
    }  # fmt: skip
    return Chart(
        "targets",
        "Awards against their targets",
        "Bar chart of each award's latest quarter: the lowest percent of target of its metrics, "
        "and the percent of its money spent to date; a dotted line marks 75%.",
        figure,
        table,
    )


def _wrapped(label: str, width: int = 18) -> str:
    """A long category name over lines, so the bars keep their width on a phone."""
    import textwrap

    return "<br>".join(textwrap.wrap(label, width)) or label


def _money_bars(slug: str, title: str, label: str, rows: list[tuple[str, Any]]) -> Chart:
    """A horizontal bar of dollars for each row (the largest at the top), with its table."""
    table = pd.DataFrame({label: [name for name, _ in rows], "Dollars": [int(v) for _, v in rows]})
    figure = {
        "data": [
            {"type": "bar", "orientation": "h", "y": [_wrapped(name) for name in table[label]],
             "x": table["Dollars"].tolist(), "name": "Dollars",
             "marker": {"color": PALETTE["bar"]},
             "hovertemplate": "%{y}: $%{x:,.0f}<extra></extra>"},
        ],
        "layout": {
            **LAYOUT,
            "height": max(220, 40 + 28 * len(rows)),
            "margin": {"l": 10, "r": 10, "t": 10, "b": 40},
            "xaxis": {"title": {"text": "Dollars"}, "rangemode": "tozero", "tickprefix": "$",
                      "tickformat": "~s"},
            "yaxis": {"automargin": True, "autorange": "reversed"},
            "showlegend": False,
        },
    }  # fmt: skip
    return Chart(
        slug,
        title,
        f"Bar chart of the year's award money by {label.lower()}; the table below holds the "
        "same figures.",
        figure,
        table,
    )


def public_funding_charts(
    by_strategy: list[tuple[str, Any]], by_area: list[tuple[str, Any]], year: int
) -> list[Chart]:
    """The public funding page's two charts: the year's award money by strategy and by area."""
    return [
        _money_bars("strategies", f"Awards in {year} by strategy", "Strategy", by_strategy),
        _money_bars("areas", f"Awards in {year} by area", "Area", by_area),
    ]
