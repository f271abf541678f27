"""Writing many new rows of one model in a few statements."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import insert

from market.extensions import db

M = TypeVar("M", bound=db.Model)


def insert_all(model: type[M], rows: Sequence[dict[str, Any]]) -> list[M]:
    """Insert ``rows`` (column values, the same columns in each) and return them as objects
    of the session, in the order given.

    One INSERT … RETURNING for many rows where the database can say which new id belongs to
    which row (PostgreSQL); SQLite cannot, so SQLAlchemy sends its rows one by one, still
    without the unit of work's bookkeeping per object. Collections of related objects already
    loaded do not show the new rows: the caller expires them.
    """
    if not rows:
        return []
    statement = insert(model).returning(model, sort_by_parameter_order=True)
    return list(db.session.scalars(statement, rows, execution_options={"render_nulls": True}))
