"""Snapshot runs: one row per market and commune per day, reruns replace, failures leave
the last good snapshot, and two schedulers never compute the same run at once."""
from __future__ import annotations

import threading

import pytest
from factories import make_commune, make_market
from sqlalchemy import func, select

from market.extensions import db
from market.jobs.runs import run_job
from market.models import AdoptionSnapshot, Alert, JobRun
from market.models.adoption import JobKind, RunStatus
from market.models.evidence import AlertKind, QrUse
from monitor.makers import TODAY, days_ago, inspection, payments, tenant_stall

pytestmark = pytest.mark.usefixtures("app")


def two_markets_in_one_commune():
    commune = make_commune()
    first, second = make_market(commune=commune), make_market(commune=commune)
    for market in (first, second):
        tenant_stall(market)
        active, _ = tenant_stall(market)
        payments(active, days_ago(2), 3)
    db.session.commit()
    return commune, first, second


def snapshots(day=TODAY):
    return db.session.scalars(
        select(AdoptionSnapshot).where(AdoptionSnapshot.day == day).order_by(AdoptionSnapshot.id)
    ).all()


def test_full_run_writes_one_row_per_market_and_commune():
    commune, first, second = two_markets_in_one_commune()
    run = run_job(JobKind.FULL, TODAY, "test")
    assert run.status == RunStatus.SUCCEEDED and run.rows == 3
    rows = {(s.market_id, s.commune_id): s for s in snapshots()}
    assert set(rows) == {(first.id, None), (second.id, None), (None, commune.id)}
    assert (rows[(None, commune.id)].operating, rows[(None, commune.id)].active) == (4, 2)
    assert (rows[(first.id, None)].registered, rows[(first.id, None)].active) == (1, 1)


def test_rerun_replaces_the_days_rows():
    two_markets_in_one_commune()
    run_job(JobKind.FULL, TODAY, "test")
    first_ids = {s.id for s in snapshots()}
    run = run_job(JobKind.FULL, TODAY, "test")
    assert run.status == RunStatus.SUCCEEDED
    again = snapshots()
    assert len(again) == 3 and first_ids.isdisjoint({s.id for s in again})
    assert all(s.run_id == run.id for s in again)


def test_failed_run_leaves_the_last_snapshot_and_a_failed_record(monkeypatch):
    _commune, first, _ = two_markets_in_one_commune()
    good = run_job(JobKind.FULL, TODAY, "test")
    payments(tenant_stall(first)[0], days_ago(1), 5)
    db.session.commit()

    def crash(*args, **kwargs):
        raise RuntimeError("disk full half way")

    # Market rows are written, then the commune step fails: the run must leave nothing.
    monkeypatch.setattr("market.monitor.snapshots.write_commune_snapshots", crash)
    failed = run_job(JobKind.FULL, TODAY, "test")
    assert failed.status == RunStatus.FAILED
    assert "disk full half way" in failed.error and failed.finished_at is not None
    rows = snapshots()
    assert len(rows) == 3 and all(s.run_id == good.id for s in rows)
    assert next(s for s in rows if s.market_id == first.id).operating == 2


def test_light_refresh_recomputes_only_changed_markets():
    _, first, second = two_markets_in_one_commune()
    run_job(JobKind.FULL, TODAY, "test")
    before = {s.market_id: s.id for s in snapshots() if s.market_id}
    _stall, _ = tenant_stall(second)
    db.session.commit()
    light = run_job(JobKind.LIGHT, TODAY, "test")
    assert light.status == RunStatus.SUCCEEDED and light.rows == 2  # one market, its commune
    after = {s.market_id: s for s in snapshots() if s.market_id}
    assert after[first.id].id == before[first.id]
    assert after[second.id].operating == 3


def test_backfill_command_writes_each_day(cli):
    two_markets_in_one_commune()
    result = cli.invoke(args=["monitor", "backfill", "--from", "2026-11-18", "--to", "2026-11-20"])
    assert result.exit_code == 0, result.output
    assert "3 days, 0 failed" in result.output
    assert db.session.scalar(select(func.count(func.distinct(AdoptionSnapshot.day)))) == 3


def test_run_command_reports_the_run(cli):
    two_markets_in_one_commune()
    result = cli.invoke(args=["monitor", "run", "--date", "2026-11-20"])
    assert result.exit_code == 0, result.output
    assert "full 2026-11-20: succeeded, 3 rows" in result.output


def test_alert_check_opens_lapsed_and_uninspected_once():
    market = make_market()
    lapsed, _ = tenant_stall(market)
    payments(lapsed, days_ago(60), 4)
    inspected = make_market()
    seen, _ = tenant_stall(inspected)
    inspection(seen, days_ago(5), use=QrUse.DAILY)
    db.session.commit()
    assert run_job(JobKind.ALERTS, TODAY, "test").rows == 2
    assert run_job(JobKind.ALERTS, TODAY, "test").rows == 0
    kinds = db.session.execute(select(Alert.kind, Alert.market_id, Alert.stall_id)).all()
    assert sorted(kinds) == sorted([(AlertKind.LAPSED, market.id, lapsed.id),
                                    (AlertKind.NO_INSPECTION, market.id, None)])


def test_two_concurrent_runs_make_one_snapshot_set_and_one_skip(app, is_postgresql):
    if not is_postgresql:
        pytest.skip("SQLite has one writer and one scheduler: the advisory lock is a no-op there")
    two_markets_in_one_commune()
    locked, second_done = threading.Event(), threading.Event()
    results = {}

    def hold_until_second_has_tried():
        locked.set()
        second_done.wait(timeout=30)

    def first():
        with app.app_context():
            results["first"] = run_job(JobKind.FULL, TODAY, "a", on_locked=hold_until_second_has_tried).status
            db.session.remove()

    def second():
        locked.wait(timeout=30)
        with app.app_context():
            results["second"] = run_job(JobKind.FULL, TODAY, "b").status
            db.session.remove()
        second_done.set()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert results == {"first": RunStatus.SUCCEEDED, "second": RunStatus.SKIPPED}
    assert len(snapshots()) == 3
    statuses = sorted(r.status.value for r in db.session.scalars(select(JobRun)))
    assert statuses == ["skipped", "succeeded"]
