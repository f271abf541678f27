import pytest

from market.api import ratelimit


@pytest.fixture(autouse=True)
def _api_uses_the_app(app):
    """Every API test talks to the database through the app, with fresh rate-limit windows."""
    ratelimit.reset()
    yield
    ratelimit.reset()
