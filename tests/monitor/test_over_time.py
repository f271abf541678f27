"""Figures that hold over time: the registry as it was on each day, one roll-up, and the six
ways they used to go wrong once things changed after the day was counted."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from api.helpers import bearer
from factories import (
    login,
    make_account,
    make_commune,
    make_market,
    make_stall,
    make_user,
    make_vendor,
)
from sqlalchemy import select

from market.extensions import db
from market.jobs.runs import run_job
from market.jobs.scheduler import build_scheduler
from market.models import (
    AdoptionSnapshot,
    JobRun,
    PaymentActivity,
    PaymentNotification,
    Role,
    StallStatus,
    Tenancy,
    UnmatchedReportRow,
)
from market.models.adoption import JobKind, RunStatus
from market.models.evidence import NotificationStatus
from market.monitor.clock import local_today
from market.monitor.ladder import step_of
from market.monitor.registry_lookup import Unmatched
from market.monitor.reports import import_report
from market.monitor.snapshots import FIGURES
from market.registry.services import assign_tenant, end_tenancy, retire_market, update_stall
from monitor.makers import HANOI, noon, tenant_stall
from monitor.test_evidence import notify, payment, webhook_setup

pytestmark = pytest.mark.usefixtures("app")

TODAY = date(2026, 11, 20)


def figures_of(snapshot: AdoptionSnapshot) -> tuple:
    return tuple(getattr(snapshot, name) for name in FIGURES)


def at_local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=HANOI)


def row(day: date, *, market=None, commune=None) -> AdoptionSnapshot | None:
    query = select(AdoptionSnapshot).where(AdoptionSnapshot.day == day)
    if market is not None:
        query = query.where(AdoptionSnapshot.market_id == market.id)
    else:
        query = query.where(AdoptionSnapshot.commune_id == commune.id)
    db.session.expire_all()
    return db.session.scalar(query)


def commune_of_two():
    commune = make_commune()
    first, second = make_market(commune=commune), make_market(commune=commune)
    stalls = {market: [tenant_stall(market)[0] for _ in range(3)] for market in (first, second)}
    db.session.commit()
    return commune, first, second, stalls


# 1. The 15-minute refresh sees a closed stall and a retired market.

def test_refresh_after_closing_a_stall_and_retiring_a_market_agrees_everywhere(client):
    with time_machine.travel(at_local(TODAY, 8), tick=True):
        commune, first, second, stalls = commune_of_two()
    with time_machine.travel(at_local(TODAY, 9), tick=True):
        assert run_job(JobKind.LIGHT, TODAY, "test").status == RunStatus.SUCCEEDED
        assert row(TODAY, commune=commune).operating == 6
        update_stall(stalls[first][0], status=StallStatus.CLOSED)
        retire_market(second)
        db.session.commit()
    with time_machine.travel(at_local(TODAY, 9, 15), tick=True):
        assert run_job(JobKind.LIGHT, TODAY, "test").status == RunStatus.SUCCEEDED
        assert row(TODAY, market=first).operating == 2
        assert row(TODAY, market=second) is None
        assert row(TODAY, commune=commune).operating == 2
        headers = bearer(make_user(Role.ADMIN))
        series = client.get(f"/api/v1/units/{commune.id}/snapshots?from=2026-11-20&to=2026-11-20",
                            headers=headers)
        assert [item["operating"] for item in series.json["items"]] == [2]
        opendata = client.get("/api/v1/open-data/coverage.csv?month=2026-11").get_data(as_text=True)
        line = next(text for text in opendata.splitlines() if commune.code in text).split(",")
        assert (line[5], line[6]) == ("1", "2")  # one market counted that day, 2 stalls


# 2. The night run closes the day that ended, with the evidence that came in after midnight.

def test_night_run_closes_the_day_that_ended_with_a_report_that_arrived_after_midnight(app):
    _commune, first, _second, stalls = commune_of_two()
    stall = stalls[first][0]
    account = stall.tenancies[0].vendor.accounts[0]
    night = {job.id: job for job in build_scheduler(app).get_jobs()}["monitor-close"]
    with time_machine.travel(at_local(TODAY, 18), tick=True):
        run_job(JobKind.LIGHT, TODAY, "test")
        assert row(TODAY, market=first).active == 0
    with time_machine.travel(at_local(TODAY + timedelta(days=1), 0, 5), tick=True):
        import_report(f"account_number,date,count,amount\n{account.account_number},"
                      f"{TODAY:%d/%m/%Y},3,90000\n")
        db.session.commit()
        night.func(*night.args)
    assert row(TODAY, market=first).active == 1
    closing = db.session.scalar(select(AdoptionSnapshot.run_id).where(
        AdoptionSnapshot.day == TODAY, AdoptionSnapshot.market_id == first.id))
    assert db.session.get(JobRun, closing).job == JobKind.CLOSE


# 3. A backfill keeps a retired market's history and its commune's.

def test_backfill_keeps_the_history_of_a_retired_market(cli):
    commune, _first, second, _ = commune_of_two()
    day = date(2026, 11, 10)
    assert run_job(JobKind.FULL, day, "test").status == RunStatus.SUCCEEDED
    retire_market(second)
    db.session.commit()
    result = cli.invoke(args=["monitor", "backfill", "--from", "2026-11-10", "--to", "2026-11-10"])
    assert result.exit_code == 0, result.output
    assert row(day, market=second).operating == 3
    assert row(day, commune=commune).operating == 6


# 4. end_on is the vendor's last day.

def test_the_tenant_still_counts_on_the_last_day_of_the_tenancy():
    market = make_market()
    stall, _account = tenant_stall(market)
    end_tenancy(stall.tenancies[0], date(2026, 11, 15))
    db.session.flush()
    assert step_of(stall.id, date(2026, 11, 15)).value == "registered"
    assert step_of(stall.id, date(2026, 11, 16)).value == "no_account"


# 5. Payments go to the stall whose payee the account was on the payment's day.

def test_a_payment_before_an_account_change_reported_after_it_counts_for_the_stall():
    market = make_market()
    stall, old = tenant_stall(market)
    other, other_account = tenant_stall(market)
    changed = noon(date(2026, 11, 18))
    new = make_account(old.vendor, account_number="7766554433")
    new.created_at = old.retired_at = changed
    db.session.flush()
    report = ("account_number,date,count,amount\n"
              f"{old.account_number},17/11/2026,2,40000\n"
              f"{new.account_number},19/11/2026,1,10000\n"
              "5550001112223,19/11/2026,9,90000\n"
              f"{other_account.account_number},19/11/2026,4,80000\n")
    check = import_report(report)
    assert check.ok
    stored = db.session.execute(select(PaymentActivity.stall_id, PaymentActivity.day,
                                       PaymentActivity.payments).order_by(PaymentActivity.id)).all()
    assert sorted(stored) == sorted([(stall.id, date(2026, 11, 17), 2),
                                     (stall.id, date(2026, 11, 19), 1),
                                     (other.id, date(2026, 11, 19), 4)])
    kept = db.session.execute(select(UnmatchedReportRow.account_number, UnmatchedReportRow.reason)).all()
    assert kept == [("5550001112223", Unmatched.UNKNOWN_ACCOUNT)]


def test_an_old_account_paid_after_the_change_is_not_the_stall_s_any_more():
    market = make_market()
    _stall, old = tenant_stall(market)
    changed = noon(date(2026, 11, 18))
    new = make_account(old.vendor, account_number="7766554433")
    new.created_at = old.retired_at = changed
    db.session.flush()
    check = import_report(f"account_number,date,count,amount\n{old.account_number},19/11/2026,2,1\n")
    assert check.ok and check.count == 0
    assert check.unmatched[0]["reason"] == Unmatched.NO_PAYEE


def test_a_tenant_with_an_end_date_set_still_receives_payments(client):
    stall, account, partner, secret = webhook_setup()
    end_tenancy(stall.tenancies[0], local_today() + timedelta(days=10))
    db.session.commit()
    response = notify(client, partner, secret, payment(account.account_number))
    assert response.json["status"] == "applied"
    assert db.session.scalar(select(PaymentNotification.stall_id)) == stall.id


def test_a_webhook_paid_before_the_change_arriving_after_it_is_applied(client):
    stall, account, partner, secret = webhook_setup()
    paid = datetime.now(UTC) - timedelta(days=3)
    new = make_account(account.vendor, account_number="7766554433")
    new.created_at = account.retired_at = datetime.now(UTC) - timedelta(days=1)
    db.session.commit()
    response = notify(client, partner, secret,
                      dict(payment(account.account_number), paid_at=paid.isoformat()))
    assert response.json["status"] == NotificationStatus.APPLIED.value
    assert db.session.scalar(select(PaymentActivity.stall_id)) == stall.id


# 6. A backfill counts a stall only from the day it opened, with its status of that day.

def test_backfill_counts_stalls_from_their_opening_with_the_status_of_the_day(cli):
    market = make_market()
    tenant_stall(market)
    make_stall(market, opened_on=date(2026, 11, 15))
    closed_today, _ = tenant_stall(market)
    db.session.commit()
    update_stall(closed_today, status=StallStatus.CLOSED)
    db.session.commit()
    result = cli.invoke(args=["monitor", "backfill", "--from", "2026-11-14", "--to", "2026-11-15"])
    assert result.exit_code == 0, result.output
    assert row(date(2026, 11, 14), market=market).operating == 2
    assert row(date(2026, 11, 15), market=market).operating == 3


def test_a_stall_closed_and_reopened_counts_by_the_status_of_each_day():
    market = make_market()
    stall, _ = tenant_stall(market)
    for day, status in ((date(2026, 11, 10), StallStatus.VACANT),
                        (date(2026, 11, 12), StallStatus.OPERATING)):
        with time_machine.travel(at_local(day, 10)):
            update_stall(stall, status=status)
            db.session.flush()
    assert [step_of(stall.id, date(2026, 11, d)) is not None for d in (9, 10, 11, 12)] == [
        True, False, False, True]


def test_a_tenancy_starting_today_shows_in_the_next_refresh():
    market = make_market()
    stall = make_stall(market)
    vendor = make_vendor()
    make_account(vendor)
    db.session.commit()
    today = local_today()  # the market's day, not the machine's
    run_job(JobKind.LIGHT, today, "test")
    assert row(today, market=market).no_account == 1
    assign_tenant(stall, vendor, today)
    db.session.commit()
    run_job(JobKind.LIGHT, today, "test")
    assert row(today, market=market).registered == 1
    assert db.session.scalar(select(Tenancy.start_on)) == today


# The pages say what the figures mean and where they come from.

def test_dashboard_says_how_each_figure_is_counted(client):
    commune, _first, _second, _ = commune_of_two()
    run_job(JobKind.FULL, local_today(), "test")
    login(client, make_user(Role.COMMUNE, unit=commune))
    page = client.get("/dashboard/", follow_redirects=True).get_data(as_text=True)
    assert "Cách tính các con số" in page
    for words in ("ngày kết thúc thuê là ngày bán cuối cùng", "chưa ai thấy mã treo",
                  "chưa phải tài khoản nhận tiền", "chưa từng đạt", "lấy số lớn hơn",
                  "tính cả hai chiều"):
        assert words in page


def test_run_history_and_quarantine_say_which_days_and_why(client):
    market = make_market()
    _stall, account = tenant_stall(market)
    db.session.commit()
    run_job(JobKind.FULL, local_today() - timedelta(days=2), "test")
    import_report(f"account_number,date,count,amount\n{account.account_number},"
                  f"{local_today() - timedelta(days=2):%d/%m/%Y},1,10000\n"
                  f"5550001112223,{local_today():%d/%m/%Y},1,10000\n")
    db.session.commit()
    run_job(JobKind.LIGHT, local_today(), "test")
    login(client, make_user(Role.ADMIN))
    runs = client.get("/monitor/runs").get_data(as_text=True)
    assert f"{local_today() - timedelta(days=2):%d/%m/%Y}: 1 chợ (giao dịch đến muộn)" in runs
    held = client.get("/monitor/quarantine").get_data(as_text=True)
    assert "5550001112223" in held and "Tài khoản không có trong sổ đăng ký" in held
