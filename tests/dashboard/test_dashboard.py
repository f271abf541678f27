"""The area and market pages show the snapshot figures, scoped to the user."""
from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from factories import login, make_account, make_stall, make_user, make_vendor
from monitor.makers import TODAY
from sqlalchemy import select

from dashboard.fixtures import MONTH_AGO, build_area
from market.extensions import db
from market.jobs.runs import run_job
from market.models import AdoptionSnapshot, Role
from market.models.adoption import JobKind, RunStatus

pytestmark = pytest.mark.usefixtures("app")


def pct(count: int, operating: int) -> str:
    return f"{100 * count / operating:.0f}%"


def snapshot(**scope) -> AdoptionSnapshot:
    return db.session.scalar(
        select(AdoptionSnapshot).where(*(getattr(AdoptionSnapshot, k) == v for k, v in scope.items()))
        .order_by(AdoptionSnapshot.day.desc()).limit(1)
    )


def test_commune_dashboard_shows_the_snapshot_figures(client):
    area = build_area()
    login(client, area.commune_user)
    page = client.get("/dashboard/", follow_redirects=True).get_data(as_text=True)
    commune = snapshot(commune_id=area.commune.id)
    assert commune.operating == 5 and commune.reached_active == 2
    assert "Xã Đông Anh" in page
    assert f'<p class="stat">{commune.operating}</p>' in page
    for rung in ("registered", "displayed", "active"):
        assert f'<p class="stat">{pct(getattr(commune, f"reached_{rung}"), commune.operating)}</p>' in page
    for market in area.markets:
        row = snapshot(market_id=market.id)
        assert market.name in page
        assert pct(row.reached_active, row.operating) in page
    assert "Số liệu ngày 20/11/2026" in page
    assert f"so với ngày {MONTH_AGO:%d/%m/%Y}" in page or f"ngày {MONTH_AGO:%d/%m/%Y}" in page
    assert "<svg" in page and "Theo ngành hàng" in page


def test_ranking_puts_the_market_with_more_active_stalls_first(client):
    area = build_area()
    login(client, area.commune_user)
    page = client.get(f"/dashboard/units/{area.commune.id}").get_data(as_text=True)
    ranking = page[page.index('class="responsive ranking"'):]
    # Chợ Dốc Vân: 1 of 2 active (50%); Chợ Mun: 1 of 3 (33%).
    assert ranking.index("Chợ Dốc Vân") < ranking.index("Chợ Mun")


def test_province_view_drills_down_to_communes(client):
    area = build_area()
    admin = make_user(Role.ADMIN)
    login(client, admin)
    page = client.get(f"/dashboard/units/{area.province.id}").get_data(as_text=True)
    assert f'href="/dashboard/units/{area.commune.id}"' in page
    assert f'href="/dashboard/units/{area.other_commune.id}"' in page
    commune_page = client.get(f"/dashboard/units/{area.commune.id}").get_data(as_text=True)
    assert f'href="/dashboard/markets/{area.markets[0].id}"' in commune_page
    market_page = client.get(f"/dashboard/markets/{area.markets[0].id}").get_data(as_text=True)
    assert f'href="/dashboard/markets/{area.markets[0].id}/plan"' in market_page
    plan = client.get(f"/dashboard/markets/{area.markets[0].id}/plan").get_data(as_text=True)
    assert f'href="/stalls/{area.stalls["active"].id}"' in plan


def test_commune_user_sees_only_its_markets(client):
    area = build_area()
    login(client, area.commune_user)
    page = client.get(f"/dashboard/units/{area.commune.id}").get_data(as_text=True)
    assert "Chợ Sáng Thư Lâm" not in page
    assert client.get(f"/dashboard/units/{area.other_commune.id}").status_code == 404
    assert client.get(f"/dashboard/units/{area.province.id}").status_code == 404
    assert client.get(f"/dashboard/markets/{area.other_market.id}").status_code == 404
    assert client.get(f"/dashboard/markets/{area.other_market.id}/plan").status_code == 404
    assert client.get(f"/dashboard/report.pdf?unit={area.other_commune.id}").status_code == 404


def test_commune_user_sees_no_full_account_number_or_phone(client):
    area = build_area()
    stall = make_stall(area.markets[1])
    vendor = make_vendor(stall=stall, phone="0912345678", birth_year=1950)
    make_account(vendor, account_number="1234567890123")
    make_account(area.stalls["registered"].tenancies[0].vendor, account_number="1234567890123")
    login(client, area.commune_user)
    for url in (f"/dashboard/markets/{area.markets[1].id}/worklist", "/dashboard/quality"):
        page = client.get(url).get_data(as_text=True)
        assert "0912345678" not in page
        assert "1234567890123" not in page
    quality = client.get("/dashboard/quality").get_data(as_text=True)
    assert "•••••••••0123" in quality
    worklist = client.get(f"/dashboard/markets/{area.markets[1].id}/worklist").get_data(as_text=True)
    assert "••••••5678" in worklist


def test_the_day_s_figures_are_provisional_until_the_night_run_closes_it(client):
    area = build_area()
    market = area.markets[0]
    hanoi = ZoneInfo("Asia/Ho_Chi_Minh")
    with time_machine.travel(datetime.combine(TODAY, time(10), tzinfo=hanoi), tick=True):
        login(client, area.commune_user)
        for url in ("/dashboard/", f"/dashboard/markets/{market.id}", f"/dashboard/markets/{market.id}/plan"):
            page = client.get(url, follow_redirects=True).get_data(as_text=True)
            assert 'class="badge provisional"' in page and "tạm tính</span>" in page, url
            assert "tính lại 15 phút một lần, chốt sau nửa đêm" in page
    after_midnight = datetime.combine(TODAY + timedelta(days=1), time(0, 10), tzinfo=hanoi)
    with time_machine.travel(after_midnight, tick=True):
        login(client, area.commune_user)
        page = client.get(f"/dashboard/markets/{market.id}").get_data(as_text=True)
        assert "Số liệu ngày 20/11/2026" in page and 'class="badge provisional"' in page  # not closed
        assert run_job(JobKind.CLOSE, TODAY, "test").status == RunStatus.SUCCEEDED
        for url in ("/dashboard/", f"/dashboard/markets/{market.id}"):
            page = client.get(url, follow_redirects=True).get_data(as_text=True)
            assert "Số liệu ngày 20/11/2026" in page, url
            assert 'class="badge provisional"' not in page and "provisional-note" not in page, url
