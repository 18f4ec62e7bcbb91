"""The violence dashboard's contents for a scope: figures, charts and their tables, cached
under a key the nightly aggregation changes."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
from django.conf import settings
from django.core.cache import cache

from ovp.areas.maps import area_map
from ovp.areas.models import Area
from ovp.incidents import charts, selectors
from ovp.incidents.charts import PALETTE, Chart, bars, layout, values, weekly_figure
from ovp.incidents.selectors import DataRange, Scope, YearToDate, aggregates_version
from ovp.incidents.suppression import suppress, suppress_total


@dataclass
class Dashboard:
    scope: Scope
    ytd: YearToDate
    not_placed: int
    charts: list[Chart]
    top_share: dict[str, Any]


def _fatal_chart(ytd: YearToDate) -> Chart:
    unknown = ytd.victims - ytd.fatal - ytd.nonfatal
    table = pd.DataFrame(
        {
            "Outcome": ["Killed", "Wounded", "Not recorded"],
            "People shot": [ytd.fatal, ytd.nonfatal, unknown],
        }
    )
    colours = [PALETTE["this"], PALETTE["bar"], "#bbbbbb"]
    figure = {
        "data": [bars(table["Outcome"].tolist(), values(table["People shot"]), colours)],
        "layout": layout(),
    }
    return Chart(
        "fatal",
        "Killed and wounded",
        "Bar chart of people killed, wounded, and with no outcome recorded.",
        figure,
        table,
    )


def _top_share(totals: pd.DataFrame) -> dict[str, Any]:
    """How concentrated the violence is: the share of the top tenth of areas."""
    if totals.empty or totals["victims"].sum() == 0:
        return {}
    top = max(1, round(len(totals) / 10))
    share = totals["victims"].head(top).sum() / totals["victims"].sum()
    return {"areas": top, "of": len(totals), "share": share}


def build(scope: Scope, data: DataRange) -> Dashboard:
    weekly, parts = selectors.weeks_and_parts(scope)
    ytd = selectors.year_to_date(parts, scope, data.first_week)
    areas = list(Area.objects.of_kind(scope.area_kind).order_by("code"))
    totals = selectors.area_totals(scope, areas)
    chart_list = [
        charts.weekly_trend(weekly, scope, selectors.covered_years(scope, data.first_week)),
        charts.area_chart(areas, totals, scope),
        _fatal_chart(ytd),
        *charts.breakdown_charts(selectors.breakdowns(scope)),
    ]
    return Dashboard(
        scope=scope,
        ytd=ytd,
        not_placed=selectors.not_placed(scope),
        charts=chart_list,
        top_share=_top_share(totals),
    )


def scope_for(params: Mapping[str, Any]) -> tuple[DataRange, list[str], Scope | None]:
    """The data there is, the kinds of area, and the scope a page's parameters ask for."""
    data = selectors.data_range()
    kinds = selectors.area_kinds()
    return data, kinds, selectors.scope_from(params, data, kinds)


def _cache_key(prefix: str, scope: Scope) -> str:
    parts = [prefix, str(aggregates_version()), str(scope.year), scope.area_kind]
    parts += [scope.area.code if scope.area else "", scope.through_week.isoformat()]
    return ":".join(parts)


def cached(scope: Scope, data: DataRange) -> Dashboard:
    key = _cache_key("dashboard", scope)
    dashboard = cache.get(key)
    if dashboard is None:
        dashboard = build(scope, data)
        cache.set(key, dashboard, 60 * 60 * 24)
    return dashboard


def _public_figure(chart: Chart, table: pd.DataFrame, areas: list[Area]) -> dict[str, Any]:
    """Redraw a chart from its suppressed table, so no hidden number reaches the page."""
    if chart.slug == "weekly":
        return weekly_figure(table)
    if chart.slug == "areas":
        shown = pd.to_numeric(table["People shot"], errors="coerce")
        counts = {
            int(area_id): float(count)
            for area_id, count in zip(table["area_id"], shown, strict=True)
            # the row of people shot outside every area has no area to colour
            if pd.notna(count) and pd.notna(area_id)
        }
        return area_map(areas, counts, value_label="people shot")
    return {
        "data": [bars(table.iloc[:, 0].tolist(), values(table["People shot"]))],
        "layout": layout(),
    }


def public(dashboard: Dashboard, areas: list) -> tuple[Dashboard, dict[str, int | None]]:
    """The same citywide figures with small counts suppressed (OVP_SUPPRESSION_THRESHOLD):
    tables and charts are rebuilt from the suppressed numbers."""
    threshold = settings.OVP_SUPPRESSION_THRESHOLD
    hidden = f"fewer than {threshold}"
    public_charts = []
    for chart in dashboard.charts:
        table = chart.table.copy()
        if chart.slug == "areas":
            table = table.drop(columns=["Per 100,000 residents", "Share of the city"])
            table.insert(0, "area_id", table["Code"].map({a.code: a.pk for a in areas}))
        if chart.slug == "weekly":
            # an average of few years is close to a year's own counts: not published
            table = table.iloc[:, :3]
        count_columns = [
            c for c in table.columns if c in ("People shot", "Killed") or str(c).isdigit()
        ]
        for column in count_columns:
            recorded = table[column].notna().tolist()
            counts = [int(v) if pd.notna(v) else 0 for v in table[column]]
            shown = [hidden if s is None else s for s in suppress(counts, threshold)]
            # weeks still to come stay empty, not "0"
            table[column] = [s if r else None for s, r in zip(shown, recorded, strict=True)]
        figure = _public_figure(chart, table, areas)
        if "area_id" in table.columns:
            table = table.drop(columns=["area_id"])
        public_charts.append(Chart(chart.slug, chart.title, chart.description, figure, table))
    ytd = dashboard.ytd
    # the killed figure is the outcome table's own, hidden where that table hides it
    outcomes = next(c.table for c in public_charts if c.slug == "fatal")
    killed = outcomes.loc[outcomes["Outcome"] == "Killed", "People shot"].iloc[0]
    figures = {
        "victims": suppress_total(ytd.victims, threshold),
        "fatal": None if killed == hidden else int(killed),
        "incidents": suppress_total(ytd.incidents, threshold),
    }
    return (
        Dashboard(
            scope=dashboard.scope,
            ytd=ytd,
            not_placed=0,
            charts=public_charts,
            top_share=dashboard.top_share,
        ),
        figures,
    )


def public_cached(scope: Scope, data: DataRange) -> tuple[Dashboard, dict[str, int | None]]:
    """The public version of a scope's dashboard, made once per aggregation."""
    key = _cache_key("public", scope)
    result = cache.get(key)
    if result is None:
        areas = list(Area.objects.of_kind(scope.area_kind).order_by("code"))
        result = public(cached(scope, data), areas)
        cache.set(key, result, 60 * 60 * 24)
    return result


def citywide_now() -> Dashboard | None:
    """The city's dashboard for the latest year, for the office's home page (cached)."""
    data, _, scope = scope_for({})
    return cached(scope, data) if scope else None
