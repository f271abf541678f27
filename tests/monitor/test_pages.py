"""The job-run admin page, alerts and the scheduler's set-up."""
from __future__ import annotations

import time

import pytest
from factories import login, make_market, make_user
from sqlalchemy import select

from market.extensions import db
from market.jobs.scheduler import build_scheduler
from market.models import Alert, JobRun, Role
from market.models.adoption import RunStatus
from market.models.evidence import AlertKind
from monitor.makers import tenant_stall

pytestmark = pytest.mark.usefixtures("app")


def finished_run(timeout: float = 120) -> JobRun | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.rollback()
        run = db.session.scalar(select(JobRun))
        if run is not None and run.status != RunStatus.RUNNING:
            return run
        time.sleep(0.5)
    return None


def test_admin_runs_a_job_now_in_its_own_process_and_sees_it_listed(client):
    tenant_stall(make_market())
    login(client, make_user(Role.ADMIN))
    started = client.post("/monitor/runs", data={"job": "full", "day": "20/11/2026"},
                          follow_redirects=True).get_data(as_text=True)
    assert "Đã bắt đầu tác vụ Tính toàn bộ cho ngày 20/11/2026" in started
    run = finished_run()
    assert run is not None and (run.status, run.trigger, run.rows) == (RunStatus.SUCCEEDED, "web", 2)
    page = client.get("/monitor/runs").get_data(as_text=True)
    assert "Thành công" in page and "20/11/2026" in page


def test_a_bad_day_is_refused_on_the_runs_page(client):
    login(client, make_user(Role.ADMIN))
    page = client.post("/monitor/runs", data={"job": "full", "day": "31/02/2026"})
    assert "dd/mm/yyyy" in page.get_data(as_text=True)
    assert db.session.scalar(select(JobRun)) is None


def test_only_administrators_see_job_runs(client):
    market = make_market()
    login(client, make_user(Role.BOARD, markets=[market]))
    assert client.get("/monitor/runs").status_code == 403


def test_board_closes_an_alert_of_its_market_but_not_of_another(client):
    market, other = make_market(), make_market()
    stall, _ = tenant_stall(market)
    mine = Alert(kind=AlertKind.LAPSED, market_id=market.id, stall_id=stall.id)
    theirs = Alert(kind=AlertKind.NO_INSPECTION, market_id=other.id)
    db.session.add_all([mine, theirs])
    login(client, make_user(Role.BOARD, markets=[market]))
    listing = client.get("/monitor/alerts").get_data(as_text=True)
    assert "Gian hàng đã ngừng dùng QR" in listing
    assert "Chợ chưa được kiểm tra trong kỳ" not in listing
    assert client.post(f"/monitor/alerts/{theirs.id}/close").status_code == 404
    client.post(f"/monitor/alerts/{mine.id}/close")
    db.session.expire_all()
    assert mine.closed_at is not None and theirs.closed_at is None


def test_scheduler_has_the_three_jobs_coalesced_one_at_a_time(app):
    scheduler = build_scheduler(app)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {"monitor-close", "monitor-light", "monitor-alerts"}
    for job in jobs.values():
        assert job.coalesce and job.max_instances == 1 and job.misfire_grace_time == 3600
    assert str(jobs["monitor-close"].trigger.timezone) == "Asia/Ho_Chi_Minh"
    # Just after local midnight: the day that ended is complete.
    assert "hour='0'" in str(jobs["monitor-close"].trigger)
    assert jobs["monitor-light"].trigger.interval.total_seconds() == 15 * 60
