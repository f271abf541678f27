"""Days that close: the scheduler's jobs under a controlled clock."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from factories import make_commune, make_market
from sqlalchemy import select

from market.extensions import db
from market.jobs.runs import run_job
from market.jobs.scheduler import build_scheduler
from market.jobs.work import is_closed
from market.models import AdoptionSnapshot, AdoptionTarget, JobRun, StaleMark
from market.models.adoption import JobKind, RunStatus
from market.models.evidence import NonUseReason, QrUse
from market.monitor.reports import import_report
from monitor.makers import HANOI, inspection, tenant_stall
from monitor.test_over_time import figures_of

pytestmark = pytest.mark.usefixtures("app")

D = date(2026, 11, 20)


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=HANOI)


def scheduled(app, job_id: str):
    job = {job.id: job for job in build_scheduler(app).get_jobs()}[job_id]
    return lambda: job.func(*job.args)


def all_figures() -> dict[tuple, tuple]:
    db.session.expire_all()
    return {(s.day, s.market_id, s.commune_id): figures_of(s)
            for s in db.session.scalars(select(AdoptionSnapshot))}


def test_the_night_job_closes_yesterday(app):
    market = make_market()
    tenant_stall(market)
    db.session.commit()
    with time_machine.travel(local(D + timedelta(days=1), 0, 10), tick=True):
        scheduled(app, "monitor-close")()
    run = db.session.scalar(select(JobRun).order_by(JobRun.id.desc()))
    assert (run.job, run.day, run.status) == (JobKind.CLOSE, D, RunStatus.SUCCEEDED)
    assert run.computed == f"{D.isoformat()} all close"
    assert is_closed(D) and not is_closed(D + timedelta(days=1))
    assert {s.day for s in db.session.scalars(select(AdoptionSnapshot))} == {D}


def test_a_late_report_for_three_days_ago_changes_that_day_and_nothing_else(app):
    commune = make_commune()
    market, quiet = make_market(commune=commune), make_market(commune=commune)
    # One-day activity window: a payment makes its own day active. The vendor said no (with
    # a reason) two days ago, so the later days stay "declined" whatever the payment says.
    db.session.add(AdoptionTarget(market_id=market.id, activity_window_days=1))
    stall, account = tenant_stall(market)
    inspection(stall, D - timedelta(days=2), use=QrUse.NO, reason=NonUseReason.PREFERS_CASH)
    tenant_stall(market)
    tenant_stall(quiet)
    db.session.commit()
    for back in range(5, -1, -1):
        day = D - timedelta(days=back)
        with time_machine.travel(local(day + timedelta(days=1), 0, 10), tick=True):
            scheduled(app, "monitor-close")()
    with time_machine.travel(local(D + timedelta(days=1), 0, 20), tick=True):
        scheduled(app, "monitor-light")()
    before = all_figures()
    late = D - timedelta(days=3)
    with time_machine.travel(local(D + timedelta(days=1), 9), tick=True):
        assert import_report(f"account_number,date,count,amount\n{account.account_number},"
                             f"{late:%d/%m/%Y},2,50000\n").ok
        db.session.commit()
        assert db.session.scalar(select(StaleMark.since)) == late
    with time_machine.travel(local(D + timedelta(days=1), 9, 15), tick=True):
        scheduled(app, "monitor-light")()
    after = all_figures()
    changed = {key for key in before if before[key] != after[key]}
    assert changed == {(late, market.id, None), (late, None, commune.id)}
    # registered -> active on that day, in the market and in its commune.
    assert after[(late, market.id, None)][5] == before[(late, market.id, None)][5] + 1
    run = db.session.scalar(select(JobRun).order_by(JobRun.id.desc()))
    assert f"{late.isoformat()} 1 payments" in run.computed.splitlines()
    assert db.session.scalar(select(StaleMark.id)) is None


def test_late_evidence_older_than_the_horizon_is_left_to_backfill_and_said_so(app):
    market = make_market()
    _stall, account = tenant_stall(market)
    db.session.commit()
    old = D - timedelta(days=40)
    with time_machine.travel(local(old, 12), tick=True):
        run_job(JobKind.FULL, old, "test")
    with time_machine.travel(local(D, 9), tick=True):
        import_report(f"account_number,date,count,amount\n{account.account_number},"
                      f"{old:%d/%m/%Y},1,10000\n")
        db.session.commit()
        run = run_job(JobKind.LIGHT, D, "test")
    assert f"{old.isoformat()} 1 payments:before_horizon" in run.computed.splitlines()
    assert db.session.scalar(select(AdoptionSnapshot.active).where(
        AdoptionSnapshot.day == old, AdoptionSnapshot.market_id == market.id)) == 0
