"""The main journeys in a real headless Chromium, against the app served on loopback."""
from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator

import pytest
from conftest import CHROMIUM
from factories import (
    PASSWORD,
    make_account,
    make_commune,
    make_market,
    make_stall,
    make_user,
    make_vendor,
)
from sqlalchemy import func, select

from dashboard.fixtures import build_area
from market.extensions import db
from market.models import Inspection, Role, Sign, Stall, Visit
from market.models.evidence import ScanResult
from market.vietqr import encode, render_png

pytestmark = [
    pytest.mark.usefixtures("app"),
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)"),
]


@pytest.fixture
def base_url(app) -> Iterator[str]:
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


def signed_in(browser, base_url: str, user):
    db.session.commit()
    context = browser.new_context(viewport={"width": 390, "height": 844})  # a phone
    page = context.new_page()
    page.goto(f"{base_url}/login")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)
    return context, page


def fresh(query):
    db.session.rollback()
    return db.session.scalar(query)


def test_board_registers_a_stall_and_an_account_and_prints_its_sign(browser, base_url):
    market = make_market("Chợ Mun")
    board = make_user(Role.BOARD, markets=[market])
    _, page = signed_in(browser, base_url, board)
    page.goto(f"{base_url}/markets/{market.id}/stalls/new")
    page.fill("input[name=code]", "A1-01")
    page.fill("input[name=zone]", "Khu A")
    page.fill("input[name=row]", "Dãy 1")
    page.fill("input[name=number]", "1")
    page.click("form.stack button[type=submit]")
    page.wait_for_selector("text=Đã thêm gian hàng A1-01")
    page.click("text=Ghi nhận hộ kinh doanh")
    page.fill("input[name=name]", "Nguyễn Thị Lan")
    page.click("form.stack button[type=submit]")
    page.wait_for_selector("text=Đã ghi nhận hộ kinh doanh Nguyễn Thị Lan")
    page.click("text=Đăng ký tài khoản")
    page.select_option("select[name=bank_bin]", "970436")
    page.fill("input[name=account_number]", "1023456789")
    page.fill("input[name=account_number_again]", "1023456789")
    page.click("form:has(input[name=account_number]) button[type=submit]")
    page.wait_for_selector("text=Đã lưu tài khoản 1023456789")
    stall_id = fresh(select(Stall.id).where(Stall.code == "A1-01"))
    response = page.request.get(f"{base_url}/stalls/{stall_id}/sign.pdf")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    assert fresh(select(func.count()).select_from(Sign).where(Sign.stall_id == stall_id)) == 1


def test_team_records_an_inspection_with_a_photo(browser, base_url, tmp_path):
    market = make_market()
    stall = make_stall(market, code="B2-03")
    account = make_account(make_vendor(stall=stall), account_number="1023456789")
    team = make_user(Role.TEAM, markets=[market])
    photo = tmp_path / "qr.png"
    photo.write_bytes(render_png(encode(account.bank_bin, account.account_number)))
    _, page = signed_in(browser, base_url, team)
    page.goto(f"{base_url}/monitor/stalls/{stall.id}/inspections/new")
    page.check("input[name=sign_displayed][value=yes]")
    page.set_input_files("input[name=photo]", str(photo))
    page.check("input[name=qr_use][value=daily]")
    page.click("form.stack button[type=submit]")
    page.wait_for_selector("text=Khớp với sổ đăng ký")
    inspection = fresh(select(Inspection))
    assert inspection.scan_result == ScanResult.MATCH and inspection.client_uuid


def test_commune_opens_the_dashboard_and_drills_down(browser, base_url):
    area = build_area()
    _, page = signed_in(browser, base_url, area.commune_user)
    page.goto(f"{base_url}/dashboard/")
    page.wait_for_selector("h1:has-text('Xã Đông Anh')")
    assert page.locator("svg.chart").count() >= 2
    page.click("table.ranking >> text=Chợ Mun")
    page.wait_for_selector("h1:has-text('Chợ Mun')")
    page.click("text=Sơ đồ gian hàng")
    page.wait_for_selector(".plan-stall")
    assert page.locator(".plan-stall").count() == 3
    page.click(f".plan-stall:has-text('{area.stalls['active'].code}')")
    page.wait_for_url(f"**/stalls/{area.stalls['active'].id}")


def test_visit_recorded_offline_is_sent_when_the_network_returns(browser, base_url):
    commune = make_commune()
    market = make_market(commune=commune)
    stall = make_stall(market, code="C1-01")
    make_vendor(stall=stall)
    team = make_user(Role.TEAM, markets=[market])
    context, page = signed_in(browser, base_url, team)
    page.goto(f"{base_url}/dashboard/stalls/{stall.id}/visit")
    context.set_offline(True)
    page.check("input[name=outcome][value=needs_another]")
    page.fill("textarea[name=note]", "Hẹn tuần sau")
    page.click("form.stack button[type=submit]")
    page.wait_for_selector("[data-outbox-line]:has-text('Đang chờ gửi: 1')")
    assert fresh(select(func.count()).select_from(Visit)) == 0
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    deadline = time.monotonic() + 15
    while fresh(select(func.count()).select_from(Visit)) == 0 and time.monotonic() < deadline:
        time.sleep(0.2)
    visit = fresh(select(Visit))
    assert visit is not None and visit.note == "Hẹn tuần sau"
