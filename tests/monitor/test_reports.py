"""Bank CSV reports read as a stream, chunk by chunk: all or nothing whatever the chunk of the
bad row, every error counted, a progress bar on the command line."""
from __future__ import annotations

from datetime import date

import pytest
from factories import make_account, make_market, make_stall, make_vendor
from sqlalchemy import func, select

from market.extensions import db
from market.models import PaymentActivity, Tenancy
from market.monitor import reports
from market.monitor.registry_lookup import Unmatched
from monitor.makers import noon, tenant_stall

pytestmark = pytest.mark.usefixtures("app")


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(reports, "CHUNK", 3)


def report_of(numbers: list[str], days: int = 10) -> str:
    lines = ["account_number,date,count,amount"]
    for day in range(1, days + 1):
        lines += [f"{number},{day:02d}/11/2026,{day},{day * 1000}" for number in numbers]
    return "\n".join(lines) + "\n"


def activity_rows() -> int:
    return db.session.scalar(select(func.count()).select_from(PaymentActivity))


def test_a_bad_row_in_the_last_chunk_leaves_nothing_written_by_the_command(
        cli, small_chunks, tmp_path):
    _, account = tenant_stall(make_market())
    db.session.commit()
    path = tmp_path / "bao-cao.csv"
    path.write_text(report_of([account.account_number]) + "123,01/11/2026,x,1\n")
    result = cli.invoke(args=["monitor", "import-activity", "--commit", str(path)])
    assert result.exit_code == 1
    assert "row 12" in result.output
    db.session.remove()
    assert activity_rows() == 0


def test_a_good_report_is_imported_in_chunks_with_a_progress_count(cli, small_chunks, tmp_path):
    _, account = tenant_stall(make_market())
    db.session.commit()
    path = tmp_path / "bao-cao.csv"
    path.write_text(report_of([account.account_number]))
    seen = []
    with open(path, "rb") as source:
        check = reports.import_report(source, progress=seen.append)
    assert (check.ok, check.count) == (True, 10)
    assert seen == [3, 6, 9, 10]
    result = cli.invoke(args=["monitor", "import-activity", "--commit", str(path)])
    assert result.exit_code == 0 and "10 rows imported" in result.output
    db.session.remove()
    assert activity_rows() == 10
    assert db.session.scalar(select(func.sum(PaymentActivity.payments))) == 55


def test_an_account_and_day_given_twice_is_found_across_chunks(small_chunks):
    _, account = tenant_stall(make_market())
    text = report_of([account.account_number], days=4) + f"{account.account_number},02/11/2026,9,9\n"
    check = reports.check_report(text)
    assert check.errors == [(6, "Trùng tài khoản và ngày với dòng 3.")]


def test_every_error_is_counted_and_the_first_are_listed(monkeypatch):
    monkeypatch.setattr(reports, "SHOWN", 5)
    text = "account_number,date,count,amount\n" + "abc,01/11/2026,1,1\n" * 12
    check = reports.check_report(text)
    assert (check.error_count, len(check.errors), check.count) == (12, 5, 0)


def test_one_chunk_over_several_days_follows_an_account_change_in_the_middle():
    market = make_market()
    stall, old = tenant_stall(market)
    new = make_account(old.vendor, account_number="7766554433")
    new.created_at = old.retired_at = noon(date(2026, 11, 18))
    shared = make_vendor(stall=make_stall(market))
    db.session.add(Tenancy(stall=make_stall(market), vendor=shared, start_on=date(2026, 1, 1)))
    both = make_account(shared, account_number="5566778899")
    both.created_at = noon(date(2026, 1, 2))
    db.session.flush()
    report = "\n".join([
        "account_number,date,count,amount,bank_bin",
        f"{old.account_number},17/11/2026,2,20000,",
        f"{old.account_number},18/11/2026,3,30000,{old.bank_bin}",
        f"{new.account_number},18/11/2026,4,40000,",
        f"{new.account_number},17/11/2026,5,50000,",
        f"{old.account_number},19/11/2026,6,60000,",
        f"{new.account_number},19/11/2026,7,70000,",
        "5550001112223,18/11/2026,8,80000,",
        f"{both.account_number},18/11/2026,9,90000,",
        f"{old.account_number},17/11/2026,1,10000,970415",
    ]) + "\n"
    check = reports.import_report(report)
    assert check.ok and check.count == 4
    stored = db.session.execute(select(PaymentActivity.stall_id, PaymentActivity.day,
                                       PaymentActivity.payments)).all()
    assert sorted(stored) == [(stall.id, date(2026, 11, 17), 2), (stall.id, date(2026, 11, 18), 7),
                              (stall.id, date(2026, 11, 19), 7)]
    assert sorted((row["account_number"], row["day"].day, row["reason"]) for row in check.unmatched) == sorted([
        ("5550001112223", 18, Unmatched.UNKNOWN_ACCOUNT),
        (both.account_number, 18, Unmatched.SEVERAL_STALLS),
        (new.account_number, 17, Unmatched.NO_PAYEE),
        (old.account_number, 17, Unmatched.UNKNOWN_ACCOUNT),
        (old.account_number, 19, Unmatched.NO_PAYEE),
    ])
