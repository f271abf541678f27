"""The dry run finds every problem by row and column; the commit does exactly what it planned."""
from __future__ import annotations

import io
from datetime import date

import pytest
from factories import make_account, make_market, make_stall, make_user, make_vendor
from openpyxl import load_workbook
from sqlalchemy import func, select

from market.extensions import db
from market.models import (
    AccountSource,
    AuditEvent,
    BankAccount,
    GoodsCategory,
    Role,
    Stall,
    StallStatus,
    Tenancy,
    Vendor,
)
from market.registry.spreadsheet.apply import ImportRefused, apply_plan
from market.registry.spreadsheet.export import registry_rows, write_csv, write_xlsx
from market.registry.spreadsheet.plan import plan_import
from market.registry.spreadsheet.reader import Limits, read_sheet
from spreadsheet.spreadsheet_files import SPREADSHEETS, full_row, sheet_row, xlsx_bytes

WRITERS = {"xlsx": write_xlsx, "csv": write_csv}


def dry_run(data: bytes, user=None):
    return plan_import(read_sheet(data, Limits()), user)


def run_import(data: bytes, user=None):
    plan = dry_run(data, user)
    apply_plan(plan)
    db.session.commit()
    return plan


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def problems_of(plan) -> set[tuple[int, str, str]]:
    return {(p.row, p.column, str(p.message)) for p in plan.problems}


def test_dry_run_names_every_problem_by_row_and_column_in_vietnamese():
    board = make_user(Role.BOARD, markets=[make_market(code="CHO1"), make_market(code="CHO2")])
    data = xlsx_bytes([
        full_row("CHO1", "A01"),
        full_row("CHO1", "A02", **{"Ngân hàng": "Ngân hàng Mặt Trăng"}),
        full_row("CHO1", "A03", account="12 34-56@78"),
        full_row("CHO1", "A01", account="0011012345679"),
        full_row("CHO1", "A05", name="", **{"Tên chủ tài khoản": "NGUYEN VAN A"}),
        full_row("CHO9", "A06"),
        full_row("CHO1", "A07", **{"Ngành hàng": "Vàng bạc", "Năm sinh": "1850",
                                   "Số điện thoại": "12345", "Số": "-3"}),
        sheet_row("CHO1", "A08", **{"Ngân hàng": "VCB"}),
    ])
    plan = dry_run(data, board)
    found = problems_of(plan)
    unknown_bank = ("Không nhận ra ngân hàng «Ngân hàng Mặt Trăng»: ghi mã BIN, "
                    "mã hoặc tên viết tắt.")
    assert (3, "Ngân hàng", unknown_bank) in found
    assert any(row == 4 and column == "Số tài khoản" and "Số tài khoản" in message
               for row, column, message in found)
    assert (5, "Mã gian hàng", "Mã gian hàng A01 đã có ở dòng 2.") in found
    assert (6, "Tên hộ kinh doanh", "Thiếu tên hộ kinh doanh.") in found
    assert (7, "Mã chợ", "Không có chợ mã CHO9 trong phạm vi bạn quản lý.") in found
    assert (8, "Ngành hàng", "«Vàng bạc» không có trong danh sách.") in found
    assert (8, "Năm sinh", f"Phải nằm trong khoảng 1900–{date.today().year}.") in found
    assert (8, "Số điện thoại", "Số điện thoại gồm 10 chữ số, bắt đầu bằng 0 (hoặc +84).") in found
    assert (8, "Số", "«-3» không phải là số nguyên.") in found
    assert {(row, column) for row, column, _ in found if row == 9} == {
        (9, "Tên hộ kinh doanh"), (9, "Số tài khoản"), (9, "Tên chủ tài khoản")}
    assert [p.row for p in plan.problems] == sorted(p.row for p in plan.problems)
    with pytest.raises(ImportRefused):
        apply_plan(plan)
    assert count(Stall) == 0


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_commit_creates_exactly_what_the_dry_run_planned(file_format):
    market = make_market(code="CHO1")
    kept = make_stall(market, code="B01", category=GoodsCategory.MEAT)
    rows = [full_row("CHO1", f"A{i:02d}", name=f"Người bán {i}", account=f"00110123456{i:02d}")
            for i in range(1, 6)]
    rows.append(sheet_row("CHO1", "B01", **{"Ngành hàng": "Cá, thủy hải sản", "Khu": "B"}))
    rows.append(sheet_row("cho1", "c01", **{"Ngành hàng": "fruit", "Trạng thái": "Bỏ trống"}))
    db.session.commit()
    plan = dry_run(SPREADSHEETS[file_format](rows))
    assert plan.ok, plan.problems
    counts = plan.counts()
    assert counts["stall"] == {"create": 6, "update": 1, "unchanged": 0}
    assert counts["vendor"]["create"] == counts["tenancy"]["create"] == counts["account"]["create"] == 5
    apply_plan(plan)
    db.session.commit()
    assert count(Stall) == 7 and count(Vendor) == 5 and count(Tenancy) == 5
    assert count(BankAccount) == 5
    assert db.session.get(Stall, kept.id).category == GoodsCategory.FISH
    c01 = db.session.scalar(select(Stall).where(Stall.code == "C01"))
    assert (c01.category, c01.status) == (GoodsCategory.FRUIT, StallStatus.VACANT)
    account = db.session.scalar(select(BankAccount).where(BankAccount.account_number == "0011012345601"))
    assert (account.bank_bin, account.holder_name, account.source) == (
        "970436", "NGUOI BAN 1", AccountSource.IMPORT)
    assert count(AuditEvent) == 6 + 1 + 5 * 3


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_importing_the_same_file_again_changes_nothing(file_format):
    make_market(code="CHO1")
    data = SPREADSHEETS[file_format]([full_row("CHO1", f"A{i}", account=f"001101234567{i}")
                                      for i in range(3)])
    db.session.commit()
    run_import(data)
    before = [count(model) for model in (Stall, Vendor, Tenancy, BankAccount, AuditEvent)]
    plan = run_import(data)
    assert {change.action for change in plan.changes} == {"unchanged"}
    assert [count(model) for model in (Stall, Vendor, Tenancy, BankAccount, AuditEvent)] == before


