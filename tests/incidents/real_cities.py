"""The real cities' exports in ../shared/data, loaded with their areas and aggregated."""

from io import StringIO

from django.core.management import call_command

from ovp.incidents.aggregation import incidents_aggregate
from ovp.incidents.mapping import PRESETS
from ovp.incidents.services import incidents_import, source_for
from tests.builders import shared_data

CITIES = {
    "nypd": ("nypd_shooting_historic_2006_2019.csv", "nyc_police_precincts.geojson",
             "precinct", "precinct"),
    "philadelphia": ("philadelphia_shootings_2015_2023-08-22.csv",
                     "philadelphia_police_districts.geojson", "district", "DIST_NUM"),
}  # fmt: skip


def load_real_city(city: str) -> None:
    """Areas, the export and its aggregates (the test is skipped where the data is absent)."""
    export, boundaries, kind, code_field = CITIES[city]
    call_command("load_areas", str(shared_data(boundaries)), kind=kind, code_field=code_field,
                 stdout=StringIO())  # fmt: skip
    incidents_import(location=str(shared_data(export)), mapping=PRESETS[city],
                     source=source_for(name=city, preset=city))  # fmt: skip
    incidents_aggregate(full=True)
