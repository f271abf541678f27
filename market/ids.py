"""Row ids in addresses: no larger than the database's integer columns hold (PostgreSQL
``integer``), so that an absurd id is a 404 rather than an overflow inside the database."""
from __future__ import annotations

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """``<int:...>`` everywhere: 0 to ``MAX_ID``; anything larger matches no route."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def id_arg(name: str) -> int | None:
    """A query argument naming a row: None when absent or not a whole number, 404 when no row
    can have it."""
    text = request.args.get(name, "")
    if not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    if value > MAX_ID:
        abort(404)
    return value


def init_app(app: Flask) -> None:
    """Before any blueprint: rules pick their converter when they are added."""
    app.url_map.converters["int"] = IdConverter
