"""The public program directory (/public/programs/, namespace public_programs): no login."""

from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone

from inventory.forms import public_programs as inventory_forms
from inventory.selectors import public_programs as selectors
from ovp.areas.selectors import is_area_code
from ovp.core.jsonscript import script_json
from ovp.core.origin import same_site_posts
from ovp.core.public_cache import public_page


@public_page(params={"area": is_area_code, "located": "1"})
@same_site_posts
def public_program_list(request: HttpRequest) -> HttpResponse:
    """Opted-in programs, those working in the visitor's area first. A post of `lat`, `lon`
    (the browser's location, static/js/near_me.js) is placed in an area and sent on as
    `?area=CODE`: the point is in no address, so no access log keeps it."""
    today = timezone.localdate()
    problems: list[str] = []
    if request.method == "POST":
        location = inventory_forms.PublicLocationForm(request.POST)
        if location.is_valid():
            found = selectors.public_area_at(
                lat=location.cleaned_data["lat"], lon=location.cleaned_data["lon"], on=today
            )
            if found is not None:
                query = urlencode({"area": found.code, "located": 1})
                return redirect(f"{reverse('public_programs:list')}?{query}")
            problems.append(
                "That location is not in any of the city's areas. Choose your area from the list."
            )
        else:
            problems.extend(str(e) for errors in location.errors.values() for e in errors)
    area_code = request.GET.get("area", "").strip()[:64]
    directory = selectors.public_directory(area_code=area_code, on=today)
    if area_code and directory.chosen is None:
        problems.append("There is no area with that code. Choose your area from the list.")
    counts = selectors.public_area_counts(directory)
    context = {
        "directory": directory,
        "problems": problems,
        "located": directory.chosen is not None and request.GET.get("located") == "1",
        "map_json": script_json(selectors.public_directory_map(directory, counts)),
        "area_rows": [(a.name, counts[a.pk]) for a in directory.areas if a.pk in counts],
    }
    return render(request, "inventory/public_program_list.html", context)


@public_page
def public_program_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    shown = selectors.public_program(uuid, timezone.localdate())
    if shown is None:
        raise Http404("No such program in the public directory.")
    return render(request, "inventory/public_program_detail.html", {"shown": shown})


routes: list[URLPattern] = [
    path("", public_program_list, name="list"),
    path("<uuid:uuid>/", public_program_detail, name="detail"),
]
