"""``flask --app market monitor ...``: run the jobs by hand, backfill, payment partners, reports."""
from __future__ import annotations

import sys
from datetime import date, datetime, timedelta

import click
from flask.cli import AppGroup

from market.extensions import db
from market.jobs.runs import run_job
from market.models.adoption import JobKind, RunStatus
from market.models.evidence import PartnerKind
from market.monitor.clock import local_today

monitor = AppGroup("monitor", help="The adoption monitor: snapshots, alerts, payment partners.")


def _day(value: str | None) -> date:
    if not value:
        return local_today()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD or dd/mm/yyyy)")


@monitor.command("run")
@click.option("--date", "day", help="The day to compute (default: today, local time).")
@click.option("--job", type=click.Choice([j.value for j in JobKind]), default=JobKind.FULL.value)
@click.option("--trigger", default="cli", hidden=True, help="Who asked (recorded on the run).")
def run_command(day: str | None, job: str, trigger: str) -> None:
    """Run one job now, as the scheduler would."""
    run = run_job(JobKind(job), _day(day), trigger=trigger[:20])
    click.echo(f"{run.job.value} {run.day.isoformat()}: {run.status.value}, {run.rows} rows {run.error}")
    if run.status == RunStatus.FAILED:
        sys.exit(1)


@monitor.command("backfill")
@click.option("--from", "first", required=True, help="First day (YYYY-MM-DD).")
@click.option("--to", "last", required=True, help="Last day (YYYY-MM-DD).")
def backfill_command(first: str, last: str) -> None:
    """Compute the full snapshots of every day in a range, one run per day."""
    start, end = _day(first), _day(last)
    if end < start:
        raise click.BadParameter("--to is before --from")
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    failed = 0
    with click.progressbar(days, label="snapshots", item_show_func=lambda d: d and d.isoformat()) as bar:
        for day in bar:
            failed += run_job(JobKind.FULL, day, trigger="backfill").status == RunStatus.FAILED
    click.echo(f"{len(days)} days, {failed} failed")
    if failed:
        sys.exit(1)


@monitor.group("partner")
def partner_group() -> None:
    """Bank partners that push payment notifications."""


@partner_group.command("add")
@click.argument("name")
@click.option("--kind", type=click.Choice([kind.value for kind in PartnerKind]),
              default=PartnerKind.SIGNED.value, show_default=True,
              help="The format the partner posts: the app's signed JSON, SePay's or Casso's.")
@click.option("--provider-key", is_flag=True,
              help="Type the key the provider gave (Casso's checksum key, SePay's HMAC key) "
                   "instead of generating one.")
def partner_add_command(name: str, kind: str, provider_key: bool) -> None:
    """Add a partner and print its secret and where it posts (shown this once only)."""
    from market.monitor.payments import add_partner

    given = click.prompt("the provider's key", hide_input=True) if provider_key else None
    try:
        partner, secret = add_partner(name, PartnerKind(kind), given)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    if partner.kind == PartnerKind.SIGNED:
        click.echo(f"partner {partner.name} added; its secret (shown once, keep it safe):")
        click.echo(secret)
        return
    click.echo(f"partner {partner.name} ({partner.kind.value}) added; webhook address: "
               f"https://<this server>/api/v1/webhooks/partners/{partner.id}")
    if not given:
        click.echo("its key (shown once; SePay: API key, or HMAC key if SePay lets you set it):")
        click.echo(secret)


@monitor.command("import-activity")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--commit", is_flag=True, help="Write the rows (default: a dry run).")
def import_activity_command(path: str, commit: bool) -> None:
    """Check (and with --commit import, all or nothing) a bank's CSV payment report.

    The file is read as a stream with a progress bar (rows read), in bounded memory."""
    from tqdm import tqdm

    from market.monitor.reports import check_report

    with open(path, "rb") as source, tqdm(unit=" rows", disable=None, file=sys.stderr) as bar:
        check = check_report(source, write=commit, progress=lambda rows: bar.update(rows - bar.n))
    for line, message in check.errors:
        click.echo(f"row {line}: {message}", err=True)
    if check.error_count > len(check.errors):
        click.echo(f"... and {check.error_count - len(check.errors)} more errors", err=True)
    if not check.ok:
        db.session.rollback()
        sys.exit(1)
    if commit:
        db.session.commit()
    click.echo(f"{check.count} rows {'imported' if commit else 'ready (dry run)'}")
