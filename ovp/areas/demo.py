"""Riverton, the demo city: 40 neighbourhoods on a jittered grid, in 8 police districts."""

import json

import shapely

from ovp.areas.models import AreaKind
from ovp.areas.services import areas_load_geojson
from ovp.core.demo import DemoCity, demo_seeder

COLUMNS, ROWS = 8, 5
WEST, SOUTH = -77.20, 40.40
CELL_LON, CELL_LAT = 0.025, 0.019

NEIGHBOURHOOD_NAMES = [
    "Ashford",
    "Bellmont",
    "Carver Hill",
    "Dunmore",
    "Eastgate",
    "Fairview",
    "Glenwood",
    "Harbor Point",
    "Ironside",
    "Juniper Park",
    "Kingsbridge",
    "Linden",
    "Millbrook",
    "Northfield",
    "Oak Terrace",
    "Parkside",
    "Quarry Flats",
    "Riverside",
    "Southport",
    "Tanner's Row",
    "Union Square",
    "Valley View",
    "Westbrook",
    "Yardley",
    "Ambler Heights",
    "Brookhaven",
    "Cedar Grove",
    "Delmar",
    "Elmwood",
    "Foxcroft",
    "Greenpoint",
    "Highland",
    "Irving Park",
    "Jefferson",
    "Kensett",
    "Lakeview",
    "Mill Creek",
    "Newtown",
    "Orchard",
    "Pine Hollow",
]


def neighbourhood_collection(city: DemoCity) -> tuple[dict, dict]:
    """GeoJSON of the neighbourhoods and of the districts made from them."""
    rng = city.rng("areas")
    # shared, jittered grid corners so neighbouring polygons tile without gaps
    corners = {
        (i, j): (
            WEST + i * CELL_LON + (rng.uniform(-0.3, 0.3) * CELL_LON if 0 < i < COLUMNS else 0),
            SOUTH + j * CELL_LAT + (rng.uniform(-0.3, 0.3) * CELL_LAT if 0 < j < ROWS else 0),
        )
        for i in range(COLUMNS + 1)
        for j in range(ROWS + 1)
    }
    neighbourhoods = []
    polygons: dict[int, list[shapely.Polygon]] = {}
    for number, (j, i) in enumerate(((j, i) for j in range(ROWS) for i in range(COLUMNS)), start=1):
        ring = [
            corners[i, j],
            corners[i + 1, j],
            corners[i + 1, j + 1],
            corners[i, j + 1],
            corners[i, j],
        ]
        # denser, poorer blocks near the river (south) have more residents
        population = int(rng.uniform(6_000, 20_000) * (1.8 - 0.2 * j))
        district = 1 + (i // 2) + 4 * (j >= 3)
        polygon = shapely.Polygon(ring)
        polygons.setdefault(district, []).append(polygon)
        neighbourhoods.append(
            {
                "type": "Feature",
                "properties": {
                    "code": f"N{number:02d}",
                    "name": NEIGHBOURHOOD_NAMES[number - 1],
                    "population": population,
                    "district": district,
                },
                "geometry": json.loads(shapely.to_geojson(polygon)),
            }
        )
    populations = {d: 0 for d in polygons}
    for feature in neighbourhoods:
        populations[feature["properties"]["district"]] += feature["properties"]["population"]
    districts = [
        {
            "type": "Feature",
            "properties": {"code": str(d), "name": f"District {d}", "population": populations[d]},
            "geometry": json.loads(shapely.to_geojson(shapely.union_all(parts).normalize())),
        }
        for d, parts in sorted(polygons.items())
    ]
    return (
        {"type": "FeatureCollection", "features": neighbourhoods},
        {"type": "FeatureCollection", "features": districts},
    )


@demo_seeder
def seed_areas(city: DemoCity) -> None:
    neighbourhoods, districts = neighbourhood_collection(city)
    for kind, collection in (
        (AreaKind.NEIGHBOURHOOD, neighbourhoods),
        (AreaKind.DISTRICT, districts),
    ):
        result = areas_load_geojson(
            source=collection,
            kind=kind,
            code_field="code",
            name_field="name",
            population_field="population",
        )
        city.log(f"  {kind} areas: {result.created} created, {result.updated} updated")
