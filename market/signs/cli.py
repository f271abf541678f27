"""``flask --app market signs print``: a market's signs as one PDF, from the command line."""
from __future__ import annotations

import contextlib
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from market.extensions import db
from market.models import Market, SignFormat
from market.signs.selection import Selection
from market.signs.services import print_market_signs

signs_cli = AppGroup("signs", help="Print VietQR signs.")


@signs_cli.command("print")
@click.option("--market", "market_code", required=True, help="Market code.")
@click.option("--format", "sign_format", type=click.Choice([f.value for f in SignFormat]),
              default=SignFormat.A6.value, show_default=True)
@click.option("--zone", default="", help="Only this zone.")
@click.option("--row", default="", help="Only this row.")
@click.option("--missing-only", is_flag=True, help="Only stalls without a current sign.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
def print_command(market_code: str, sign_format: str, zone: str, row: str,
                  missing_only: bool, output: Path) -> None:
    """Write the signs of a market (or a zone, a row) to one PDF and list the stalls that
    cannot have a sign."""
    market = db.session.scalar(select(Market).where(Market.code == market_code))
    if market is None:
        raise click.BadParameter(f"no market with code {market_code!r}", param_hint="--market")
    with click.progressbar(length=1, label="rendering signs") as bar:
        def advance(done: int, total: int) -> None:
            bar.length = total
            bar.update(done - bar.pos)

        batch = print_market_signs(market, sign_format, Selection(zone, row, missing_only),
                                   actor_label="cli", progress=advance)
    if batch.pdf:
        try:
            output.write_bytes(batch.pdf)
        except OSError as error:
            # A full disk or a read-only folder: no half-written PDF, no signs recorded.
            with contextlib.suppress(OSError):
                output.unlink(missing_ok=True)
            db.session.rollback()
            raise click.ClickException(
                f"cannot write {output}: {error.strerror or error}") from None
    db.session.commit()
    click.echo(f"{len(batch.signs)} signs written to {output}" if batch.pdf
               else "no stall can have a sign with this selection; nothing written")
    if batch.unprintable:
        click.echo(f"{len(batch.unprintable)} stalls cannot have a sign:")
        for entry in batch.unprintable:
            click.echo(f"  {entry.stall.code}\t{entry.obstacle.label}")
