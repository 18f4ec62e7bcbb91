"""Reads of the office's own campaigns: those under way in a period or an area (for the
gaps page), and what a campaign's list and page show."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce, TruncMonth

from inventory.models import Campaign, CampaignSpending, OutputKind
from ovp.areas.maps import area_map
from ovp.areas.models import Area

CAMPAIGN_FILL = "rgb(49, 130, 189)"


@dataclass(frozen=True)
class CampaignCoverage:
    """An office campaign in an area (or the whole city), as the gaps page lists it."""

    name: str
    uuid: str
    kind: str  # its label
    dates: str


def _campaign_coverage(campaign: Campaign) -> CampaignCoverage:
    return CampaignCoverage(
        campaign.name, str(campaign.uuid), campaign.get_kind_display(), campaign.dates_text
    )


def campaigns_around(
    kind: str, begin: date, on: date
) -> tuple[list[Campaign], dict[int, list[CampaignCoverage]], list[CampaignCoverage]]:
    """The office's campaigns under way at some time from `begin` to `on` (the latest start
    first); of those under way on `on`, the ones listing areas of a kind (area id ->
    campaigns) and the ones of the whole city. Two queries."""
    period = campaigns_in_period(begin, on)
    running = {c.pk: c for c in sorted(period, key=lambda c: c.name) if c.holds(on)}
    by_area: dict[int, list[CampaignCoverage]] = defaultdict(list)
    links = Campaign.areas.through.objects.filter(
        campaign_id__in=list(running), area__kind=kind
    ).values_list("area_id", "campaign_id")
    for area_id, campaign_id in sorted(links, key=lambda link: running[link[1]].name):
        by_area[area_id].append(_campaign_coverage(running[campaign_id]))
    citywide = [_campaign_coverage(c) for c in running.values() if c.covers_whole_city]
    return period, dict(by_area), citywide


def campaigns_in_period(begin: date, end: date) -> list[Campaign]:
    """Every campaign under way at some time from `begin` to `end`, the latest start first."""
    return list(
        Campaign.objects.overlapping(begin, end)
        .annotate(area_count=Count("areas"))
        .order_by("-started_on", "name")
    )


def campaign_list_rows(campaigns: Any) -> Any:
    """Campaigns with what the list shows: areas listed and money spent (no query per row)."""
    spent = (
        CampaignSpending.objects.filter(campaign=OuterRef("pk"))
        .values("campaign")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return campaigns.annotate(
        area_count=Count("areas", distinct=True),
        spent=Coalesce(Subquery(spent), Decimal(0), output_field=DecimalField()),
    )


@dataclass(frozen=True)
class OutputTotal:
    kind: str
    label: str
    total: int


def campaign_output_totals(campaign: Campaign) -> list[OutputTotal]:
    """The campaign's outputs added up by kind, in the kinds' own order."""
    sums = dict(
        campaign.outputs.values("kind").annotate(total=Sum("quantity")).values_list("kind", "total")
    )
    return [
        OutputTotal(kind, str(label), int(sums[kind]))
        for kind, label in OutputKind.choices
        if kind in sums
    ]


def campaign_spent(campaign: Campaign) -> Decimal:
    return campaign.spending.aggregate(total=Sum("amount"))["total"] or Decimal(0)


def campaign_outputs_chart(campaign: Campaign) -> dict[str, Any] | None:
    """Outputs over time: one bar per month and kind (None before any output is logged)."""
    rows = list(
        campaign.outputs.annotate(month=TruncMonth("on"))
        .values("month", "kind")
        .annotate(total=Sum("quantity"))
        .order_by("month", "kind")
    )
    if not rows:
        return None
    labels = dict(OutputKind.choices)
    months = sorted({row["month"] for row in rows})
    traces = []
    for kind in OutputKind.values:
        totals = {row["month"]: row["total"] for row in rows if row["kind"] == kind}
        if not totals:
            continue
        traces.append(
            {
                "type": "bar",
                "name": str(labels[kind]),
                "x": [f"{month:%b %Y}" for month in months],
                "y": [int(totals.get(month, 0)) for month in months],
            }
        )
    return {
        "data": traces,
        "layout": {
            "barmode": "group",
            "height": 300,
            "margin": {"l": 50, "r": 10, "t": 10, "b": 40},
            "legend": {"orientation": "h", "y": -0.2},
            "yaxis": {"title": {"text": "Count"}, "rangemode": "tozero"},
        },
    }


def campaign_map(campaign: Campaign, areas: list[Area]) -> dict[str, Any] | None:
    """The campaign's areas filled on a map of every area of their kind (None for a
    whole-city campaign or one without areas)."""
    if campaign.covers_whole_city or not areas:
        return None
    covered = {area.pk for area in areas}
    everything = list(Area.objects.of_kind(areas[0].kind).order_by("code"))
    figure = area_map(everything)
    by_code = {area.code: area for area in everything}
    for trace in figure["data"]:
        area = by_code.get(trace.get("name", ""))
        if area is not None and area.pk in covered:
            trace["fillcolor"] = CAMPAIGN_FILL
            trace["text"] = f"{area.name}: covered by the campaign"
    return figure
