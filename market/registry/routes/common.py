"""What the registry views share: running a change for a form, with its refusal shown beside
the right field."""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import flash
from flask_wtf import FlaskForm

from market.extensions import db
from market.registry.errors import RegistryError

T = TypeVar("T")


def show_error(form: FlaskForm, error: RegistryError) -> None:
    """Put the message beside its field; a field the form does not show gets a flash."""
    field = form._fields.get(error.field)
    if field is not None:
        field.errors = [*field.errors, str(error.message)] if field.errors else [str(error.message)]
    else:
        flash(str(error.message), "error")


def page_number(value: str | None) -> int:
    """The page asked for; 1 when it is not a plausible page number."""
    return int(value) if value and value.isascii() and value.isdigit() and len(value) <= 6 else 1


def commit_change(form: FlaskForm, change: Callable[[], T], message: Callable[[T], str]) -> T | None:
    """Run a registry service for a submitted form and commit once, flashing ``message(result)``.

    On a refusal nothing is saved (the session rolls back), the reason stands beside its
    field and None is returned, so the view renders the form again with what was typed.
    """
    try:
        result = change()
    except RegistryError as error:
        db.session.rollback()
        show_error(form, error)
        return None
    db.session.commit()
    flash(message(result), "info")
    return result
