"""The migrations build, from empty, exactly the schema the models describe."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from market.extensions import db


def test_migrations_match_the_models(app):
    # The session fixture built this database by running every migration from empty.
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_flask_db_check_reports_no_pending_change(cli):
    # Alembic's check exits non-zero when the models hold a change no migration makes.
    result = cli.invoke(args=["db", "check"])
    assert result.exit_code == 0, result.exception
