"""Cursor pagination: keyset on the id, so page 10,000 costs what page 1 costs and rows
inserted between two pages are neither lost nor repeated (new rows get higher ids)."""
from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
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


def keyset_page(query: Select, id_column: Any, cursor: str | None,
                limit: int) -> tuple[Sequence[Any], str | None]:
    """Rows after the cursor in id order, at most ``limit``, and the next cursor (or None)."""
    after = decode_cursor(cursor)
    if after is not None:
        query = query.where(id_column > after)
    rows = db.session.execute(query.order_by(id_column).limit(limit + 1)).all()
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    return rows, encode_cursor(_row_id(rows[-1]))


def _row_id(row: Any) -> int:
    first = row[0]
    return first if isinstance(first, int) else first.id
