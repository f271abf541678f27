"""``flask --app market demo``."""
import click
from flask.cli import with_appcontext
from sqlalchemy import exists, select

from market.extensions import db
from market.models import Market


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Load only into a database that has no market yet.")
@click.option("--logins", is_flag=True, help="Print the demo sign-ins (role, username, password) only.")
@with_appcontext
def demo_command(if_empty: bool, logins: bool) -> None:
    """Load the demo data (idempotent: a second run changes nothing)."""
    from market.demo.loader import load_demo, login_lines

    if logins:
        for line in login_lines():
            click.echo(line)
        return
    if if_empty and db.session.scalar(select(exists().where(Market.id.isnot(None)))):
        click.echo("demo data: skipped, the database already has markets")
        return
    added = load_demo()
    db.session.commit()
    if not added:
        click.echo("demo data: already complete, nothing added")
        return
    click.echo("demo data added: " + ", ".join(f"{count} {kind}" for kind, count in added.items()))
