import pytest

from tests.factories import AreaFactory


@pytest.fixture
def neighbourhoods(db):
    """Six neighbourhoods N1..N6."""
    return [AreaFactory(code=f"N{n}", name=f"Hood {n}") for n in range(1, 7)]
