"""The keys of a bank report's rows read so far live in a temporary file, not in memory: a
stall and day reached again through another account in a later chunk still adds up, and an
account and day given twice is still refused with the line that gave it first."""
from __future__ import annotations

from datetime import date

import pytest
from factories import make_account, make_market
from sqlalchemy import select

from market.extensions import db
from market.models import PaymentActivity, UnmatchedReportRow
from market.monitor import reports
from monitor.makers import noon, tenant_stall

pytestmark = pytest.mark.usefixtures("app")


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(reports, "CHUNK", 3)


def days_of(numbers: list[str], days: int) -> list[str]:
    return [f"{number},{day:02d}/11/2026,{day},{day * 1000}"
            for day in range(1, days + 1) for number in numbers]


def test_a_stall_and_day_reached_again_in_a_later_chunk_adds_up_and_importing_again_replaces(
        small_chunks):
    stall, old = tenant_stall(make_market())
    new = make_account(old.vendor, account_number="7766554433")
    new.created_at = old.retired_at = noon(date(2026, 11, 18))  # both paid the stall that day
    _, other = tenant_stall(make_market())
    db.session.flush()
    # The new account's row comes first; the old account's row of the same day, 35 lines
    # (a dozen chunks) later.
    lines = [f"{new.account_number},18/11/2026,5,500", *days_of([old.account_number,
                                                                other.account_number], 18)]
    report = "account_number,date,count,amount\n" + "\n".join(lines) + "\n"
    for _ in range(2):
        check = reports.import_report(report)
        assert (check.ok, check.count) == (True, 37)
        on_the_day = db.session.scalar(select(PaymentActivity.payments).where(
            PaymentActivity.stall_id == stall.id, PaymentActivity.day == date(2026, 11, 18)))
        assert on_the_day == 5 + 18


def test_a_duplicate_far_from_its_first_line_is_refused_and_unmatched_rows_are_set_aside(
        small_chunks):
    _, account = tenant_stall(make_market())
    db.session.flush()
    lines = [*days_of([account.account_number, "5550001112223"], 9),
             f"{account.account_number},01/11/2026,9,9"]
    check = reports.check_report("account_number,date,count,amount\n" + "\n".join(lines) + "\n")
    assert check.errors == [(20, "Trùng tài khoản và ngày với dòng 2.")]
    assert (check.unmatched_count, check.count) == (9, 9)
    check = reports.import_report("account_number,date,count,amount\n" + "\n".join(lines[:-1]) + "\n")
    assert check.ok
    assert db.session.scalar(select(db.func.count()).select_from(UnmatchedReportRow)) == 9
