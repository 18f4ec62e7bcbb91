"""Maps drawn from the area polygons themselves: no map tiles, nothing from another host.

Figures are plain plotly JSON (dicts), built without plotly's graph objects, whose checks of
every property cost more than the whole page for a city of a few hundred areas.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from typing import Any

from ovp.areas.models import Area

COLORSCALE = "Reds"
EMPTY_FILL = "rgb(222, 230, 240)"
_outlines: dict[tuple[int, str, float], tuple[list[float | None], list[float | None]]] = {}


def _outline(area: Area, tolerance: float) -> tuple[list[float | None], list[float | None]]:
    """Longitudes and latitudes of every ring, separated by None (plotly's gap marker);
    kept per process until the area changes."""
    import shapely

    key = (area.pk, area.updated_at.isoformat() if area.updated_at else "", tolerance)
    if key not in _outlines:
        geometry = shapely.simplify(shapely.from_geojson(json.dumps(area.boundary)), tolerance)
        xs: list[float | None] = []
        ys: list[float | None] = []
        for polygon in shapely.get_parts(geometry):
            for ring in [polygon.exterior, *polygon.interiors]:
                coords = shapely.get_coordinates(ring)
                xs.extend([*coords[:, 0].round(5).tolist(), None])
                ys.extend([*coords[:, 1].round(5).tolist(), None])
        _outlines[key] = (xs, ys)
    return _outlines[key]


def shades_at(position: float) -> str:
    from plotly.colors import sample_colorscale

    return str(sample_colorscale(COLORSCALE, [min(max(position, 0.0), 1.0)])[0])


def area_map(
    areas: Iterable[Area],
    values: Mapping[int, float] | None = None,
    *,
    value_label: str = "",
    number_format: str = ",.0f",
    highlight: int | None = None,
) -> dict[str, Any]:
    """A choropleth-like figure: each area filled by its value (plain when it has none),
    with a colour scale when there are values; `highlight` outlines one area."""
    from plotly.colors import sample_colorscale

    areas = list(areas)
    if not areas:
        return {"data": [], "layout": {}}
    width = max(a.max_lon for a in areas) - min(a.min_lon for a in areas)
    tolerance = round(width / 800, 7)  # invisible at page width, a tenth of the points
    values = values or {}
    top = max(values.values(), default=0) or 1
    shades = sample_colorscale(
        COLORSCALE, [min(0.08 + 0.92 * (v / top), 1.0) for v in values.values()]
    )
    colour = dict(zip(values.keys(), shades, strict=True))
    traces = []
    for area in areas:
        value = values.get(area.pk)
        text = area.name if value is None else f"{area.name}: {value:{number_format}} {value_label}"
        traces.append(
            _area_trace(
                area,
                _outline(area, tolerance),
                text=text,
                fill=colour.get(area.pk, EMPTY_FILL),
                highlighted=area.pk == highlight,
            )
        )
    if values:
        traces.append(_colour_scale_trace(top, value_label))
    return {"data": traces, "layout": _layout(areas)}


def _area_trace(
    area: Area,
    outline: tuple[list[float | None], list[float | None]],
    *,
    text: str,
    fill: str,
    highlighted: bool,
) -> dict[str, Any]:
    """One area's outline, filled, with its name (and value) on hover."""
    xs, ys = outline
    return {
        "type": "scatter",
        "x": xs,
        "y": ys,
        "fill": "toself",
        "fillcolor": fill,
        "mode": "lines",
        "line": (
            {"color": "rgb(0, 0, 0)", "width": 3}
            if highlighted
            else {"color": "rgb(90, 90, 90)", "width": 0.6}
        ),
        "hoverinfo": "text",
        "hoveron": "fills",
        "text": text,
        "name": area.code,
        "showlegend": False,
    }


def _colour_scale_trace(top: float, value_label: str) -> dict[str, Any]:
    """An invisible point that carries the colour scale, so the map has its legend."""
    return {
        "type": "scatter",
        "x": [None],
        "y": [None],
        "mode": "markers",
        "hoverinfo": "skip",
        "showlegend": False,
        "marker": {
            "colorscale": [[step / 10, shades_at(0.08 + 0.92 * step / 10)] for step in range(11)],
            "cmin": 0,
            "cmax": top,
            "color": [0],
            "showscale": True,
            "colorbar": {"title": {"text": value_label}, "thickness": 14},
        },
    }


def _layout(areas: list[Area]) -> dict[str, Any]:
    mid_lat = (max(a.max_lat for a in areas) + min(a.min_lat for a in areas)) / 2
    return {
        "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
        "height": 480,
        "plot_bgcolor": "white",
        "xaxis": {"visible": False},
        # a degree of longitude is shorter than a degree of latitude away from the equator
        "yaxis": {
            "visible": False,
            "scaleanchor": "x",
            "scaleratio": 1 / math.cos(math.radians(mid_lat)),
        },
    }
