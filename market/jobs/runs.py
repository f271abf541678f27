"""Running a monitor job once: the run record, the lock, one transaction, commit or roll back.

The run record is written on its own connection, so it survives a run that fails: the
failed run's writes are rolled back and the previous snapshots stay as they were.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, timedelta

from sqlalchemy import exists, insert, select, update

from market.extensions import db
from market.jobs.locks import try_job_lock
from market.models import JobRun, utcnow
from market.models.adoption import JobKind, RunStatus

log = logging.getLogger(__name__)

# Two schedulers' firings of one job this close together are one firing; well under the
# shortest light-refresh interval (one minute), so consecutive firings are never merged.
SAME_FIRING = timedelta(seconds=30)

# Full and light runs write the same snapshot rows: they share one lock.
LOCK_NAMES = {JobKind.FULL: "snapshots", JobKind.CLOSE: "snapshots", JobKind.LIGHT: "snapshots",
              JobKind.ALERTS: "alerts"}


def _job_function(job: JobKind) -> Callable[[date, int], int]:
    from market.jobs import work

    return {JobKind.FULL: work.full_run, JobKind.CLOSE: work.close_run, JobKind.LIGHT: work.light_run,
            JobKind.ALERTS: work.alert_check}[job]


def _record_start(job: JobKind, day: date, trigger: str) -> int:
    with db.engine.begin() as connection:
        return connection.execute(
            insert(JobRun)
            .values(job=job, day=day, trigger=trigger, status=RunStatus.RUNNING, started_at=utcnow())
            .returning(JobRun.id)
        ).scalar_one()


def _record_end(run_id: int, status: RunStatus, rows: int = 0, error: str = "") -> None:
    with db.engine.begin() as connection:
        connection.execute(
            update(JobRun)
            .where(JobRun.id == run_id)
            .values(status=status, rows=rows, error=error[:4000], finished_at=utcnow())
        )


def _scheduled_twice(job: JobKind, day: date, run_id: int) -> bool:
    """Whether another scheduler fired the same job for the same day at about the same time
    (several schedulers run the same crontab) and that run already succeeded: this one is a
    duplicate. Runs asked for by hand are never duplicates."""
    started = db.session.scalar(select(JobRun.started_at).where(JobRun.id == run_id))
    return db.session.scalar(
        select(
            exists().where(
                JobRun.id != run_id, JobRun.job == job, JobRun.day == day,
                JobRun.trigger == "scheduler",
                JobRun.status == RunStatus.SUCCEEDED,
                JobRun.started_at.between(started - SAME_FIRING, started + SAME_FIRING),
            )
        )
    )


def _close_interrupted(job: JobKind, run_id: int) -> None:
    """Mark as failed the earlier runs of this lock still shown as running: holding the lock
    proves their process died mid-run (killed, machine lost), and their writes were rolled
    back. Only on PostgreSQL, where the lock is shared between processes."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    jobs = [other for other, name in LOCK_NAMES.items() if name == LOCK_NAMES[job]]
    db.session.execute(
        update(JobRun)
        .where(JobRun.job.in_(jobs), JobRun.status == RunStatus.RUNNING, JobRun.id < run_id)
        .values(status=RunStatus.FAILED, error="interrupted: the process ended before finishing",
                finished_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def run_job(
    job: JobKind,
    day: date,
    trigger: str = "scheduler",
    *,
    on_locked: Callable[[], None] | None = None,
) -> JobRun:
    """Run ``job`` for ``day`` in one transaction and record it; never raises for a job error.

    ``on_locked`` is called once the lock is held (lets a caller line up a second process).
    """
    db.session.rollback()  # start from a clean transaction of our own
    run_id = _record_start(job, day, trigger)
    try:
        if not try_job_lock(LOCK_NAMES[job]):
            db.session.rollback()
            _record_end(run_id, RunStatus.SKIPPED)
            return db.session.get(JobRun, run_id)
        if trigger == "scheduler" and _scheduled_twice(job, day, run_id):
            db.session.rollback()
            _record_end(run_id, RunStatus.SKIPPED)
            return db.session.get(JobRun, run_id)
        _close_interrupted(job, run_id)
        if on_locked is not None:
            on_locked()
        rows = _job_function(job)(day, run_id)
        # Success is committed with the work itself: once the lock is free, the next
        # scheduler already sees this run as done.
        db.session.execute(
            update(JobRun)
            .where(JobRun.id == run_id)
            .values(status=RunStatus.SUCCEEDED, rows=rows, finished_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
    except Exception as error:  # the run's record says what went wrong
        db.session.rollback()
        log.exception("monitor job %s for %s failed", job, day)
        _record_end(run_id, RunStatus.FAILED, error=f"{type(error).__name__}: {error}")
    db.session.expire_all()
    return db.session.get(JobRun, run_id)
