import pytest

from capabilities.factories import build_pcf


@pytest.fixture
def pcf(db):
    """A small published PCF-shaped framework version."""
    return build_pcf()
