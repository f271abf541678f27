"""Writing many new rows of one model in a few statements."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import func, insert, select

from market.extensions import db

M = TypeVar("M", bound=db.Model)


def insert_all(model: type[M], rows: Sequence[dict[str, Any]]) -> list[M]:
    """Insert ``rows`` (column values, the same columns in each) and return them as objects
    of the session, in the order given.

    The first row is inserted as usual (RETURNING it); the others are given their ids here
    and go in one executemany, then come back in one SELECT. SQLAlchemy's bulk INSERT …
    RETURNING would cost a statement per row on SQLite (whose RETURNING does not say which
    row is which) and, with psycopg, parsing statements of thousands of parameters.
    Collections of related objects already loaded do not show the new rows: the caller
    expires them.
    """
    if not rows:
        return []
    first = db.session.scalars(insert(model).returning(model), [rows[0]]).one()
    if len(rows) == 1:
        return [first]
    ids = _ids_after(model, first.id, len(rows) - 1)
    db.session.execute(insert(model), [{"id": id_, **row} for id_, row in zip(ids, rows[1:])],
                       execution_options={"render_nulls": True})
    loaded = {obj.id: obj for obj in db.session.scalars(select(model).where(model.id.in_(ids)))}
    return [first, *(loaded[id_] for id_ in ids)]


def _ids_after(model: type[M], first: int, count: int) -> list[int]:
    """``count`` unused ids for new rows of ``model``, the first row having taken ``first``.

    PostgreSQL hands them out from the id column's sequence. SQLite numbers a new row one
    past the highest id of the table, and the first row's INSERT left this transaction
    holding SQLite's only write lock until it ends, so the ids after ``first`` are free.
    """
    if db.engine.dialect.name == "postgresql":
        sequence = func.pg_get_serial_sequence(model.__table__.name, "id")
        numbers = select(func.nextval(sequence)).select_from(func.generate_series(1, count))
        return sorted(db.session.scalars(numbers))
    return list(range(first + 1, first + 1 + count))
