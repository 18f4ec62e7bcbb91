"""Loading area boundaries."""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shapely
from django.core.exceptions import ValidationError
from django.db import transaction

from ovp.areas.models import Area, AreaKind, normalize_area_code

POLYGONAL = {"Polygon", "MultiPolygon"}


@dataclass(frozen=True)
class AreasLoadResult:
    created: int
    updated: int


def _polygonal(geometry: Any) -> shapely.Geometry:
    """A valid Polygon/MultiPolygon from a GeoJSON geometry, repairing self-intersections."""
    if not isinstance(geometry, dict) or geometry.get("type") not in POLYGONAL:
        raise ValueError("geometry must be a Polygon or MultiPolygon")
    geom = shapely.from_geojson(json.dumps(geometry))
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
        polygons = [g for g in shapely.get_parts(geom) if g.geom_type in POLYGONAL]
        if not polygons:
            raise ValueError("geometry has no area")
        geom = shapely.multipolygons(polygons) if len(polygons) > 1 else polygons[0]
    if geom.is_empty:
        raise ValueError("geometry is empty")
    minx, miny, maxx, maxy = geom.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise ValueError("coordinates are not longitude/latitude (EPSG:4326)")
    return geom


def _read_features(source: Path | str | dict[str, Any]) -> list[dict[str, Any]]:
    if isinstance(source, dict):
        collection = source
    else:
        try:
            collection = json.loads(Path(source).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ValidationError(f"Cannot read {source} as GeoJSON: {error}") from error
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        raise ValidationError("The file is not a GeoJSON FeatureCollection.")
    return list(collection.get("features") or [])


@transaction.atomic
def areas_load_geojson(
    *,
    source: Path | str | dict[str, Any],
    kind: str,
    code_field: str,
    name_field: str | None = None,
    population_field: str | None = None,
) -> AreasLoadResult:
    """Create or update one Area per feature, keyed by (kind, code). All or nothing:
    any bad feature raises a ValidationError listing every problem, and nothing is saved."""
    if kind not in AreaKind.values:
        raise ValidationError(
            f"Unknown area kind {kind!r}; use one of {', '.join(AreaKind.values)}."
        )
    features = _read_features(source)
    if not features:
        raise ValidationError("The file has no features.")
    problems: list[str] = []
    rows: dict[str, dict[str, Any]] = {}
    for number, feature in enumerate(features, start=1):
        if not isinstance(feature, dict) or not isinstance(feature.get("properties") or {}, dict):
            problems.append(f"feature {number}: not a GeoJSON feature with properties")
            continue
        properties = feature.get("properties") or {}
        code = normalize_area_code(properties.get(code_field))
        if not code:
            problems.append(f"feature {number}: no value in {code_field!r}")
            continue
        if code in rows:
            problems.append(f"feature {number}: code {code} appears twice")
            continue
        try:
            geom = _polygonal(feature.get("geometry"))
        except (ValueError, shapely.errors.ShapelyError) as error:
            problems.append(f"feature {number} (code {code}): {error}")
            continue
        population = properties.get(population_field) if population_field else None
        if population not in (None, ""):
            try:
                population = int(float(population))
                if population < 0:
                    raise ValueError
            except (TypeError, ValueError):
                problems.append(
                    f"feature {number} (code {code}): population {population!r} is not a count"
                )
                continue
        else:
            population = None
        name = str(properties.get(name_field) or "").strip() if name_field else ""
        minx, miny, maxx, maxy = geom.bounds
        rows[code] = {
            "name": name or f"{AreaKind(kind).label} {code}",
            "population": population,
            "boundary": json.loads(shapely.to_geojson(geom)),
            "min_lon": minx,
            "min_lat": miny,
            "max_lon": maxx,
            "max_lat": maxy,
        }
    if problems:
        raise ValidationError(problems)

    existing = {area.code: area for area in Area.objects.of_kind(kind).select_for_update()}
    created = updated = 0
    for code, values in rows.items():
        area = existing.get(code) or Area(kind=kind, code=code)
        if population_field is None and area.pk:
            values["population"] = area.population  # keep what was set before
        for field, value in values.items():
            setattr(area, field, value)
        area.full_clean()
        if area.pk:
            updated += 1
        else:
            created += 1
        area.save()
    return AreasLoadResult(created=created, updated=updated)
