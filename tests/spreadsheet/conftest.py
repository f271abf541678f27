import pytest
from factories import login, make_market, make_user

from market.models import Role


@pytest.fixture(autouse=True)
def _spreadsheet_uses_the_app(app):
    """Every spreadsheet test talks to the database through the app."""


@pytest.fixture
def board(client):
    """A board user of market CHO1, signed in."""
    market = make_market("Chợ Dốc Vân", code="CHO1")
    user = make_user(Role.BOARD, markets=[market])
    login(client, user)
    return user
