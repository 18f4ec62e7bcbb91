"""The public funding page (/public/funding/, no login): the year's awards by strategy and
area, each grantee and amount, against the benchmark (grants/selectors/public_funding.py)."""

import csv
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone

from grants.selectors.public_funding import PublicFunding, public_funding
from ovp.core.exports import spreadsheet_safe
from ovp.core.public_cache import YEAR, public_page


def _asked_year(request: HttpRequest) -> int | None:
    asked = request.GET.get("year", "")
    return int(asked) if asked.isdigit() and len(asked) == 4 else None


def _context(request: HttpRequest) -> tuple[PublicFunding, list[Any]]:
    from grants.charts import public_funding_charts  # pandas: loaded when a page needs it

    funding = public_funding(year=_asked_year(request), today=timezone.localdate())
    return funding, public_funding_charts(funding.by_strategy, funding.by_area, funding.year)


@public_page(params={"year": YEAR})
def overview(request: HttpRequest) -> HttpResponse:
    funding, charts = _context(request)
    return render(request, "grants/public_funding.html", {"funding": funding, "charts": charts})


@public_page(params={"year": YEAR})
def chart_csv(request: HttpRequest, chart: str) -> HttpResponse:
    funding, charts = _context(request)
    found = next((c for c in charts if c.slug == chart), None)
    if found is None:
        raise Http404("No such table.")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"ovp-public-funding-{chart}-{funding.year}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    writer.writerow([str(c) for c in found.table.columns])
    for row in found.table.itertuples(index=False):
        writer.writerow([spreadsheet_safe(value) for value in row])
    return response


routes: list[URLPattern] = [
    path("", overview, name="overview"),
    path("<slug:chart>.csv", chart_csv, name="csv"),
]
