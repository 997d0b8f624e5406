import pytest

from .world import build_record_world


@pytest.fixture
def record_world(region, other_region, agency, other_agency, focal_point):
    return build_record_world(region, other_region, agency, other_agency, focal_point)
