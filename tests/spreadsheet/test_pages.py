"""The upload page: dry run with progress, confirmation, refusals that change nothing; downloads."""
from __future__ import annotations

import io
import time

import pytest
from factories import login, make_account, make_market, make_stall, make_user, make_vendor
from openpyxl import load_workbook
from sqlalchemy import func, select

from market.extensions import db
from market.models import AuditEvent, ImportJob, Role, Stall, Vendor
from spreadsheet.spreadsheet_files import HEADERS, SPREADSHEETS, full_row, xlsx_bytes
from spreadsheet.test_reader import zip_bomb


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def upload(client, data: bytes, name: str = "so-dang-ky.xlsx"):
    return client.post("/registry/import", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def wait_for(client, location: str) -> str:
    """Poll the progress as the page's script does, then show the page."""
    deadline = time.monotonic() + 60
    while client.get(f"{location}/progress").get_json()["running"]:
        assert time.monotonic() < deadline, "the import job did not finish"
        time.sleep(0.1)
    return client.get(location).get_data(as_text=True)


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_upload_dry_run_then_confirm_writes_the_registry(client, board, file_format):
    rows = [full_row("CHO1", f"A{i:02d}", name=f"Người bán {i}", account=f"00110123456{i:02d}")
            for i in range(1, 4)]
    response = upload(client, SPREADSHEETS[file_format](rows), f"bang.{file_format}")
    assert response.status_code == 302
    page = wait_for(client, response.location)
    assert "Sẽ ghi vào sổ" in page and "Ghi 12 thay đổi vào sổ" in page
    progress = client.get(f"{response.location}/progress").get_json()
    assert progress == {"status": "checked", "running": False, "done": 3, "total": 3}
    assert count(Stall) == 0
    response = client.post(f"{response.location}/confirm")
    page = wait_for(client, response.headers["Location"])
    assert "Đã ghi vào sổ" in page
    assert count(Stall) == 3 and count(Vendor) == 3
    job = db.session.scalar(select(ImportJob))
    assert job.content is None  # the file is not kept once it is written
    actors = set(db.session.scalars(select(AuditEvent.actor_id)))
    assert actors == {board.id}


def test_dry_run_problems_are_listed_and_nothing_can_be_confirmed(client, board):
    make_market(code="CHO2")
    data = xlsx_bytes([full_row("CHO1", "A01", **{"Ngân hàng": "Ngân hàng Ma"}),
                       full_row("CHO2", "A01")])
    page = wait_for(client, upload(client, data).location)
    assert "Lỗi cần sửa (2)" in page
    assert "Không nhận ra ngân hàng «Ngân hàng Ma»" in page
    assert "Không có chợ mã CHO2 trong phạm vi bạn quản lý." in page
    assert "Ghi " not in page
    job = db.session.scalar(select(ImportJob))
    response = client.post(f"/registry/import/{job.id}/confirm")
    assert response.status_code == 302 and count(Stall) == 0


@pytest.mark.parametrize("data, message", [
    (b"\x89PNG\r\n\x1a\n" + bytes(64), "không phải bảng tính"),
    (b"", "Tệp trống."),
    (xlsx_bytes([full_row("CHO1", "A01")], headers=HEADERS[:5]), "Thiếu cột: Ngành hàng"),
    (zip_bomb(5 * 1024 * 1024), "giải nén quá lớn"),
])
def test_bad_files_are_refused_on_the_form_and_nothing_is_written(client, board, data, message,
                                                                   app, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_MAX_UNZIPPED_BYTES", 1024 * 1024)
    response = upload(client, data, "bang.xlsx")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page and 'type="file"' in page
    assert count(ImportJob) == 0 and count(Stall) == 0


def test_the_form_asks_for_a_file(client, board):
    response = client.post("/registry/import", data={}, content_type="multipart/form-data")
    assert "Vui lòng chọn tệp bảng tính." in response.get_data(as_text=True)


def test_a_file_over_the_size_limit_is_refused_on_the_form(client, board, app, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_MAX_BYTES", 1024 * 1024)
    response = upload(client, b"a" * (1024 * 1024 + 10), "bang.csv")
    assert response.status_code == 400
    assert "Tệp quá lớn: tối đa 1 MB." in response.get_data(as_text=True)


def test_a_50_mb_upload_is_refused_before_it_is_read(client, board):
    response = upload(client, b"a" * (50 * 1024 * 1024), "bang.xlsx")
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "Tệp quá lớn: tối đa 20 MB." in page and 'type="file"' in page
    assert count(ImportJob) == 0


def test_someone_elses_job_is_not_found(client, board):
    other = make_user(Role.BOARD)
    job = ImportJob(user_id=other.id, file_format="csv", content=b"x")
    db.session.add(job)
    db.session.commit()
    assert client.get(f"/registry/import/{job.id}").status_code == 404
    assert client.post(f"/registry/import/{job.id}/confirm").status_code == 404


def test_team_and_commune_users_cannot_import(client):
    market = make_market(code="CHO1")
    login(client, make_user(Role.TEAM, markets=[market]))
    assert client.get("/registry/import").status_code == 403


def test_the_template_has_the_vietnamese_headers(client, board):
    response = client.get("/registry/import/template.xlsx")
    sheet = load_workbook(io.BytesIO(response.data), read_only=True).worksheets[0]
    assert list(next(sheet.iter_rows(values_only=True))) == HEADERS
    csv_text = client.get("/registry/import/template.csv").data.decode("utf-8-sig")
    assert csv_text.splitlines()[0].split(",")[:3] == ["Mã chợ", "Mã gian hàng", "Khu"]


def test_export_shows_only_the_users_markets_and_masks_accounts_for_the_commune(client):
    market = make_market(code="CHO1")
    other = make_market(code="CHO2", commune=market.commune.parent or make_market().commune)
    for owner, code in ((market, "A01"), (other, "B01")):
        vendor = make_vendor("Đỗ Văn Hùng", stall=make_stall(owner, code=code))
        make_account(vendor, account_number="0011012345678", holder_name="DO VAN HUNG")
    login(client, make_user(Role.COMMUNE, unit=market.commune))
    text = client.get("/registry/export.csv").data.decode("utf-8-sig")
    lines = text.splitlines()
    assert len(lines) == 2 and lines[1].startswith("CHO1,A01,")
    assert "•••••••••5678" in lines[1] and "0011012345678" not in text


def test_board_export_round_trips_through_the_import_page(client, board):
    market = board.markets[0]
    stall = make_stall(market, code="A01")
    make_account(make_vendor("Đỗ Văn Hùng", stall=stall), holder_name="DO VAN HUNG")
    db.session.commit()
    before = count(AuditEvent)
    data = client.get(f"/registry/export.xlsx?market={market.id}").data
    page = wait_for(client, upload(client, data).location)
    assert "Tệp khớp với sổ đăng ký: không có gì cần thay đổi." in page
    assert count(AuditEvent) == before


def test_a_registry_changed_since_the_dry_run_is_not_written(client, board):
    location = upload(client, xlsx_bytes([full_row("CHO1", "A01")])).location
    wait_for(client, location)
    make_stall(board.markets[0], code="A01")
    db.session.commit()
    page = wait_for(client, client.post(f"{location}/confirm").headers["Location"])
    assert "Sổ đăng ký đã thay đổi sau lần kiểm tra." in page
    assert count(Stall) == 1 and count(Vendor) == 0
