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


def route_is_kept(page, base_url: str, market) -> None:
    page.goto(f"{base_url}/dashboard/markets/{market.id}/worklist")
    page.wait_for_selector("[data-offline-line]:has-text('Dùng được khi mất mạng: danh sách này và 3 gian hàng')")


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
    route_is_kept(page, base_url, market)
    assert page.locator("[data-offline-mark]:visible").count() == 3

    phone.offline()
    made = []  # (before, after) on this machine's clock, which the phone shares

    def save(n: int) -> None:
        before = now()
        page.click("form[data-phone-record] button[type=submit]")
        waiting(page, n)
        made.append((before, now()))
        time.sleep(1.1)

    page.click("a[data-route-page]:has-text('A-01')")
    page.wait_for_selector("h1:has-text('A-01')")
    page.goto(f"{base_url}/monitor/stalls/{stalls[0].id}/inspections/new")
    page.check("input[name=sign_displayed][value=yes]")
    page.set_input_files("input[name=photo]", str(photo))
    page.check("input[name=qr_use][value=daily]")
    save(1)
    page.goto(f"{base_url}/dashboard/markets/{market.id}/worklist")
    page.click("tr[data-stall='A-02'] a:has-text('Kiểm tra')")
    page.wait_for_selector("h1:has-text('Kiểm tra gian hàng A-02')")
    page.check("input[name=sign_displayed][value=no]")
    page.check("input[name=qr_use][value=no]")
    page.select_option("select[name=reason]", "no_smartphone")
    save(2)
    page.goto(f"{base_url}/dashboard/stalls/{stalls[2].id}/visit")
    page.check("input[name=outcome][value=needs_another]")
    page.fill("textarea[name=note]", "Hẹn tuần sau")
    save(3)
    page.goto(f"{base_url}/monitor/stalls/{stalls[2].id}/inspections/new")
    page.check("input[name=sign_displayed][value=no]")
    page.check("input[name=qr_use][value=sometimes]")
    save(4)
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
    for moment, (before, after) in zip(observed, made, strict=True):
        assert before - timedelta(seconds=1) <= moment <= after + timedelta(seconds=1)
    assert all(r.received_at - timedelta(seconds=2) > observed[-1] for r in arrived)
    assert {r.inspector_id for r in inspections} == {visit.visitor_id} == {team.id}
    assert inspections[0].scan_result == ScanResult.MATCH
    assert visit.note == "Hẹn tuần sau"
    line = page.wait_for_selector("[data-outbox-line]:has-text('Đã gửi')")
    assert "Đang chờ gửi" not in line.text_content()


def test_a_refused_record_waits_in_the_fix_list_and_is_fixed_and_sent_again(phone, base_url, tmp_path):
    market, stalls, account, team = route_of_three()
    not_a_photo = tmp_path / "anh.jpg"
    not_a_photo.write_bytes(b"this is not a picture")
    photo = tmp_path / "qr.png"
    photo.write_bytes(render_png(encode(account.bank_bin, account.account_number)))
    page = phone.open()
    phone.sign_in(page, team)
    route_is_kept(page, base_url, market)
    form_url = f"{base_url}/monitor/stalls/{stalls[0].id}/inspections/new"
    page.goto(form_url)
    phone.offline()
    page.check("input[name=sign_displayed][value=yes]")
    page.set_input_files("input[name=photo]", str(not_a_photo))
    page.check("input[name=qr_use][value=daily]")
    page.fill("textarea[name=note]", "Biển treo cạnh quầy")
    made = now()
    page.click("form[data-phone-record] button[type=submit]")
    waiting(page, 1)
    time.sleep(1.1)
    phone.offline(False)
    fix_list = page.wait_for_selector("[data-outbox-refused]:has-text('Cần sửa: 1 bản ghi')")
    assert "Ảnh chụp mã QR đang treo: Tệp không phải ảnh PNG/JPEG đọc được." in fix_list.text_content()
    assert count(Inspection) == 0

    page.goto(f"{base_url}/")  # the list follows its author on every page
    page.wait_for_selector("[data-outbox-refused]:has-text('Kiểm tra gian hàng A-01')")
    page.click("[data-outbox-refused] a:has-text('Mở để sửa')")
    page.wait_for_selector("[data-fixing]:visible")
    assert page.is_checked("input[name=sign_displayed][value=yes]")
    assert page.input_value("textarea[name=note]") == "Biển treo cạnh quầy"
    assert "Tệp không phải ảnh" in page.text_content(".field:has(input[name=photo])")
    page.set_input_files("input[name=photo]", str(photo))
    page.click("form[data-phone-record] button[type=submit]")
    page.wait_for_selector("[data-outbox-line]:has-text('Khớp với sổ đăng ký')")
    page.wait_for_selector("[data-outbox-refused]", state="hidden")
    stored = wait_until(lambda: db.session.scalar(select(Inspection)))
    assert stored.scan_result == ScanResult.MATCH and stored.note == "Biển treo cạnh quầy"
    assert made - timedelta(seconds=1) <= stored.inspected_at <= made + timedelta(seconds=2)
    assert stored.received_at > stored.inspected_at + timedelta(seconds=1)

    # A record refused again can be discarded, on purpose only.
    phone.offline()
    page.goto(form_url)
    page.check("input[name=sign_displayed][value=no]")
    page.set_input_files("input[name=photo]", str(not_a_photo))
    page.click("form[data-phone-record] button[type=submit]")
    waiting(page, 1)
    phone.offline(False)
    page.wait_for_selector("[data-outbox-refused]:has-text('Cần sửa: 1 bản ghi')")
    phone.accept_dialogs = False
    page.click("[data-outbox-refused] button:has-text('Bỏ bản ghi này')")
    assert page.is_visible("[data-outbox-refused]")
    phone.accept_dialogs = True
    page.click("[data-outbox-refused] button:has-text('Bỏ bản ghi này')")
    page.wait_for_selector("[data-outbox-refused]", state="hidden")
    assert phone.dialogs == ["Bỏ hẳn bản ghi này? Nó sẽ không được gửi nữa."] * 2
    assert count(Inspection) == 1


