import pytest

from ovp.incidents.mapping import PRESETS
from ovp.incidents.services import source_for
from tests.factories import AreaFactory, square


@pytest.fixture
def two_precincts(db):
    """Precinct 1 at -75.00..-74.99, precinct 2 at -74.99..-74.98 (latitude 40.00..40.01)."""
    return [
        AreaFactory(kind="precinct", code="1", name="First", population=50_000, min_lon=-75.0,
                    max_lon=-74.99, boundary=square(-75.0, 40.0)),
        AreaFactory(kind="precinct", code="2", name="Second", population=25_000, min_lon=-74.99,
                    max_lon=-74.98, boundary=square(-74.99, 40.0)),
    ]  # fmt: skip


@pytest.fixture
def nypd_source(db):
    return source_for(name="nypd-test", preset="nypd")


@pytest.fixture
def nypd():
    return PRESETS["nypd"]
