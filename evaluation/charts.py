"""The charts of a run: the event study and observed against counterfactual, each a plotly
figure (plain dicts, as `ovp.incidents.charts` builds them) with the table beside it."""

from typing import Any

import pandas as pd

from ovp.incidents.charts import LAYOUT, PALETTE, Chart


def _number(value: Any) -> float | None:
    return None if value is None else round(float(value), 3)


# the start (between period -1 and period 0) and no difference
_START_LINE = {
    "type": "line",
    "xref": "x",
    "yref": "paper",
    "x0": -0.5,
    "x1": -0.5,
    "y0": 0,
    "y1": 1,
    "line": {"color": "#666", "dash": "dot"},
}
_ZERO_LINE = {
    "type": "line",
    "xref": "paper",
    "yref": "y",
    "x0": 0,
    "x1": 1,
    "y0": 0,
    "y1": 0,
    "line": {"color": "#999"},
}


def _estimates_with_intervals(table: pd.DataFrame) -> dict[str, Any]:
    """The event study's estimates as markers, their 95% intervals as error bars."""
    x = table["Periods from the start"].tolist()
    estimates = table["Estimate"].tolist()
    upper = [
        (h - e) if h is not None and e is not None else None
        for e, h in zip(estimates, table["95% CI high"], strict=True)
    ]
    lower = [
        (e - lo) if lo is not None and e is not None else None
        for e, lo in zip(estimates, table["95% CI low"], strict=True)
    ]
    return {
        "type": "scatter",
        "mode": "markers",
        "x": x,
        "y": estimates,
        "name": "Estimate with 95% CI",
        "marker": {"color": PALETTE["bar"], "size": 8},
        "error_y": {"type": "data", "symmetric": False, "array": upper, "arrayminus": lower},
    }


def event_study_chart(results: dict[str, Any], outcome_label: str) -> Chart | None:
    rows = results.get("event_study") or []
    if not rows:
        return None
    table = pd.DataFrame(
        {
            "Periods from the start": [row["event_time"] for row in rows],
            "Estimate": [_number(row["estimate"]) for row in rows],
            "95% CI low": [_number(row.get("ci_low")) for row in rows],
            "95% CI high": [_number(row.get("ci_high")) for row in rows],
        }
    )
    figure = {
        "data": [_estimates_with_intervals(table)],
        "layout": {
            **LAYOUT,
            "xaxis": {"title": {"text": "Periods from the start (0 = first period served)"}},
            "yaxis": {"title": {"text": f"Difference in {outcome_label}"}, "zeroline": True},
            "shapes": [_START_LINE, _ZERO_LINE],
        },
    }
    reference = (
        "period -1 is the reference"
        if any(row.get("reference") for row in rows)
        else "before the start, each period is compared with the one before it"
    )
    return Chart(
        "event-study",
        "Event study",
        "Estimated difference between served and comparison areas in each period before and "
        f"after the start, with 95% confidence intervals; {reference}. "
        "The table below holds the same figures.",
        figure,
        table,
    )


def observed_chart(results: dict[str, Any], outcome_label: str) -> Chart | None:
    rows = results.get("observed") or []
    if not rows:
        return None
    table = pd.DataFrame(
        {
            "Period": [row["period"] for row in rows],
            "Observed (served areas)": [_number(row.get("observed")) for row in rows],
            "Counterfactual": [_number(row.get("counterfactual")) for row in rows],
        }
    )
    if any("comparison" in row for row in rows):
        table["Comparison areas"] = [_number(row.get("comparison")) for row in rows]
    periods = table["Period"].tolist()
    start = next((row["period"] for row in rows if row.get("after_start")), None)
    traces = [
        {
            "type": "scatter",
            "mode": "lines",
            "x": periods,
            "y": table["Observed (served areas)"].tolist(),
            "name": "Observed",
            "line": {"color": PALETTE["this"], "width": 3},
        },
        {
            "type": "scatter",
            "mode": "lines",
            "x": periods,
            "y": table["Counterfactual"].tolist(),
            "name": "Counterfactual (without the program)",
            "line": {"color": PALETTE["last"], "dash": "dash"},
        },
    ]
    if "Comparison areas" in table:
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": periods,
                "y": table["Comparison areas"].tolist(),
                "name": "Comparison areas",
                "line": {"color": PALETTE["average"]},
            }
        )
    shapes = []
    if start is not None:
        shapes.append(
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": start,
                "x1": start,
                "y0": 0,
                "y1": 1,
                "line": {"color": "#666", "dash": "dot"},
            }
        )
    figure = {
        "data": traces,
        "layout": {
            **LAYOUT,
            "xaxis": {"automargin": True},
            "yaxis": {"title": {"text": outcome_label.capitalize()}, "rangemode": "tozero"},
            "shapes": shapes,
        },
    }
    return Chart(
        "observed",
        "Observed and counterfactual",
        f"Line chart of {outcome_label} per period in the served areas, observed and as "
        "estimated without the program; a dotted line marks the start. The table below holds "
        "the same figures.",
        figure,
        table,
    )


def run_charts(results: dict[str, Any], outcome_label: str) -> list[Chart]:
    charts = [event_study_chart(results, outcome_label), observed_chart(results, outcome_label)]
    return [chart for chart in charts if chart is not None]
