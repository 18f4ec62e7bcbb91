"""Five years of synthetic shootings in Riverton, imported through the real import service
from an export in a layout of its own (so the demo also exercises a column mapping)."""

import io
import json
from datetime import date, timedelta

import numpy as np
import pandas as pd
import shapely

from ovp.areas.models import Area, AreaKind
from ovp.core.demo import DemoCity, demo_seeder
from ovp.incidents.aggregation import incidents_aggregate
from ovp.incidents.mapping import mapping_from_json
from ovp.incidents.services import incidents_import, source_for

DEMO_END = date(2026, 11, 22)  # fixed, so the demo is the same wherever it is built
DEMO_YEARS = 5
INCIDENTS_PER_YEAR = 380
# the demo program with a real effect: "Northside Street Outreach" (inventory/demo.py) serves
# these neighbourhoods from this day, and their shootings fall by this share from then on
PROGRAM_AREAS, PROGRAM_START, PROGRAM_EFFECT = {"N03", "N11"}, date(2023, 6, 1), 0.30

RIVERTON_MAPPING = {
    "shape": "victim",
    "incident_key": "incident_id",
    "victim_key": "victim_id",
    "date": "occurred_date",
    "date_format": "%Y-%m-%d",
    "time": "occurred_time",
    "time_format": "%H:%M",
    "fatal": "outcome",
    "fatal_true": ["Fatal"],
    "fatal_false": ["Non-fatal"],
    "latitude": "lat",
    "longitude": "lon",
    "area_code": "neighbourhood",
    "area_kind": "neighbourhood",
    "age": "victim_age",
    "age_values": "years",
    "sex": "victim_sex",
    "sex_values": {"Male": "male", "Female": "female"},
    "race": "victim_race",
    "race_values": {
        "Black": "black",
        "Hispanic": "hispanic",
        "White": "white",
        "Asian": "asian_pacific",
        "Other": "other",
    },
    "missing": ["", "Unknown"],
}


def _points_in(polygon: shapely.Geometry, count: int, rng: np.random.Generator) -> np.ndarray:
    minx, miny, maxx, maxy = polygon.bounds
    points: list[tuple[float, float]] = []
    while len(points) < count:
        xs = rng.uniform(minx, maxx, count * 2)
        ys = rng.uniform(miny, maxy, count * 2)
        inside = shapely.contains_xy(polygon, xs, ys)
        points.extend(zip(xs[inside], ys[inside], strict=True))
    return np.array(points[:count])


def riverton_export(city: DemoCity) -> pd.DataFrame:
    rng = np.random.default_rng(city.seed)
    neighbourhoods = list(Area.objects.of_kind(AreaKind.NEIGHBOURHOOD).order_by("code"))
    # a handful of neighbourhoods near the river carry most of the shootings
    weights = np.array(
        [
            1.0 + 14.0 * (n.code in {"N03", "N04", "N10", "N11", "N12", "N19"})
            for n in neighbourhoods
        ]
    )
    weights /= weights.sum()
    start = date(DEMO_END.year - DEMO_YEARS, 1, 1)
    days = np.arange((DEMO_END - start).days + 1)
    # summer peak: twice as many shootings in July as in January; a slow decline over the years
    day_of_year = np.array([(start + timedelta(int(d))).timetuple().tm_yday for d in days])
    season = 1 + 0.5 * np.sin((day_of_year - 105) / 365 * 2 * np.pi)
    trend = 1.15 - 0.25 * days / days[-1]
    day_weights = season * trend
    incidents = int(INCIDENTS_PER_YEAR * len(days) / 365)
    incident_days = rng.choice(days, incidents, p=day_weights / day_weights.sum())
    incident_areas = rng.choice(len(neighbourhoods), incidents, p=weights)
    victims_per_incident = rng.choice([1, 2, 3, 4], incidents, p=[0.86, 0.1, 0.03, 0.01])
    hours = rng.choice(24, incidents, p=_hour_weights())
    # a generator of its own, so the rest of the city's shootings stay as they were
    effect_draws = np.random.default_rng([city.seed, 2023]).random(incidents)
    in_program = np.isin(
        incident_areas,
        [i for i, n in enumerate(neighbourhoods) if n.code in PROGRAM_AREAS],
    ) & (incident_days >= (PROGRAM_START - start).days)
    prevented = in_program & (effect_draws < PROGRAM_EFFECT)
    rows = []
    victim_id = 1
    polygons = [shapely.from_geojson(json.dumps(n.boundary)) for n in neighbourhoods]
    points = {
        i: iter(_points_in(polygons[i], int((incident_areas == i).sum()) + 1, rng))
        for i in range(len(neighbourhoods))
    }
    for number in range(incidents):
        area = incident_areas[number]
        lon, lat = next(points[area])
        when = start + timedelta(int(incident_days[number]))
        for _ in range(victims_per_incident[number]):
            victim = {
                "incident_id": f"RPD-{when.year}-{number:05d}",
                "victim_id": f"V{victim_id:06d}",
                "occurred_date": when.isoformat(),
                "occurred_time": f"{hours[number]:02d}:{rng.integers(60):02d}",
                "outcome": "Fatal" if rng.random() < 0.21 else "Non-fatal",
                "lat": round(lat, 6),
                "lon": round(lon, 6),
                "neighbourhood": neighbourhoods[area].code,
                "victim_age": int(np.clip(rng.normal(27, 9), 12, 80)),
                "victim_sex": rng.choice(["Male", "Female"], p=[0.88, 0.12]),
                "victim_race": rng.choice(
                    ["Black", "Hispanic", "White", "Asian", "Other"],
                    p=[0.68, 0.2, 0.08, 0.02, 0.02],
                ),
            }
            # the draws above are made either way, so other rows do not change
            if not prevented[number]:
                rows.append(victim)
                victim_id += 1
    export = pd.DataFrame(rows).astype({"lat": object, "lon": object})
    # what real exports have: missing coordinates (placed by the neighbourhood code),
    # 0,0 with no code (not placed) and a couple of unreadable rows (rejected)
    export.loc[export.index[5::97], ["lat", "lon"]] = ""
    export.loc[export.index[11::401], ["lat", "lon", "neighbourhood"]] = [0, 0, ""]
    export.loc[export.index[7], "occurred_date"] = "2023-02-30"
    export.loc[export.index[13], "outcome"] = "Maybe"
    return export


