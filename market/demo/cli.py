"""``flask --app market demo``."""
import click
from flask.cli import with_appcontext


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Load the demo data (idempotent: a second run changes nothing)."""
    click.echo("demo data: not yet available")
