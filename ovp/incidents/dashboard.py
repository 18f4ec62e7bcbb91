"""The violence dashboard's contents for a scope: figures, charts and their tables, cached
under a key the nightly aggregation changes."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
from django.core.cache import cache

from ovp.areas.models import Area
from ovp.incidents import charts, selectors
from ovp.incidents.charts import PALETTE, Chart, bars, layout, values
from ovp.incidents.selectors import DataRange, Scope, YearToDate, aggregates_version


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
