import json
from io import StringIO

import numpy as np
import pandas as pd
import pytest
import shapely
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from ovp.areas.models import Area
from ovp.areas.placement import UNPLACED, area_index, build_index, place_points
from ovp.areas.services import areas_load_geojson
from tests.builders import shared_data
from tests.factories import AreaFactory, square

pytestmark = pytest.mark.django_db


def collection(*features: dict) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}


def feature(code, geometry=None, **properties) -> dict:
    return {
        "type": "Feature",
        "properties": {"code": code, **properties},
        "geometry": geometry or square(-75.0, 40.0),
    }


@pytest.fixture
def nyc_precincts():
    path = shared_data("nyc_police_precincts.geojson")
    call_command(
        "load_areas",
        str(path),
        kind="precinct",
        code_field="precinct",
        stdout=StringIO(),
    )
    return path


def test_load_areas_reads_the_77_nyc_precincts(nyc_precincts):
    assert Area.objects.of_kind("precinct").count() == 77
    assert set(Area.objects.values_list("code", flat=True)) >= {"1", "75", "121"}
    precinct_75 = Area.objects.get(code="75")
    assert precinct_75.name == "Police precinct 75"
    assert -74.0 < precinct_75.min_lon < precinct_75.max_lon < -73.8


def test_loading_the_same_file_again_updates_instead_of_duplicating(nyc_precincts):
    result = areas_load_geojson(source=nyc_precincts, kind="precinct", code_field="precinct")
    assert (result.created, result.updated) == (0, 77)
    assert Area.objects.count() == 77


def test_placement_of_real_nypd_shootings_agrees_with_the_export_precinct(nyc_precincts):
    rows = pd.read_csv(
        shared_data("nypd_shooting_historic_2006_2019.csv"),
        usecols=["PRECINCT", "Latitude", "Longitude"],
    )
    assert len(rows) == 21_626
    placed = place_points(
        kind="precinct", lons=rows["Longitude"].to_numpy(), lats=rows["Latitude"].to_numpy()
    )
    codes = dict(Area.objects.values_list("id", "code"))
    placed_codes = pd.Series([codes.get(area_id, "") for area_id in placed])
    has_point = rows["Longitude"].notna().to_numpy()
    assert (placed[has_point] != UNPLACED).mean() > 0.999
    disagree = (
        placed_codes[has_point] != rows.loc[has_point, "PRECINCT"].astype(str).to_numpy()
    ).mean()
    # the data's README: about 3.4% disagree, as precinct boundaries changed over the years
    assert 0.025 < disagree < 0.045


def test_a_known_place_falls_in_its_precinct(nyc_precincts):
    central_park = place_points(
        kind="precinct", lons=np.array([-73.9665]), lats=np.array([40.7812])
    )
    assert Area.objects.get(pk=central_park[0]).code == "22"


