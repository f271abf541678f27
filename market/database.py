"""Database engine behaviour shared by every process."""
from sqlalchemy import event
from sqlalchemy.engine import Engine


def is_postgresql() -> bool:
    from market.extensions import db

    return db.engine.dialect.name == "postgresql"


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """SQLite enforces foreign keys only when asked, per connection; WAL lets readers and
    the scheduler's writer work at the same time."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def init_app(app) -> None:
    app.after_request(end_clean_reads)


def end_clean_reads(response):
    """A read that changed nothing ends its transaction with COMMIT rather than the connection
    pool's ROLLBACK: psycopg forgets its prepared statements at every rollback, so PostgreSQL
    would plan each statement of every request afresh (for a page of stalls, planning costs it
    about as much as running). Anything else (a write, a failure, a streamed answer still
    reading) is left to the view and to the pool, as before."""
    from flask import request

    from market.extensions import db

    session = db.session()  # this request's session, not the registry that hands it out
    if (request.method in ("GET", "HEAD") and response.status_code < 400
            and not response.is_streamed and session.in_transaction()
            and not (session.new or session.dirty or session.deleted)):
        session.commit()
    return response
