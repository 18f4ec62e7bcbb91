import pytest

from ovp.incidents.mapping import PRESETS


@pytest.fixture
def nypd():
    return PRESETS["nypd"]
