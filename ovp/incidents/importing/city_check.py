"""Is an export this city's? Uploading another city's file would place none of its points by
coordinates and then, by the area codes it reports, put victims in this city's areas whose
codes happen to coincide. Before an import, the first rows' points are placed: when most fall
far outside every area of the city, the import stops and says so, unless told to go on."""

from dataclasses import dataclass
from typing import IO

import numpy as np
import pandas as pd
import pyarrow as pa

from ovp.areas.models import Area
from ovp.areas.placement import area_index
from ovp.incidents.importing.guessing import read_sample
from ovp.incidents.mapping import OTHER_CITY, Mapping

__all__ = ["OTHER_CITY", "CityCheck", "city_check"]

# most points outside, among enough points to tell
OTHER_CITY_SHARE = 0.5
MIN_POINTS = 20
SAMPLE_ROWS = 2000


@dataclass(frozen=True)
class CityCheck:
    points: int  # with coordinates (not missing, not 0,0)
    outside: int  # of them, far from every area of the city

    @property
    def other_city(self) -> bool:
        return self.points >= MIN_POINTS and self.outside > OTHER_CITY_SHARE * self.points

    def message(self) -> str:
        return (
            f"{self.outside:,} of the first {self.points:,} points in this file lie outside "
            "every area of this city: it is probably not this city's export, so nothing was "
            "imported. Check the file; if it is this city's, import it again and confirm "
            "(manage.py import_incidents: --other-city-ok)."
        )


def city_check(source: str | IO[bytes], mapping: Mapping) -> CityCheck:
    """Where the first rows' points fall against the city's areas (any kind loaded)."""
    kinds = list(Area.objects.values_list("kind", flat=True).distinct())
    if not (mapping.latitude and mapping.longitude) or not kinds:
        return CityCheck(0, 0)
    try:
        rows = read_sample(source, rows=SAMPLE_ROWS, head=True).rows
        lats = pd.to_numeric(rows[mapping.latitude], errors="coerce").to_numpy(dtype=float)
        lons = pd.to_numeric(rows[mapping.longitude], errors="coerce").to_numpy(dtype=float)
    except (pa.ArrowInvalid, OSError, KeyError, UnicodeDecodeError):
        return CityCheck(0, 0)  # the import itself says what is wrong with the file
    finally:
        if hasattr(source, "seek"):
            source.seek(0)
    somewhere = np.isfinite(lats) & np.isfinite(lons) & ~((lats == 0) & (lons == 0))
    near = np.zeros(len(lats), dtype=bool)
    for kind in kinds:
        near |= area_index(kind).near(lons, lats)
    return CityCheck(int(somewhere.sum()), int((somewhere & ~near).sum()))
