"""The team's route on a phone with a bad network, in a real Chromium (390×844)."""
from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from factories import make_account, make_market, make_stall, make_user, make_vendor
from sqlalchemy import func, select

from market.extensions import db
from market.models import Inspection, Role, Visit
from market.models.evidence import ScanResult
from market.vietqr import encode, render_png
from offline.conftest import needs_chromium, wait_until

pytestmark = [pytest.mark.usefixtures("app"), needs_chromium]


def route_of_three():
    market = make_market("Chợ Mun")
    stalls = [make_stall(market, code=f"A-0{n}") for n in (1, 2, 3)]
    vendors = [make_vendor(f"Người bán {n}", stall=stall) for n, stall in enumerate(stalls, 1)]
    account = make_account(vendors[0], account_number="1023456789")
    team = make_user(Role.TEAM, markets=[market])
    return market, stalls, account, team


def now() -> datetime:
    return datetime.now(UTC)


def waiting(page, n: int) -> None:
    page.wait_for_selector(f"[data-outbox-line]:has-text('Đang chờ gửi: {n} bản ghi')")


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_fresh_phone_keeps_the_route_and_every_record_arrives_once_in_order(phone, base_url, tmp_path):
    market, stalls, account, team = route_of_three()
    photo = tmp_path / "qr.png"
    photo.write_bytes(render_png(encode(account.bank_bin, account.account_number)))
    page = phone.open()
    phone.sign_in(page, team)
    page.goto(f"{base_url}/dashboard/markets/{market.id}/worklist")
    page.wait_for_selector("[data-offline-line]:has-text('Dùng được khi mất mạng: danh sách này và 3 gian hàng')")
    assert page.locator("[data-offline-mark]:visible").count() == 3

    phone.offline()
    made = []  # (before, after) on this machine's clock, which the phone shares
    page.click("a[data-route-page]:has-text('A-01')")
    page.wait_for_selector("h1:has-text('A-01')")
    page.goto(f"{base_url}/monitor/stalls/{stalls[0].id}/inspections/new")
    page.check("input[name=sign_displayed][value=yes]")
    page.set_input_files("input[name=photo]", str(photo))
    page.check("input[name=qr_use][value=daily]")
    made.append(now())
    page.click("form[data-phone-record] button[type=submit]")
    waiting(page, 1)
    made.append(now())
    time.sleep(1.1)

    page.goto(f"{base_url}/dashboard/markets/{market.id}/worklist")
    page.click("tr[data-stall='A-02'] a:has-text('Kiểm tra')")
    page.wait_for_selector("h1:has-text('Kiểm tra gian hàng A-02')")
    page.check("input[name=sign_displayed][value=no]")
    page.check("input[name=qr_use][value=no]")
    page.select_option("select[name=reason]", "no_smartphone")
    made.append(now())
    page.click("form[data-phone-record] button[type=submit]")
    waiting(page, 2)
    made.append(now())
    time.sleep(1.1)

    page.goto(f"{base_url}/dashboard/stalls/{stalls[2].id}/visit")
    page.check("input[name=outcome][value=needs_another]")
    page.fill("textarea[name=note]", "Hẹn tuần sau")
    made.append(now())
    page.click("form[data-phone-record] button[type=submit]")
    waiting(page, 3)
    made.append(now())
    time.sleep(1.1)

    page.goto(f"{base_url}/monitor/stalls/{stalls[2].id}/inspections/new")
    page.check("input[name=sign_displayed][value=no]")
    page.check("input[name=qr_use][value=sometimes]")
    made.append(now())
    page.click("form[data-phone-record] button[type=submit]")
    waiting(page, 4)
    made.append(now())
    db.session.rollback()
    assert count(Inspection) + count(Visit) == 0
    phone.close()

    time.sleep(2)
    page = phone.open()
    page.goto(f"{base_url}/")
    if "/login" in page.url:
        phone.sign_in(page, team)
    assert wait_until(lambda: count(Inspection) == 3 and count(Visit) == 1)
    inspections = db.session.scalars(select(Inspection).order_by(Inspection.received_at)).all()
    visit = db.session.scalar(select(Visit))
    arrived = [inspections[0], inspections[1], visit, inspections[2]]
    assert [r.stall_id for r in arrived] == [stalls[0].id, stalls[1].id, stalls[2].id, stalls[2].id]
    assert [r.received_at for r in arrived] == sorted(r.received_at for r in arrived)
    observed = [inspections[0].inspected_at, inspections[1].inspected_at, visit.visited_at,
                inspections[2].inspected_at]
    for moment, before, after in zip(observed, made[::2], made[1::2], strict=True):
        assert before - timedelta(seconds=1) <= moment <= after + timedelta(seconds=1)
    assert all(r.received_at - timedelta(seconds=2) > observed[-1] for r in arrived)
    assert {r.inspector_id for r in inspections} == {visit.visitor_id} == {team.id}
    assert inspections[0].scan_result == ScanResult.MATCH
    assert visit.note == "Hẹn tuần sau"
    line = page.wait_for_selector("[data-outbox-line]:has-text('Đã gửi')")
    assert "Đang chờ gửi" not in line.text_content()
