"""Maps drawn from the area polygons themselves: no map tiles, nothing from another host."""

import json
import math
from collections.abc import Iterable, Mapping
from typing import Any

import plotly.graph_objects as go
import shapely
from plotly.colors import sample_colorscale

from ovp.areas.models import Area

COLORSCALE = "Reds"


def _outline(
    boundary: dict[str, Any], tolerance: float
) -> tuple[list[float | None], list[float | None]]:
    """Longitudes and latitudes of every ring, separated by None (plotly's gap marker)."""
    geometry = shapely.simplify(shapely.from_geojson(json.dumps(boundary)), tolerance)
    xs: list[float | None] = []
    ys: list[float | None] = []
    for polygon in shapely.get_parts(geometry):
        for ring in [polygon.exterior, *polygon.interiors]:
            coords = shapely.get_coordinates(ring)
            xs.extend([*coords[:, 0].round(5).tolist(), None])
            ys.extend([*coords[:, 1].round(5).tolist(), None])
    return xs, ys


def area_map(
    areas: Iterable[Area],
    values: Mapping[int, float] | None = None,
    *,
    value_label: str = "",
    number_format: str = ",.0f",
) -> go.Figure:
    """A choropleth-like figure: each area filled by its value (or plain when no values)."""
    areas = list(areas)
    figure = go.Figure()
    if not areas:
        return figure
    width = max(a.max_lon for a in areas) - min(a.min_lon for a in areas)
    tolerance = width / 800  # invisible at page width, a tenth of the points
    top = max((values or {}).values(), default=0) or 1
    for area in areas:
        value = (values or {}).get(area.pk)
        xs, ys = _outline(area.boundary, tolerance)
        colour = (
            sample_colorscale(COLORSCALE, [0.08 + 0.92 * (value / top)])[0]
            if value is not None and values
            else "rgb(222, 230, 240)"
        )
        text = area.name if value is None else f"{area.name}: {value:{number_format}} {value_label}"
        figure.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                fill="toself",
                fillcolor=colour,
                mode="lines",
                line={"color": "rgb(90, 90, 90)", "width": 0.6},
                hoverinfo="text",
                hoveron="fills",
                text=text,
                name=area.code,
                showlegend=False,
            )
        )
    mid_lat = (max(a.max_lat for a in areas) + min(a.min_lat for a in areas)) / 2
    figure.update_layout(
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        height=480,
        plot_bgcolor="white",
        xaxis={"visible": False},
        # a degree of longitude is shorter than a degree of latitude away from the equator
        yaxis={
            "visible": False,
            "scaleanchor": "x",
            "scaleratio": 1 / math.cos(math.radians(mid_lat)),
        },
    )
    return figure