def test_placement_matches_brute_force_point_in_polygon():
    areas = [
        AreaFactory(
            code=f"Q{i}",
            min_lon=-75.0 + 0.01 * (i % 3),
            min_lat=40.0 + 0.01 * (i // 3),
            max_lon=-75.0 + 0.01 * (i % 3) + 0.01,
            max_lat=40.0 + 0.01 * (i // 3) + 0.01,
            boundary=square(-75.0 + 0.01 * (i % 3), 40.0 + 0.01 * (i // 3)),
        )
        for i in range(9)
    ]
    rng = np.random.default_rng(7)
    lons = rng.uniform(-75.005, -74.965, 5_000)
    lats = rng.uniform(39.995, 40.035, 5_000)
    placed = place_points(kind="neighbourhood", lons=lons, lats=lats)
    expected = np.full(lons.shape, UNPLACED)
    for area in sorted(
        areas, key=lambda a: a.code, reverse=True
    ):  # first code wins on shared edges
        polygon = shapely.from_geojson(json.dumps(area.boundary))
        expected[shapely.intersects_xy(polygon, lons, lats)] = area.pk
    assert np.array_equal(placed, expected)
    assert (placed == UNPLACED).any() and (placed != UNPLACED).any()


def test_zero_zero_missing_and_outside_points_are_not_placed():
    AreaFactory(
        code="Z",
        boundary=square(-0.5, -0.5, 1.0),
        min_lon=-0.5,
        min_lat=-0.5,
        max_lon=0.5,
        max_lat=0.5,
    )
    placed = place_points(
        kind="neighbourhood",
        lons=np.array([0.0, np.nan, 10.0, 0.1]),
        lats=np.array([0.0, 40.0, 10.0, 0.1]),
    )
    # 0,0 lies inside this polygon, yet is never a real location
    assert placed[:3].tolist() == [UNPLACED] * 3
    assert placed[3] != UNPLACED


def test_placement_index_sees_areas_loaded_after_it_was_built():
    AreaFactory(code="B1", min_lon=-75.0, max_lon=-74.99, boundary=square(-75.0, 40.0))
    assert len(build_index("neighbourhood").codes) == 1
    first = place_points(kind="neighbourhood", lons=np.array([-74.985]), lats=np.array([40.005]))
    assert first[0] == UNPLACED
    AreaFactory(code="B2", min_lon=-74.99, max_lon=-74.98, boundary=square(-74.99, 40.0))
    second = place_points(kind="neighbourhood", lons=np.array([-74.985]), lats=np.array([40.005]))
    assert Area.objects.get(pk=second[0]).code == "B2"


def test_each_kind_keeps_its_index_while_another_kind_is_placed():
    """An import places in every kind: each kind's index is built once, not once per kind."""
    AreaFactory(code="N1", kind="neighbourhood", boundary=square(-75.0, 40.0))
    AreaFactory(code="P1", kind="precinct", boundary=square(-75.0, 40.0))
    neighbourhoods = area_index("neighbourhood")
    precincts = area_index("precinct")
    assert area_index("neighbourhood") is neighbourhoods
    assert area_index("precinct") is precincts


def test_bad_features_are_all_listed_and_nothing_is_saved():
    bad = collection(
        feature("1", name="Good"),
        feature("", name="No code"),
        feature("3", geometry={"type": "Point", "coordinates": [-75, 40]}),
        feature("1", name="Duplicate"),
        feature("5", geometry=square(500, 500)),
        feature("6", population="many"),
    )
    with pytest.raises(ValidationError) as error:
        areas_load_geojson(
            source=bad,
            kind="neighbourhood",
            code_field="code",
            name_field="name",
            population_field="population",
        )
    messages = error.value.messages
    assert len(messages) == 5
    assert any("feature 2" in m and "no value" in m for m in messages)
    assert any("Polygon" in m for m in messages)
    assert any("appears twice" in m for m in messages)
    assert any("longitude/latitude" in m for m in messages)
    assert any("not a count" in m for m in messages)
    assert not Area.objects.exists()


def test_a_self_intersecting_polygon_is_repaired():
    bowtie = {
        "type": "Polygon",
        "coordinates": [[[-75, 40], [-74.9, 40.1], [-74.9, 40], [-75, 40.1], [-75, 40]]],
    }
    areas_load_geojson(
        source=collection(feature("X", geometry=bowtie)), kind="other", code_field="code"
    )
    area = Area.objects.get(code="X")
    assert shapely.from_geojson(json.dumps(area.boundary)).is_valid


def test_load_areas_command_reports_problems_clearly(tmp_path):
    path = tmp_path / "broken.geojson"
    path.write_text("{not json")
    with pytest.raises(CommandError, match="Nothing was loaded"):
        call_command("load_areas", str(path), kind="precinct", code_field="code")


def test_area_list_shows_map_and_table_to_staff(client_for, staff):
    AreaFactory(code="N1", name="Ashford", population=12_345)
    response = client_for(staff).get("/areas/?kind=neighbourhood")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ashford" in page and "12,345" in page
    assert 'data-chart="area-map"' in page


def test_degenerate_and_malformed_features_are_reported_not_crashed_on():
    flat = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [2, 2], [0, 0]]]}
    with pytest.raises(ValidationError) as error:
        areas_load_geojson(
            source=collection(
                feature("1", geometry=flat), "not a feature", {"type": "Feature", "properties": [1]}
            ),
            kind="other",
            code_field="code",
        )
    messages = " ".join(error.value.messages)
    assert "geometry has no area" in messages
    assert (
        "feature 2: not a GeoJSON feature" in messages
        and "feature 3: not a GeoJSON feature" in messages
    )


def test_area_names_cannot_break_out_of_the_chart_script(client_for, staff):
    AreaFactory(code="X", name="</script><script>alert(1)</script>")
    page = client_for(staff).get("/areas/?kind=neighbourhood").content.decode()
    assert "<script>alert(1)" not in page
    assert "\\u003c/script\\u003e" in page