def test_signing_out_with_records_waiting_warns_and_keeps_them_for_their_author(phone, base_url):
    market, stalls, _, team = route_of_three()
    colleague = make_user(Role.TEAM, markets=[market])
    page = phone.open()
    phone.sign_in(page, team)
    route_is_kept(page, base_url, market)
    page.goto(f"{base_url}/dashboard/stalls/{stalls[1].id}/visit")
    phone.offline()
    page.check("input[name=outcome][value=helped]")
    page.click("form[data-phone-record] button[type=submit]")
    waiting(page, 1)
    phone.accept_dialogs = False
    phone.click_sign_out(page)
    page.wait_for_timeout(300)
    warning = ("Còn 1 bản ghi chưa gửi được. Chúng vẫn được giữ trên máy và sẽ gửi khi bạn "
               "đăng nhập lại trên máy này. Vẫn đăng xuất?")
    assert phone.dialogs == [warning]
    assert page.url.endswith(f"/dashboard/stalls/{stalls[1].id}/visit")  # stayed, nothing lost
    waiting(page, 1)

    # Signed out (the session gone) with the record still on the phone; a colleague signs in.
    phone.context.clear_cookies()
    phone.offline(False)
    phone.sign_in(page, colleague)
    page.goto(f"{base_url}/dashboard/markets/{market.id}/worklist")
    page.wait_for_selector("[data-outbox-line]:has-text('1 bản ghi của người dùng khác')")
    time.sleep(2)
    assert count(Visit) == 0
    phone.accept_dialogs = True
    phone.click_sign_out(page)  # the colleague has nothing waiting: no question
    page.wait_for_url("**/login")
    assert len(phone.dialogs) == 1

    phone.sign_in(page, team)
    visit = wait_until(lambda: db.session.scalar(select(Visit)))
    assert visit.visitor_id == team.id and visit.stall_id == stalls[1].id


def test_a_reason_picked_then_hidden_does_not_stop_the_answer_and_a_double_tap_stores_once(phone, base_url):
    _, stalls, _, team = route_of_three()
    page = phone.open()
    phone.sign_in(page, team)
    page.goto(f"{base_url}/monitor/stalls/{stalls[0].id}/inspections/new")
    page.check("input[name=sign_displayed][value=yes]")
    page.check("input[name=qr_use][value=no]")
    page.select_option("select[name=reason]", "prefers_cash")
    page.check("input[name=qr_use][value=daily]")
    assert not page.is_visible("select[name=reason]")
    page.dblclick("form[data-phone-record] button[type=submit]")
    page.wait_for_selector("[data-outbox-line]:has-text('Đã ghi kết quả kiểm tra')")
    stored = wait_until(lambda: db.session.scalar(select(Inspection)))
    assert stored.qr_use.value == "daily" and stored.reason is None
    time.sleep(1)
    assert count(Inspection) == 1

    # Taps that reach the server at the same moment: one stored, the others "already stored".
    statuses = page.evaluate("""async () => {
        const session = await (await fetch('/offline/session')).json();
        const send = () => {
            const form = new FormData();
            for (const [name, value] of Object.entries({sign_displayed: 'no', qr_use: 'sometimes',
                    client_uuid: '0b7f3f8e-8d0a-4c1e-9a55-2f4b1c7d9e01', csrf_token: session.csrf_token})) {
                form.append(name, value);
            }
            return fetch(location.pathname, {method: 'POST', body: form, headers: {Accept: 'application/json'}})
                .then(response => response.status);
        };
        return Promise.all([send(), send(), send(), send()]);
    }""")
    assert sorted(statuses) == [200, 200, 200, 201]
    assert count(Inspection) == 2