def _hour_weights() -> np.ndarray:
    weights = np.array(
        [9, 8, 7, 5, 3, 2, 1.5, 1.5, 1.5, 1.5, 2, 2, 2.5, 3, 3.5, 4, 4.5, 5, 6, 7, 8, 9, 10, 10]
    )
    return weights / weights.sum()


@demo_seeder
def seed_shootings(city: DemoCity) -> None:
    export = riverton_export(city)
    buffer = io.BytesIO(export.to_csv(index=False).encode())
    mapping = mapping_from_json(RIVERTON_MAPPING)
    source = source_for(name="riverton-police", mapping=mapping)
    run = incidents_import(
        location=buffer,
        mapping=mapping,
        source=source,
        file_name="riverton_shootings.csv",
        today=DEMO_END,
    )
    incidents_aggregate(full=True)
    _city_target(city)
    summary = run.summary
    city.log(
        f"  shootings: {summary['victims']} victims in {summary['incidents']} incidents "
        f"({summary['rejected']} rows rejected, {summary['unplaced']} not placed)"
    )


def _city_target(city: DemoCity) -> None:
    """The city's homicide target from 2024, with the yearly cut chosen so that 2026 is
    narrowly off its path (about 4% over it at the data's end): the director's scorecard and
    the dashboards show a city not on track, by little."""
    from decimal import Decimal

    from ovp.incidents.models import TargetMeasure
    from ovp.incidents.selectors import data_range
    from ovp.incidents.targets import target_progress, target_set, through_week_end

    data = data_range()
    if data.last_week is None:
        return
    year = data.last_week.year
    through = through_week_end(year, data.last_week)
    target = target_set(measure=TargetMeasure.HOMICIDES, baseline_year=year - 2)
    progress = target_progress(target, year, through)
    if not progress.target_so_far or not progress.so_far:
        return
    # the path scales with (1 - cut)^2: pick the cut putting it 4% under the count so far
    kept = (1 - float(target.yearly_reduction) / 100) ** 2
    wanted = kept * 0.96 * progress.so_far / progress.target_so_far
    cut = round(min(max(1 - wanted**0.5, 0.005), 0.5) * 100, 1)
    target = target_set(
        measure=TargetMeasure.HOMICIDES, baseline_year=year - 2, yearly_reduction=Decimal(str(cut))
    )
    progress = target_progress(target, year, through)
    city.log(
        f"  target: homicides {cut}% a year fewer from {year - 2}; {progress.so_far} by "
        f"{through}, the path allows {progress.target_so_far:.0f}"
    )
