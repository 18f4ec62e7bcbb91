"""Synthetic shooting exports in the NYPD layout, for the benchmark (and nothing else)."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

NYPD_COLUMNS = [
    "INCIDENT_KEY", "OCCUR_DATE", "OCCUR_TIME", "BORO", "PRECINCT", "JURISDICTION_CODE",
    "LOCATION_DESC", "STATISTICAL_MURDER_FLAG", "PERP_AGE_GROUP", "PERP_SEX", "PERP_RACE",
    "VIC_AGE_GROUP", "VIC_SEX", "VIC_RACE", "X_COORD_CD", "Y_COORD_CD", "Latitude",
    "Longitude", "Lon_Lat",
]  # fmt: skip
WEST, SOUTH, CELL = -75.0, 40.0, 0.01


def grid_areas(count: int) -> dict:
    """`count` square precincts in rows of 20, as GeoJSON."""
    features = []
    for number in range(count):
        col, row = number % 20, number // 20
        box = shapely.box(
            WEST + col * CELL, SOUTH + row * CELL, WEST + (col + 1) * CELL, SOUTH + (row + 1) * CELL
        )
        features.append(
            {
                "type": "Feature",
                "properties": {"precinct": number + 1, "population": 20_000 + 100 * number},
                "geometry": json.loads(shapely.to_geojson(box)),
            }
        )
    return {"type": "FeatureCollection", "features": features}


def nypd_export(
    *, victims: int, areas: int, first_year: int, years: int, seed: int = 1
) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    incidents = int(victims / 1.27)
    days = (pd.Timestamp(f"{first_year + years}-01-01") - pd.Timestamp(f"{first_year}-01-01")).days
    day = rng.integers(0, days, incidents)
    # a few areas carry most of the violence
    weights = rng.pareto(1.2, areas) + 0.05
    area = rng.choice(areas, incidents, p=weights / weights.sum())
    per_incident = np.ones(incidents, dtype=np.int64)
    extra = victims - incidents
    np.add.at(per_incident, rng.integers(0, incidents, extra), 1)
    index = np.repeat(np.arange(incidents), per_incident)
    col, row = area % 20, area // 20
    lon = WEST + (col + rng.uniform(0.02, 0.98, incidents)) * CELL
    lat = SOUTH + (row + rng.uniform(0.02, 0.98, incidents)) * CELL
    dates = pd.Timestamp(f"{first_year}-01-01") + pd.to_timedelta(day, unit="D")
    seconds = rng.integers(0, 86_400, incidents)
    n = len(index)
    frame = pd.DataFrame(
        {
            "INCIDENT_KEY": (10_000_000 + index).astype(str),
            "OCCUR_DATE": dates.strftime("%m/%d/%Y").to_numpy()[index],
            "OCCUR_TIME": pd.to_datetime(seconds, unit="s").strftime("%H:%M:%S").to_numpy()[index],
            "BORO": "BROOKLYN",
            "PRECINCT": (area + 1)[index].astype(str),
            "JURISDICTION_CODE": "0",
            "LOCATION_DESC": "",
            "STATISTICAL_MURDER_FLAG": np.where(rng.random(n) < 0.19, "TRUE", "FALSE"),
            "PERP_AGE_GROUP": "",
            "PERP_SEX": "",
            "PERP_RACE": "",
            "VIC_AGE_GROUP": rng.choice(
                ["<18", "18-24", "25-44", "45-64", "65+", "UNKNOWN"],
                n,
                p=[0.1, 0.35, 0.45, 0.07, 0.01, 0.02],
            ),
            "VIC_SEX": rng.choice(["M", "F", "U"], n, p=[0.9, 0.09, 0.01]),
            "VIC_RACE": rng.choice(
                [
                    "BLACK",
                    "WHITE HISPANIC",
                    "BLACK HISPANIC",
                    "WHITE",
                    "ASIAN / PACIFIC ISLANDER",
                    "UNKNOWN",
                ],
                n,
                p=[0.7, 0.15, 0.08, 0.04, 0.02, 0.01],
            ),
            "X_COORD_CD": "1000000",
            "Y_COORD_CD": "200000",
            "Latitude": lat[index].round(8),
            "Longitude": lon[index].round(8),
        }
    )
    frame["Lon_Lat"] = (
        "POINT (" + frame["Longitude"].astype(str) + " " + frame["Latitude"].astype(str) + ")"
    )
    return frame[NYPD_COLUMNS]


def write_export(path: Path, **kwargs: int) -> Path:
    nypd_export(**kwargs).to_csv(path, index=False, lineterminator="\r\n")
    return path
