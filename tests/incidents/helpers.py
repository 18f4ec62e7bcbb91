"""Small exports in the NYPD layout, written by the tests themselves."""

import csv
import io
from pathlib import Path

NYPD_HEADER = [
    "INCIDENT_KEY", "OCCUR_DATE", "OCCUR_TIME", "BORO", "PRECINCT", "JURISDICTION_CODE",
    "LOCATION_DESC", "STATISTICAL_MURDER_FLAG", "PERP_AGE_GROUP", "PERP_SEX", "PERP_RACE",
    "VIC_AGE_GROUP", "VIC_SEX", "VIC_RACE", "X_COORD_CD", "Y_COORD_CD", "Latitude",
    "Longitude", "Lon_Lat",
]  # fmt: skip


def nypd_row(
    key,
    day,
    *,
    fatal="FALSE",
    precinct="1",
    lat="40.005",
    lon="-74.995",
    time="21:15:00",
    age="25-44",
    sex="M",
    race="BLACK",
) -> dict:
    return {
        "INCIDENT_KEY": key, "OCCUR_DATE": day, "OCCUR_TIME": time, "BORO": "BROOKLYN",
        "PRECINCT": precinct, "JURISDICTION_CODE": "0", "LOCATION_DESC": "",
        "STATISTICAL_MURDER_FLAG": fatal, "PERP_AGE_GROUP": "", "PERP_SEX": "", "PERP_RACE": "",
        "VIC_AGE_GROUP": age, "VIC_SEX": sex, "VIC_RACE": race, "X_COORD_CD": "0",
        "Y_COORD_CD": "0", "Latitude": lat, "Longitude": lon, "Lon_Lat": "",
    }  # fmt: skip


def nypd_csv(
    rows: list[dict], path: Path | None = None, header: list[str] = NYPD_HEADER
) -> Path | io.BytesIO:
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=header, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    if path is None:
        return io.BytesIO(text.getvalue().encode())
    path.write_text(text.getvalue())
    return path