def test_an_account_change_makes_a_new_version_and_keeps_the_old():
    market = make_market(code="CHO1")
    stall = make_stall(market, code="A01")
    vendor = make_vendor("Trần Văn Bình", stall=stall)
    old = make_account(vendor, bank_bin="970436", account_number="0011000000001",
                       holder_name="TRAN VAN BINH")
    db.session.commit()
    row = full_row("CHO1", "A01", name="Trần Văn Bình", account="1903555666777",
                   **{"Ngân hàng": "TCB", "Tên chủ tài khoản": "tran van binh"})
    plan = run_import(xlsx_bytes([row]))
    change = next(c for c in plan.changes if c.entity == "account")
    assert change.action == "update"
    assert change.fields["Số tài khoản"] == ("0011000000001", "1903555666777")
    versions = db.session.scalars(
        select(BankAccount).where(BankAccount.vendor_id == vendor.id).order_by(BankAccount.version)
    ).all()
    assert [(a.version, a.account_number, a.retired_at is None) for a in versions] == [
        (1, "0011000000001", False), (2, "1903555666777", True)]
    assert versions[0].id == old.id
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.entity == "bank_account"))
    assert event.old["account_number"] == "0011000000001"
    assert event.new["account_number"] == "1903555666777"


def test_a_new_name_on_a_stall_is_a_new_tenant_and_the_old_tenancy_ends():
    market = make_market(code="CHO1")
    stall = make_stall(market, code="A01")
    make_vendor("Trần Văn Bình", stall=stall)
    db.session.commit()
    plan = run_import(xlsx_bytes([full_row("CHO1", "A01", name="Lê Thị Hoa")]))
    change = next(c for c in plan.changes if c.entity == "tenancy")
    assert change.fields == {"Tên hộ kinh doanh": ("Trần Văn Bình", "Lê Thị Hoa")}
    tenancies = db.session.scalars(select(Tenancy).order_by(Tenancy.id)).all()
    assert [(t.vendor.name, t.end_on is None) for t in tenancies] == [
        ("Trần Văn Bình", False), ("Lê Thị Hoa", True)]


