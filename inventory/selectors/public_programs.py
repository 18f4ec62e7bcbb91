"""The public program directory (/public/programs/): the opted-in programs, those working in
the visitor's area first, with the map of the areas."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from inventory.models import Program, ServiceArea
from ovp.areas.maps import area_map
from ovp.areas.models import Area
from ovp.incidents.selectors import area_kinds


@dataclass(frozen=True)
class PublicProgram:
    """A program as the public directory shows it: only what the program chose to publish
    and its lead organisation's public contact (never a person's details)."""

    program: Program
    areas: list[Area]  # served now
    serves_chosen: bool  # works in the area the visitor chose


@dataclass(frozen=True)
class PublicDirectory:
    kind: str  # the kind of area the directory places visitors in
    areas: list[Area]  # every area of that kind, by name
    chosen: Area | None
    programs: list[PublicProgram]  # those serving the chosen area first, then by name

    @property
    def serving(self) -> list[PublicProgram]:
        return [p for p in self.programs if p.serves_chosen]

    @property
    def elsewhere(self) -> list[PublicProgram]:
        return [p for p in self.programs if not p.serves_chosen]


def _listed(on: date, *, uuid: Any = None) -> list[Program]:
    """Active, opted-in programs (or the one with `uuid`) with their lead organisation and
    the areas served on `on` (two queries however many there are)."""
    from django.db.models import Prefetch

    current = ServiceArea.objects.current(on).select_related("area").order_by("area__name")
    listed = Program.objects.listed_publicly()
    if uuid is not None:
        listed = listed.filter(uuid=uuid)
    return list(
        listed.select_related("lead_organisation")
        .prefetch_related(Prefetch("service_areas", queryset=current, to_attr="current_areas"))
        .order_by("name")
    )


def directory_area_kind(programs: list[Program]) -> str:
    """The kind of area the listed programs name most (a directory by neighbourhood where
    they say neighbourhoods); with none, the finest kind the city has."""
    counts: dict[str, int] = defaultdict(int)
    for program in programs:
        for service_area in program.current_areas:  # type: ignore[attr-defined]
            counts[service_area.area.kind] += 1
    if counts:
        return max(sorted(counts), key=lambda kind: counts[kind])
    kinds = area_kinds()
    return kinds[0] if kinds else ""


def public_directory(*, area_code: str, on: date) -> PublicDirectory:
    """The opted-in programs, those working in the chosen area (by code, of the directory's
    kind; an unknown code chooses none) first."""
    programs = _listed(on)
    kind = directory_area_kind(programs)
    areas = list(Area.objects.of_kind(kind).order_by("name")) if kind else []
    chosen = next((a for a in areas if a.code == area_code), None) if area_code else None
    shown = [
        PublicProgram(
            program=program,
            areas=[sa.area for sa in program.current_areas],  # type: ignore[attr-defined]
            serves_chosen=chosen is not None
            and any(sa.area_id == chosen.pk for sa in program.current_areas),  # type: ignore[attr-defined]
        )
        for program in programs
    ]
    shown.sort(key=lambda p: (not p.serves_chosen, p.program.name))
    return PublicDirectory(kind=kind, areas=areas, chosen=chosen, programs=shown)


def public_area_counts(directory: PublicDirectory) -> dict[int, int]:
    """Listed programs working in each of the directory's areas (areas with none left out)."""
    counts: dict[int, int] = defaultdict(int)
    for shown in directory.programs:
        for area in shown.areas:
            if area.kind == directory.kind:
                counts[area.pk] += 1
    return dict(counts)


def public_directory_map(directory: PublicDirectory, counts: dict[int, int]) -> dict[str, Any]:
    """The directory's areas, each shaded by the listed programs working there; the chosen
    area outlined."""
    return area_map(
        directory.areas,
        {area_id: float(count) for area_id, count in counts.items()},
        value_label="programs",
        highlight=directory.chosen.pk if directory.chosen else None,
    )


def public_program(uuid: Any, on: date) -> PublicProgram | None:
    """One listed program (None for any other: not opted in, not active, not there)."""
    found = _listed(on, uuid=uuid)
    if not found:
        return None
    program = found[0]
    return PublicProgram(
        program=program,
        areas=[sa.area for sa in program.current_areas],  # type: ignore[attr-defined]
        serves_chosen=False,
    )


def public_area_at(*, lat: float, lon: float, on: date) -> Area | None:
    """The directory's area a point lies in (None outside the city's areas)."""
    import numpy as np

    from ovp.areas.placement import UNPLACED, place_points

    kind = directory_area_kind(_listed(on))
    if not kind:
        return None
    placed = place_points(kind=kind, lons=np.array([lon]), lats=np.array([lat]))
    if int(placed[0]) == UNPLACED:
        return None
    return Area.objects.get(pk=int(placed[0]))
