"""A monitor run whose process was killed mid-way never blocks the next one; on PostgreSQL the
next run also closes its record, which would otherwise show "running" for ever."""
from __future__ import annotations

import pytest
from factories import make_market
from monitor.makers import TODAY, tenant_stall
from sqlalchemy import select

from market.extensions import db
from market.jobs.runs import run_job
from market.models import JobRun, utcnow
from market.models.adoption import JobKind, RunStatus

pytestmark = pytest.mark.usefixtures("app")


def killed_run() -> JobRun:
    """The record a SIGKILLed ``monitor run`` leaves: started, never finished."""
    run = JobRun(job=JobKind.FULL, day=TODAY, trigger="scheduler", status=RunStatus.RUNNING,
                 started_at=utcnow())
    db.session.add(run)
    db.session.commit()
    return run


def test_the_run_after_a_killed_one_completes_and_closes_its_record(is_postgresql):
    tenant_stall(make_market())
    db.session.commit()
    stale = killed_run()

    run = run_job(JobKind.LIGHT, TODAY, "scheduler")

    assert run.status == RunStatus.SUCCEEDED and run.rows > 0
    stale = db.session.scalar(select(JobRun).where(JobRun.id == stale.id))
    if is_postgresql:
        assert stale.status == RunStatus.FAILED
        assert "interrupted" in stale.error and stale.finished_at is not None
    else:  # no lock shared between processes: a running record may be a live run
        assert stale.status == RunStatus.RUNNING


def test_alert_runs_leave_snapshot_runs_alone():
    stale = killed_run()

    run_job(JobKind.ALERTS, TODAY, "scheduler")

    assert db.session.get(JobRun, stale.id).status == RunStatus.RUNNING


def test_a_second_scheduler_firing_the_same_job_at_the_same_time_is_skipped():
    tenant_stall(make_market())
    db.session.commit()

    first = run_job(JobKind.FULL, TODAY, "scheduler")
    second = run_job(JobKind.FULL, TODAY, "scheduler")
    by_hand = run_job(JobKind.FULL, TODAY, "cli")

    assert [first.status, second.status, by_hand.status] == [
        RunStatus.SUCCEEDED, RunStatus.SKIPPED, RunStatus.SUCCEEDED]
    assert second.rows == 0 and first.rows == by_hand.rows > 0
