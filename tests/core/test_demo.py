import json
from io import StringIO

import pytest
import shapely
from django.core.management import call_command

from ovp.accounts.models import Role, User
from ovp.areas.models import Area
from stakeholders.models import Organisation

pytestmark = pytest.mark.django_db


def snapshot() -> dict:
    return {
        "areas": sorted(
            Area.objects.values_list("kind", "code", "name", "population", "min_lon", "max_lat")
        ),
        "users": sorted(User.objects.values_list("email", "role")),
        "organisations": sorted(Organisation.objects.values_list("name", "sector")),
    }


def test_seed_demo_builds_the_city_with_a_login_for_each_role():
    call_command("seed_demo", stdout=StringIO())
    assert Area.objects.of_kind("neighbourhood").count() == 40
    assert Area.objects.of_kind("district").count() == 8
    roles = dict(User.objects.values_list("email", "role"))
    printed = {
        "admin@demo.ovp": Role.ADMIN,
        "staff@demo.ovp": Role.STAFF,
        "grantee.a@demo.ovp": Role.GRANTEE,
        "grantee.b@demo.ovp": Role.GRANTEE,
        "board@demo.ovp": Role.BOARD,
    }
    assert {email: roles[email] for email in printed} == printed
    # the other demo accounts act for applicant organisations without a printed login
    others = set(roles) - set(printed)
    assert {roles[email] for email in others} <= {Role.GRANTEE}
    assert all(User.objects.get(email=email).organisations.exists() for email in others)
    for user in User.objects.all():
        assert user.check_password("ovp-demo")
    a = set(Organisation.objects.filter(members__email="grantee.a@demo.ovp"))
    b = set(Organisation.objects.filter(members__email="grantee.b@demo.ovp"))
    assert len(a) == len(b) == 1 and a != b
    assert len(set(Organisation.objects.values_list("sector", flat=True))) >= 8


def test_demo_neighbourhoods_tile_the_city_and_districts_add_up():
    call_command("seed_demo", stdout=StringIO())
    polygons = [
        shapely.from_geojson(json.dumps(a.boundary)) for a in Area.objects.of_kind("neighbourhood")
    ]
    union = shapely.union_all(polygons)
    assert sum(p.area for p in polygons) == pytest.approx(union.area, rel=1e-9)  # no overlaps
    assert union.geom_type == "Polygon" and len(union.interiors) == 0  # no holes
    assert all(40 <= p.centroid.y <= 41 for p in polygons)
    neighbourhood_total = sum(
        Area.objects.of_kind("neighbourhood").values_list("population", flat=True)
    )
    district_total = sum(Area.objects.of_kind("district").values_list("population", flat=True))
    assert neighbourhood_total == district_total > 300_000


def test_seed_demo_twice_leaves_the_same_city():
    call_command("seed_demo", stdout=StringIO())
    first = snapshot()
    call_command("seed_demo", stdout=StringIO())
    assert snapshot() == first


def test_seed_demo_if_empty_leaves_an_existing_city_alone():
    call_command("seed_demo", stdout=StringIO())
    Area.objects.filter(code="N01").update(name="Renamed by staff")
    call_command("seed_demo", if_empty=True, stdout=StringIO())
    assert Area.objects.get(code="N01").name == "Renamed by staff"
