"""Cursor pagination: keyset on the id, so page 10,000 costs what page 1 costs and rows
inserted between two pages are neither lost nor repeated (new rows get higher ids)."""
from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select

from market.api.problems import validation_problem
from market.api.schemas import MAX_ID
from market.extensions import db


def encode_cursor(last_id: int) -> str:
    """An opaque cursor; clients pass it back as it is."""
    raw = json.dumps({"after": last_id}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int | None:
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        after = json.loads(raw)["after"]
    except (binascii.Error, ValueError, KeyError, TypeError):
        after = None
    if not isinstance(after, int) or isinstance(after, bool) or not 0 <= after <= MAX_ID:
        raise validation_problem([("cursor", _l("Con trỏ trang không hợp lệ."))])
    return after


def keyset_select(query: Select, id_column: Any, cursor: str | None, limit: int) -> Select:
    """The rows after the cursor in id order, one more than ``limit`` (to tell if more follow)."""
    after = decode_cursor(cursor)
    if after is not None:
        query = query.where(id_column > after)
    return query.order_by(id_column).limit(limit + 1)


def split_page(items: Sequence[Any], limit: int, id_of: Callable[[Any], int]
               ) -> tuple[Sequence[Any], str | None]:
    """The page's items and the next cursor (None on the last page)."""
    if len(items) <= limit:
        return items, None
    items = items[:limit]
    return items, encode_cursor(id_of(items[-1]))


def keyset_page(query: Select, id_column: Any, cursor: str | None,
                limit: int) -> tuple[Sequence[Any], str | None]:
    """Rows of ``query`` after the cursor, at most ``limit``, and the next cursor (or None)."""
    rows = db.session.execute(keyset_select(query, id_column, cursor, limit)).all()
    return split_page(rows, limit, lambda row: row[0] if isinstance(row[0], int) else row[0].id)
