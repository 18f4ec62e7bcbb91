from django.http import HttpResponse
from django.shortcuts import render

from ovp.accounts.permissions import office_required
from ovp.areas import selectors
from ovp.areas.maps import area_map
from ovp.areas.models import AreaKind
from ovp.core.actions import AuthedRequest
from ovp.core.jsonscript import script_json


@office_required
def area_list(request: AuthedRequest) -> HttpResponse:
    kinds_present = list(
        selectors.areas_for_list(None).values_list("kind", flat=True).distinct().order_by("kind")
    )
    kind = request.GET.get("kind") or (kinds_present[0] if kinds_present else None)
    if kind not in AreaKind.values:
        kind = None
    areas = list(selectors.areas_for_list(kind))
    populations = {a.pk: float(a.population) for a in areas if a.population is not None}
    figure = area_map(areas, populations or None, value_label="residents")
    return render(
        request,
        "areas/area_list.html",
        {
            "areas": areas,
            "kind": kind,
            "kinds": [(value, AreaKind(value).label) for value in kinds_present],
            "figure_json": script_json(figure) if areas else None,
            "total_population": sum(a.population or 0 for a in areas),
        },
    )
