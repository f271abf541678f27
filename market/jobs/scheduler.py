"""``flask --app market scheduler``: the monitor's jobs in their own process (never in a web
worker). Several can run on several machines: a PostgreSQL advisory lock lets one do each run."""
from __future__ import annotations

import logging
from datetime import timedelta

import click
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask, current_app
from flask.cli import with_appcontext

from market.models.adoption import JobKind

log = logging.getLogger(__name__)


def run_in_app(app: Flask, job: JobKind) -> None:
    """One scheduled run: its own app context, committed or rolled back inside ``run_job``.
    The closing run closes the day that ended (it fires after local midnight); the others
    work on today."""
    from market.jobs.runs import run_job
    from market.monitor.clock import local_today

    with app.app_context():
        today = local_today()
        day = today - timedelta(days=1) if job == JobKind.CLOSE else today
        run = run_job(job, day, trigger="scheduler")
        log.info("monitor %s for %s: %s (%s rows)", job.value, run.day, run.status.value, run.rows)


def build_scheduler(app: Flask) -> BlockingScheduler:
    config = app.config
    zone = config["TIMEZONE"]
    scheduler = BlockingScheduler(timezone=zone)
    # A missed run is made up once (coalesce), late by up to the grace time, never twice at once.
    once = {
        "coalesce": True,
        "max_instances": 1,
        "misfire_grace_time": int(config["MONITOR_MISFIRE_GRACE_SECONDS"]),
    }
    scheduler.add_job(
        run_in_app, CronTrigger.from_crontab(config["MONITOR_CLOSE_CRON"], timezone=zone),
        args=[app, JobKind.CLOSE], id="monitor-close", name="close the day that ended", **once,
    )
    scheduler.add_job(
        run_in_app, IntervalTrigger(minutes=int(config["MONITOR_LIGHT_MINUTES"]), timezone=zone),
        args=[app, JobKind.LIGHT], id="monitor-light", name="light refresh of today", **once,
    )
    scheduler.add_job(
        run_in_app, CronTrigger.from_crontab(config["MONITOR_ALERTS_CRON"], timezone=zone),
        args=[app, JobKind.ALERTS], id="monitor-alerts", name="daily alert check", **once,
    )
    return scheduler


@click.command("scheduler")
@with_appcontext
def scheduler_command() -> None:
    """Run the monitor's scheduled jobs until stopped (Ctrl-C)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    scheduler = build_scheduler(current_app._get_current_object())
    for job in scheduler.get_jobs():
        click.echo(f"scheduled: {job.name} ({job.trigger})")
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
