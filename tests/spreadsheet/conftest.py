import pytest


@pytest.fixture(autouse=True)
def _spreadsheet_uses_the_app(app):
    """Every spreadsheet test talks to the database through the app."""
