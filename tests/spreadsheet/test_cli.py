"""The command line: a dry run by default, --commit to write, --as for a user's scope, export."""
from __future__ import annotations

from factories import make_market, make_user
from openpyxl import load_workbook
from sqlalchemy import func, select

from market.extensions import db
from market.models import AuditEvent, Role, Stall
from spreadsheet.spreadsheet_files import csv_bytes, full_row, xlsx_bytes


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def test_import_is_a_dry_run_until_commit(cli, tmp_path):
    make_market(code="CHO1")
    db.session.commit()
    path = tmp_path / "bang.xlsx"
    path.write_bytes(xlsx_bytes([full_row("CHO1", "A01"), full_row("CHO1", "A02", account="12")]))
    result = cli.invoke(args=["registry", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "stall    create 2" in result.output and "dry run" in result.output
    assert count(Stall) == 0
    result = cli.invoke(args=["registry", "import", str(path), "--commit"])
    assert result.exit_code == 0 and "written" in result.output
    assert count(Stall) == 2


def test_import_as_a_board_user_is_limited_to_their_markets(cli, tmp_path):
    own = make_market(code="CHO1")
    make_market(code="CHO2")
    user = make_user(Role.BOARD, markets=[own], username="bql-cho1")
    db.session.commit()
    path = tmp_path / "bang.csv"
    path.write_bytes(csv_bytes([full_row("CHO1", "A01"), full_row("CHO2", "A01")]))
    result = cli.invoke(args=["registry", "import", str(path), "--commit", "--as", "bql-cho1"])
    assert result.exit_code == 1
    assert "row 3, Mã chợ: Không có chợ mã CHO2 trong phạm vi bạn quản lý." in result.output
    assert count(Stall) == 0
    path.write_bytes(csv_bytes([full_row("CHO1", "A01")]))
    result = cli.invoke(args=["registry", "import", str(path), "--commit", "--as", "bql-cho1"])
    assert result.exit_code == 0, result.output
    assert set(db.session.scalars(select(AuditEvent.actor_id))) == {user.id}


def test_a_file_that_is_not_a_spreadsheet_is_refused(cli, tmp_path):
    path = tmp_path / "anh.xlsx"
    path.write_bytes(b"\xff\xd8\xff\xe0" + bytes(100))
    result = cli.invoke(args=["registry", "import", str(path)])
    assert result.exit_code == 1 and "không phải bảng tính" in result.output


def test_export_writes_the_markets_stalls(cli, tmp_path):
    make_market(code="CHO1")
    db.session.commit()
    path = tmp_path / "bang.xlsx"
    path.write_bytes(xlsx_bytes([full_row("CHO1", "A01")]))
    cli.invoke(args=["registry", "import", str(path), "--commit"])
    out = tmp_path / "ra.xlsx"
    result = cli.invoke(args=["registry", "export", "--market", "cho1", "-o", str(out)])
    assert result.exit_code == 0 and "1 stalls" in result.output
    rows = list(load_workbook(out, read_only=True).worksheets[0].iter_rows(values_only=True))
    assert rows[1][:2] == ("CHO1", "A01") and rows[1][12] == "0011012345678"


def test_a_lettered_account_is_written_only_with_accept_warnings(cli, tmp_path):
    make_market(code="CHO1")
    db.session.commit()
    path = tmp_path / "so.xlsx"
    path.write_bytes(xlsx_bytes([full_row("CHO1", "A01", account="0123 45AB 789",
                                          **{"Ngân hàng": "Agribank"})]))
    result = cli.invoke(args=["registry", "import", str(path), "--commit"])
    assert result.exit_code == 1 and "--accept-warnings" in result.output
    assert "số tài khoản có chữ cái: kiểm tra lại" in result.output
    assert count(Stall) == 0
    result = cli.invoke(args=["registry", "import", str(path), "--commit", "--accept-warnings"])
    assert result.exit_code == 0, result.output
    assert count(Stall) == 1
