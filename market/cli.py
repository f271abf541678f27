"""Command-line commands, registered on ``flask --app market``."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext

from market.extensions import db


@click.command("load-banks")
@with_appcontext
def load_banks_command() -> None:
    """Load or refresh the bank directory from the project's data file."""
    from market.registry.banks import sync_bank_directory

    added, updated = sync_bank_directory()
    db.session.commit()
    click.echo(f"bank directory: {added} added, {updated} updated")


def register(app: Flask) -> None:
    from market.admin.cli import units_cli
    from market.backup import backup_command, restore_command
    from market.demo.cli import demo_command
    from market.jobs.scheduler import scheduler_command
    from market.monitor.cli import monitor
    from market.registry.spreadsheet.cli import registry_cli
    from market.signs.cli import signs_cli
    from market.vietqr.cli import qr

    app.cli.add_command(load_banks_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(demo_command)
    app.cli.add_command(monitor)
    app.cli.add_command(scheduler_command)
    app.cli.add_command(signs_cli)
    app.cli.add_command(registry_cli)
    app.cli.add_command(qr)
    app.cli.add_command(units_cli)
