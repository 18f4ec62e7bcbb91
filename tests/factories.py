"""factory_boy factories, with one factory per role."""

import json

import factory
import shapely

from ovp.accounts.models import Role, User
from ovp.areas.models import Area, AreaKind
from stakeholders.models import Organisation, Sector

PASSWORD = "a-Test-password-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name")
    role = Role.STAFF
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.save()


class StaffFactory(UserFactory):
    role = Role.STAFF


class AdminFactory(UserFactory):
    role = Role.ADMIN


class BoardMemberFactory(UserFactory):
    role = Role.BOARD


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Community Organisation {n}")
    sector = Sector.COMMUNITY


class GranteeFactory(UserFactory):
    """A grantee acting for one organisation (made for it unless given)."""

    role = Role.GRANTEE

    @factory.post_generation
    def organisation(self, create: bool, extracted: Organisation | None, **kwargs: object) -> None:
        if create:
            (extracted or OrganisationFactory()).members.add(self)


def square(min_lon: float, min_lat: float, size: float = 0.01) -> dict:
    return json.loads(
        shapely.to_geojson(shapely.box(min_lon, min_lat, min_lon + size, min_lat + size))
    )


class AreaFactory(factory.django.DjangoModelFactory):
    """A square area; neighbours by sequence sit side by side along a row."""

    class Meta:
        model = Area

    kind = AreaKind.NEIGHBOURHOOD
    code = factory.Sequence(lambda n: f"A{n:03d}")
    name = factory.Sequence(lambda n: f"Area {n}")
    population = 10_000
    min_lon = factory.Sequence(lambda n: -75.0 + 0.01 * n)
    min_lat = 40.0
    max_lon = factory.LazyAttribute(lambda area: area.min_lon + 0.01)
    max_lat = 40.01
    boundary = factory.LazyAttribute(lambda area: square(area.min_lon, area.min_lat))
