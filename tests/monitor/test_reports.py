"""Bank CSV reports read as a stream, chunk by chunk: all or nothing whatever the chunk of the
bad row, every error counted, a progress bar on the command line."""
from __future__ import annotations

import pytest
from factories import make_market
from sqlalchemy import func, select

from market.extensions import db
from market.models import PaymentActivity
from market.monitor import reports
from monitor.makers import tenant_stall

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
