"""The strengths-and-gaps page and its CSV downloads."""

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone

from inventory.models import Strategy
from inventory.selectors import gaps as selectors
from ovp.accounts.permissions import office_required
from ovp.areas.models import AreaKind
from ovp.core.actions import AuthedRequest
from ovp.core.exports import csv_response
from ovp.core.jsonscript import script_json


@office_required
def gaps(request: AuthedRequest) -> HttpResponse:
    try:
        years = int(request.GET.get("years") or selectors.DEFAULT_YEARS)
    except ValueError:
        years = selectors.DEFAULT_YEARS
    analysis = selectors.gaps_analysis(
        kind=request.GET.get("kind"), years=years, on=timezone.localdate()
    )
    download = request.GET.get("download")
    stamp = f"{analysis.kind}-{analysis.years}y"
    if download == "gaps":
        return csv_response(
            f"ovp-gaps-{stamp}", selectors.GAPS_CSV_HEADER, selectors.gaps_csv_rows(analysis)
        )
    if download == "matrix":
        header, rows = selectors.matrix_csv(analysis)
        return csv_response(f"ovp-coverage-{stamp}", header, rows)
    labels = dict(Strategy.choices)
    high = set(analysis.high_burden)
    matrix = [
        {
            "code": row.code,
            "name": row.name,
            "victims": int(row.victims),
            "rate": None if row.rate != row.rate else row.rate,
            "high": row.area_id in high,
            "area_id": int(row.area_id),
            "cells": [
                _matrix_cell(s, analysis.cell(int(row.area_id), s)) for s in analysis.strategies
            ],
            "campaigns": analysis.campaigns.get(int(row.area_id), []),
        }
        for row in analysis.burden.itertuples(index=False)
    ]
    kind_labels = dict(AreaKind.choices)
    return render(
        request,
        "inventory/gaps.html",
        {
            "analysis": analysis,
            "matrix": matrix,
            "strategy_labels": [labels[s] for s in analysis.strategies],
            "kinds": [(k, kind_labels.get(k, k)) for k in analysis.kinds],
            "year_choices": selectors.YEAR_CHOICES,
            "map_json": script_json(selectors.gaps_map(analysis)),
            "covered_high": sum(analysis.covered(area_id) for area_id in analysis.high_burden),
        },
    )


def _matrix_cell(strategy: str, programs: list[selectors.Coverage]) -> dict[str, Any]:
    return {
        "strategy": strategy,
        "count": len(programs),
        # an evidence-based program found without effect here does not make the cell "EB"
        "evidence_based": any(p.evidence_based and not p.no_effect for p in programs),
        "names": "; ".join(p.program_name for p in programs),
    }


routes: list[URLPattern] = [path("gaps/", gaps, name="gaps")]
