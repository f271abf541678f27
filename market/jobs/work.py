"""What each monitor job does inside its run's transaction (flush, never commit)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from market.extensions import db
from market.models import JobRun
from market.models.adoption import JobKind, RunStatus
from market.monitor.alerts import daily_alert_check
from market.monitor.snapshots import markets_changed_since, write_snapshots


def full_run(day: date, run_id: int) -> int:
    """Every market's and commune's snapshot for ``day``."""
    return write_snapshots(day, run_id)


def light_run(day: date, run_id: int) -> int:
    """Refresh ``day``'s snapshots of the markets that changed since the last good run for
    that day; the whole day when there is none yet."""
    since = db.session.scalar(
        select(JobRun.started_at)
        .where(
            JobRun.day == day,
            JobRun.job.in_([JobKind.FULL, JobKind.LIGHT]),
            JobRun.status == RunStatus.SUCCEEDED,
        )
        .order_by(JobRun.started_at.desc())
        .limit(1)
    )
    if since is None:
        return write_snapshots(day, run_id)
    markets = markets_changed_since(since)
    if not markets:
        return 0
    return write_snapshots(day, run_id, markets)


def alert_check(day: date, run_id: int) -> int:
    return daily_alert_check(day)
