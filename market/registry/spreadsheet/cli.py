"""``flask --app market registry import FILE`` and ``registry export``: the same rules as the pages."""
from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from flask_login import login_user
from sqlalchemy import select

from market.extensions import db
from market.models import Market, User
from market.registry.spreadsheet.apply import ImportRefused, apply_plan
from market.registry.spreadsheet.export import registry_rows, write_csv, write_xlsx
from market.registry.spreadsheet.plan import ImportPlan, plan_import
from market.registry.spreadsheet.reader import Limits, SpreadsheetError, read_sheet

registry_cli = AppGroup("registry", help="Import and export the registry as a spreadsheet.")
SHOWN = 50


@registry_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--commit", is_flag=True, help="Write the changes (default: a dry run only).")
@click.option("--as", "username", help="Act as this user: their markets only, their name in the audit.")
@click.option("--accept-warnings", is_flag=True,
              help="Confirm the rows with warnings (account numbers with letters) were checked.")
def import_command(file: Path, commit: bool, username: str | None, accept_warnings: bool) -> None:
    """Check a CSV or XLSX file against the registry and, with --commit, write it (all or nothing)."""
    user = _user(username)
    limits = Limits.from_config()
    if file.stat().st_size > limits.max_bytes:
        raise click.ClickException(f"{file}: larger than {limits.max_bytes} bytes")
    # A request context carries the acting user into the audit trail, as on the pages.
    context = current_app.test_request_context() if user else nullcontext()
    with context:
        if user:
            login_user(user)
        try:
            plan = plan_import(read_sheet(file.read_bytes(), limits), user)
        except SpreadsheetError as error:
            raise click.ClickException(str(error.message)) from None
        _report(plan)
        if not plan.ok:
            raise SystemExit(1)
        if not commit:
            click.echo("dry run: nothing written (add --commit to write)")
            return
        if plan.warnings and not accept_warnings:
            raise click.ClickException(f"{len(plan.warnings)} row(s) with warnings: check them, "
                                       "then add --accept-warnings to write")
        try:
            apply_plan(plan)
        except ImportRefused as refused:
            db.session.rollback()
            _problems(refused.problems)
            raise SystemExit(1) from None
        db.session.commit()
        click.echo("written")


@registry_cli.command("export")
@click.option("--market", "code", help="The market's code (default: every market).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The file to write: .xlsx or .csv.")
def export_command(code: str | None, output: Path) -> None:
    """Write the registry with the import's columns (account numbers in full)."""
    if output.suffix.lower() not in (".xlsx", ".csv"):
        raise click.BadParameter("the file name must end in .xlsx or .csv", param_hint="-o")
    market = None
    if code:
        market = db.session.scalar(select(Market).where(Market.code == code.upper()))
        if market is None:
            raise click.BadParameter(f"no market with code {code}", param_hint="--market")
    rows = list(registry_rows(None, market))
    output.write_bytes(write_xlsx(rows) if output.suffix.lower() == ".xlsx" else write_csv(rows))
    click.echo(f"{len(rows)} stalls written to {output}")


def _user(username: str | None) -> User | None:
    if username is None:
        return None
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None or not user.active:
        raise click.BadParameter(f"no active user {username}", param_hint="--as")
    return user


def _report(plan: ImportPlan) -> None:
    for entity, actions in plan.counts().items():
        click.echo(f"{entity:8} " + ", ".join(f"{action} {n}" for action, n in actions.items()))
    for warning in plan.warnings[:SHOWN]:
        click.echo(f"row {warning.row}, {warning.column}: warning: {warning.message}", err=True)
    _problems(plan.problems)


def _problems(problems) -> None:
    for problem in problems[:SHOWN]:
        click.echo(f"row {problem.row}, {problem.column or '-'}: {problem.message}", err=True)
    if len(problems) > SHOWN:
        click.echo(f"… and {len(problems) - SHOWN} more problems", err=True)
    if problems:
        click.echo(f"{len(problems)} problem(s): nothing written", err=True)
