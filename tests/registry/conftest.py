import pytest


@pytest.fixture(autouse=True)
def _registry_uses_the_app(app):
    """Every registry test talks to the database through the app."""
