"""Backups: ``flask --app market backup FILE`` and ``restore FILE``.

SQLite uses its online backup API (consistent while the app runs); PostgreSQL uses
``pg_dump``/``pg_restore`` in the custom format, which must be installed beside the app.
"""
from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy.engine import make_url

from market.extensions import db


class BackupError(Exception):
    pass


def _libpq_url() -> str:
    url = db.engine.url.set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def _sqlite_path() -> Path:
    database = make_url(str(db.engine.url)).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(database)


def _pg_tool(name: str) -> str:
    tool = shutil.which(name)
    if tool is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return tool


def backup_database(target: Path) -> None:
    """Write a consistent copy of the whole database to ``target``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if db.engine.dialect.name == "sqlite":
        with sqlite3.connect(_sqlite_path()) as source, sqlite3.connect(target) as copy:
            source.backup(copy)
        return
    _run([_pg_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={target}",
          f"--dbname={_libpq_url()}"])


def restore_database(source: Path) -> None:
    """Replace the whole database with the backup in ``source``."""
    if not source.is_file():
        raise BackupError(f"no backup file at {source}")
    db.session.remove()
    db.engine.dispose()  # our own pooled connections would hold locks on the tables
    if db.engine.dialect.name == "sqlite":
        with sqlite3.connect(source) as backup, sqlite3.connect(_sqlite_path()) as live:
            backup.backup(live)
        return
    _run([_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
          f"--dbname={_libpq_url()}", str(source)])


def _run(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(result.stderr.strip() or f"{command[0]} failed")


@click.command("backup")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(target: Path) -> None:
    """Back up the database to TARGET."""
    try:
        backup_database(target)
    except (BackupError, OSError, sqlite3.Error) as error:
        raise click.ClickException(f"backup failed: {error}") from error
    click.echo(f"backup written to {target} ({target.stat().st_size:,} bytes)")


@click.command("restore")
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(source: Path, yes: bool) -> None:
    """Replace the whole database with the backup in SOURCE."""
    if not yes:
        click.confirm(f"Replace every row of the database with {source}?", abort=True)
    try:
        restore_database(source)
    except (BackupError, OSError, sqlite3.Error) as error:
        raise click.ClickException(f"restore failed: {error}") from error
    click.echo(f"database restored from {source}")