def test_a_row_for_a_market_outside_the_users_scope_is_refused():
    own = make_market(code="CHO1")
    make_market(code="CHO2")
    board = make_user(Role.BOARD, markets=[own])
    db.session.commit()
    plan = dry_run(xlsx_bytes([full_row("CHO1", "A01"), full_row("CHO2", "A01")]), board)
    assert problems_of(plan) == {
        (3, "Mã chợ", "Không có chợ mã CHO2 trong phạm vi bạn quản lý.")}
    with pytest.raises(ImportRefused):
        apply_plan(plan)
    assert count(Stall) == 0


def test_a_commune_user_may_not_import_at_all():
    market = make_market(code="CHO1")
    commune_user = make_user(Role.COMMUNE, unit=market.commune)
    plan = dry_run(xlsx_bytes([full_row("CHO1", "A01")]), commune_user)
    assert [p.column for p in plan.problems] == ["Mã chợ"]


def test_a_refusal_by_the_services_rolls_everything_back():
    market = make_market(code="CHO1")
    stall = make_stall(market, code="A01")
    make_vendor("Trần Văn Bình", stall=stall)
    db.session.commit()
    rows = [full_row("CHO1", "A00", name="Lê Văn Tâm"), full_row("CHO1", "A01", name="Lê Thị Hoa")]
    plan = dry_run(xlsx_bytes(rows))
    plan.today = stall.tenancies[0].start_on  # a replacement on the sitting tenant's first day
    with pytest.raises(ImportRefused) as refused:
        apply_plan(plan)
    db.session.rollback()
    assert [(p.row, p.column) for p in refused.value.problems] == [(3, "Tên hộ kinh doanh")]
    assert count(Stall) == 1 and count(Vendor) == 1


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_export_then_import_changes_nothing(file_format):
    market = make_market(code="CHO1")
    for i, category in enumerate((GoodsCategory.MEAT, GoodsCategory.SERVICES, GoodsCategory.OTHER)):
        stall = make_stall(market, code=f"A{i}", zone="Khu A", row="2", number=i,
                           category=category)
        vendor = make_vendor(f"Phạm Thị Mai {i}", shop_name="Quầy Mai", phone="0987654321",
                             birth_year=1970, stall=stall)
        make_account(vendor, bank_bin="970405", account_number=f"000123456789{i}",
                     holder_name=f"PHAM THI MAI {i}")
    make_stall(market, code="Z9", status=StallStatus.CLOSED)
    db.session.commit()
    data = WRITERS[file_format](registry_rows(None, market))
    before = count(AuditEvent)
    plan = run_import(data)
    assert plan.ok and len(plan.rows) == 4
    assert {change.action for change in plan.changes} == {"unchanged"}
    assert count(AuditEvent) == before


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_formula_like_text_is_exported_inert_and_reads_back_the_same(file_format):
    market = make_market(code="CHO1")
    stall = make_stall(market, code="A1")
    make_vendor('=HYPERLINK("http://x","Bấm")', shop_name="@Quầy", phone="+84912345678",
                stall=stall)
    db.session.commit()
    data = WRITERS[file_format](registry_rows(None, market))
    if file_format == "xlsx":
        cell = load_workbook(io.BytesIO(data)).worksheets[0]["H2"]
        assert (cell.data_type, cell.value) == ("s", '=HYPERLINK("http://x","Bấm")')
    else:
        assert "'=HYPERLINK" in data.decode("utf-8-sig")
    plan = dry_run(data)
    assert plan.ok and {change.action for change in plan.changes} == {"unchanged"}
