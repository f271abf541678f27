"""The digital team: worklist -> stall -> inspection with a photo -> visit record."""
from __future__ import annotations

import re

from factories import make_account, make_market, make_stall, make_user, make_vendor
from sqlalchemy import select

from market.extensions import db
from market.models import Inspection, Role, Visit
from market.models.evidence import ScanResult
from market.vietqr import encode, render_png


def test_team_inspects_a_stall_from_the_worklist_then_records_the_visit(journey, tmp_path):
    market = make_market("Chợ Mun")
    stall = make_stall(market, code="B2-03", zone="Khu B", row="Dãy 2", number=3)
    account = make_account(make_vendor("Trần Thị Hoa", stall=stall), account_number="1023456789")
    make_user(Role.TEAM, markets=[market], username="to.mun")
    photo = tmp_path / "qr.png"
    photo.write_bytes(render_png(encode(account.bank_bin, account.account_number)))
    page = journey.page

    journey.start("to.mun")
    journey.menu("Cần đến thăm")
    row = page.locator("tr", has_text="B2-03")
    assert "Khu B · Dãy 2 · Số 3" in row.inner_text()
    journey.shot("worklist")
    row.get_by_role("link", name="Kiểm tra").click()
    page.get_by_role("heading", name="Kiểm tra gian hàng B2-03").wait_for()
    page.locator("fieldset", has_text="Có treo mã QR").get_by_label("Có", exact=True).check()
    page.get_by_label("Ảnh chụp mã QR đang treo").set_input_files(str(photo))
    page.get_by_label("Hằng ngày").check()
    journey.shot("inspection-form")
    journey.click("Lưu kết quả kiểm tra", role="button")
    page.get_by_text("Khớp với sổ đăng ký").first.wait_for()
    journey.shot("inspection-saved")
    db.session.rollback()
    inspection = db.session.scalar(select(Inspection))
    assert inspection.scan_result == ScanResult.MATCH and inspection.stall_id == stall.id

    journey.click("Gian hàng B2-03")
    page.get_by_role("heading", name=re.compile("Gian hàng B2-03")).wait_for()
    journey.shot("stall")
    journey.click("Ghi buổi thăm")
    page.get_by_label("Đã hỗ trợ xong").check()
    page.get_by_label("Ghi chú").fill("Đã hướng dẫn quét thử")
    journey.shot("visit-form")
    journey.click("Lưu buổi thăm", role="button")
    page.get_by_text("Đã ghi buổi thăm gian hàng B2-03.").wait_for()
    journey.shot("visit-saved")
    db.session.rollback()
    visit = db.session.scalar(select(Visit))
    assert visit.stall_id == stall.id and visit.note == "Đã hướng dẫn quét thử"
