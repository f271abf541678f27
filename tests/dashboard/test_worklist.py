"""The worklist holds exactly the stalls that need a visit, in the priority order it explains."""
from __future__ import annotations

from datetime import date

import pytest
from factories import (
    login,
    make_account,
    make_market,
    make_stall,
    make_user,
    make_vendor,
)
from monitor.makers import (
    TODAY,
    days_ago,
    inspection,
    noon,
    payments,
    self_report,
    sign_for,
)

from market.dashboard.worklist import worklist
from market.extensions import db
from market.models import Role, StallStatus, Visit, VisitOutcome
from market.models.evidence import NonUseReason, QrUse, ScanResult
from market.monitor.alerts import open_swapped_sign_alert

pytestmark = pytest.mark.usefixtures("app")


def stall_with(market, code: str, *, birth_year: int | None = None, account: bool = True):
    stall = make_stall(market, code=code)
    vendor = make_vendor(stall=stall, birth_year=birth_year)
    bank_account = make_account(vendor) if account else None
    if bank_account is not None:
        bank_account.created_at = noon(date(2026, 1, 2))
    db.session.flush()
    return stall, bank_account


def build_market():
    market = make_market()
    # Qualify:
    no_account, _ = stall_with(market, "NOACC", birth_year=1980, account=False)
    stall_with(market, "NOSIGN", birth_year=1950)
    unseen, account = stall_with(market, "UNSEEN", birth_year=1990)
    sign_for(unseen, account, "S-UNSEEN")
    inspection(unseen, days_ago(200), account=account, scan=ScanResult.MATCH)
    lapsed, account = stall_with(market, "LAPSED", birth_year=1985)
    payments(lapsed, days_ago(60), 3)
    fixable, _ = stall_with(market, "SCARED", birth_year=1970)
    self_report(fixable, days_ago(5), QrUse.NO, NonUseReason.FEAR_OF_SCAMS)
    swapped, account = stall_with(market, "SWAPPED", birth_year=1995)
    sign_for(swapped, account, "S-SWAPPED")
    payments(swapped, days_ago(2), 5)
    seen = inspection(swapped, days_ago(2), account=account, scan=ScanResult.DIFFERENT_ACCOUNT)
    open_swapped_sign_alert(seen, market.id)
    # Do not qualify:
    active, account = stall_with(market, "ACTIVE", birth_year=1940)
    payments(active, days_ago(1), 2)
    displayed, account = stall_with(market, "SHOWN", birth_year=1945)
    sign_for(displayed, account, "S-SHOWN")
    inspection(displayed, days_ago(10), account=account, scan=ScanResult.MATCH)
    cash, _ = stall_with(market, "CASH", birth_year=1948)
    self_report(cash, days_ago(5), QrUse.NO, NonUseReason.PREFERS_CASH)
    make_stall(market, code="EMPTY", status=StallStatus.VACANT)
    # The one stall seen recently goes after the others of its age group.
    db.session.add(Visit(client_uuid="7b2c1f0e-4d7a-4c6e-9a51-5f0c2d9e8b11", stall_id=no_account.id,
                         visited_at=noon(days_ago(3)), visited_on=days_ago(3),
                         outcome=VisitOutcome.NEEDS_ANOTHER))
    db.session.flush()
    return market


def test_worklist_holds_exactly_the_stalls_that_qualify_in_priority_order():
    market = build_market()
    items = worklist([market], TODAY)
    # Swapped sign first; then the 76-year-old; then by gap: never contacted (older first),
    # the stall inspected 200 days ago, then the stall visited 3 days ago.
    assert [item.stall_code for item in items] == [
        "SWAPPED", "NOSIGN", "SCARED", "LAPSED", "UNSEEN", "NOACC",
    ]
    needs = {item.stall_code: item.needs for item in items}
    assert "Chưa có tài khoản" in needs["NOACC"]
    assert "Chưa có biển QR" in needs["NOSIGN"]
    assert "Chưa thấy treo biển trong kỳ" in needs["UNSEEN"]
    assert "Đã ngừng dùng QR" in needs["LAPSED"]
    assert "Từ chối, có thể hỗ trợ" in needs["SCARED"]
    assert any("tráo" in need for need in needs["SWAPPED"])


def test_worklist_page_explains_the_order_and_lists_the_stalls(client):
    market = build_market()
    team = make_user(Role.TEAM, markets=[market], full_name="Đỗ Trung Kiên")
    login(client, team)
    page = client.get(f"/dashboard/markets/{market.id}/worklist").get_data(as_text=True)
    assert "Thứ tự ưu tiên" in page and "60 tuổi trở lên" in page
    rows = page[page.index('class="responsive worklist"'):]
    positions = [rows.index(f'data-stall="{code}"') for code in ("NOSIGN", "SCARED", "NOACC")]
    assert positions == sorted(positions)
    assert 'data-stall="ACTIVE"' not in rows and 'data-stall="CASH"' not in rows


def test_assign_and_print_the_route_sheet(client):
    market = build_market()
    team = make_user(Role.TEAM, markets=[market], full_name="Đỗ Trung Kiên")
    board = make_user(Role.BOARD, markets=[market])
    login(client, board)
    stall = next(item for item in worklist([market], TODAY) if item.stall_code == "NOSIGN")
    response = client.post(f"/dashboard/markets/{market.id}/worklist",
                           data={"stall_id": stall.stall_id, "assignee": team.id, "planned_on": "2026-12-01"})
    assert response.status_code == 302
    sheet = client.get(f"/dashboard/route?assignee={team.id}&day=2026-12-01").get_data(as_text=True)
    assert "Đỗ Trung Kiên" in sheet and "NOSIGN" in sheet and "01/12/2026" in sheet
    assert "NOACC" not in sheet
