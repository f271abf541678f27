"""Requests and the database: reads keep PostgreSQL's prepared statements."""
import contextvars

import pytest
from factories import login, make_market, make_user
from flask.testing import FlaskClient
from sqlalchemy import text

from market.extensions import db


def test_repeated_page_reads_run_as_prepared_statements_on_postgresql(app):
    """A page that changed nothing ends with COMMIT, after which psycopg keeps the statements
    it prepared (it forgets them at a rollback)."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("prepared statements are the PostgreSQL driver's")
    market = make_market("Chợ Mun")
    user = make_user("board", markets=[market])
    client = FlaskClient(app, app.response_class)
    login(client, user)
    path = f"/markets/{market.id}"
    # From here on one connection serves every request and then the check below.
    db.session.close()
    db.engine.dispose()

    def read():
        return client.get(path)

    # Each request in a context of its own, as under the web server: its session ends with it
    # and gives the connection back to the pool. psycopg prepares from a statement's sixth run.
    for _ in range(12):
        assert contextvars.Context().run(read).status_code == 200
    prepared = list(db.session.scalars(text("SELECT statement FROM pg_prepared_statements")))
    assert any('FROM "user"' in statement for statement in prepared), prepared
    assert any("FROM market" in statement for statement in prepared), prepared
