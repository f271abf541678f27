"""``flask --app market units ...``: load the official administrative units, merge older ones."""
from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from market.admin.units import MergeError, load_units, merge_unit
from market.extensions import db
from market.models import AdminUnit

units_cli = AppGroup("units", help="Administrative units: the official 2025 list, mergers.")


@units_cli.command("load")
def load_command() -> None:
    """Create or update the 34 provinces and 3,321 communes and wards by code."""
    result = load_units()
    db.session.commit()
    click.echo(f"administrative units: {result.added} added, {result.updated} updated, "
               f"{result.unchanged} unchanged, {result.retired} not official (deactivated)")
    for unit in result.kept_in_use:
        click.echo(f"  not in the official list but still in use: {unit.code} {unit.name} "
                   f"(flask --app market units merge {unit.code} SUCCESSOR_CODE)")


@units_cli.command("merge")
@click.argument("old_code")
@click.argument("successor_code")
def merge_command(old_code: str, successor_code: str) -> None:
    """Mark OLD_CODE as merged into SUCCESSOR_CODE: its markets and figures move there."""
    found = {unit.code: unit for unit in db.session.scalars(
        select(AdminUnit).where(AdminUnit.code.in_([old_code, successor_code])))}
    for code in (old_code, successor_code):
        if code not in found:
            raise click.ClickException(f"no administrative unit with code {code}")
    try:
        moved = merge_unit(found[old_code], found[successor_code])
    except MergeError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"{old_code} merged into {successor_code}: {moved} market(s) moved")
