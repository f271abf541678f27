"""What the registry views share: showing a service's refusal beside the right field."""
from __future__ import annotations

from flask import flash
from flask_wtf import FlaskForm

from market.registry.errors import RegistryError


def show_error(form: FlaskForm, error: RegistryError) -> None:
    """Put the message beside its field; a field the form does not show gets a flash."""
    field = form._fields.get(error.field)
    if field is not None:
        field.errors = [*field.errors, str(error.message)] if field.errors else [str(error.message)]
    else:
        flash(str(error.message), "error")


def page_number(value: str | None) -> int:
    return int(value) if value and value.isdigit() else 1
