"""A stall's payee (what its sign pays) changes only with two people: the change, then someone
else's confirmation of exactly that change; until then no sign, QR code or vendor page pays it.
Each known way around the rule has its test here; tests/security/test_payee_rule.py drives
random sequences of them."""
import io
import re
import time

from api.helpers import bearer
from factories import (
    login,
    make_account,
    make_commune,
    make_market,
    make_stall,
    make_user,
    make_vendor,
)
from spreadsheet.spreadsheet_files import full_row, xlsx_bytes
from sqlalchemy import select

from market.extensions import db
from market.links.services import create_link
from market.models import AuditEvent, Payee, VendorLink

WAITING = "Chờ duyệt thay đổi tài khoản"
PDF = "application/pdf"


def register(client, stall, number: str, holder: str = "NGUYEN THI LAN"):
    response = client.post(f"/stalls/{stall.id}/account", data={
        "bank_bin": "970436", "account_number": number, "account_number_again": number,
        "holder_name": holder, "kind": "account", "source": "typed", "confirm_shared": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)


def new_tenant(client, stall, name: str = "Nguyễn Thị Lan"):
    response = client.post(f"/stalls/{stall.id}/tenant", data={
        "name": name, "start_on": "2026-06-01"})
    assert response.status_code == 302, response.get_data(as_text=True)


def pending_id(client, path: str) -> int | None:
    """The change a page offers to confirm, as its form names it."""
    found = re.search(r'name="payee" value="(\d+)"', client.get(path).get_data(as_text=True))
    return int(found.group(1)) if found else None


def approve(client, stall, payee_id):
    return client.post(f"/stalls/{stall.id}/account/approve", data={"payee": payee_id})


def sign_pays(client, stall) -> bool:
    return client.get(f"/stalls/{stall.id}/sign.pdf").mimetype == PDF


def a_market_with_two_board_users(app):
    market = make_market()
    stall = make_stall(market, vendor=make_vendor())
    first, second = make_user("board", markets=[market]), make_user("board", markets=[market])
    first_client, second_client = app.test_client(), app.test_client()
    login(first_client, first)
    login(second_client, second)
    return market, stall, first_client, second_client


def open_payee(stall) -> Payee:
    db.session.expire_all()
    return db.session.scalar(select(Payee).where(Payee.stall_id == stall.id,
                                                 Payee.ended_at.is_(None)))


def test_the_first_account_needs_no_second_step(app):
    _market, stall, first, _second = a_market_with_two_board_users(app)
    register(first, stall, "0011223344")
    assert WAITING not in first.get(f"/stalls/{stall.id}").get_data(as_text=True)
    assert sign_pays(first, stall)


def test_a_changed_account_waits_for_another_board_user(app):
    market, stall, first, second = a_market_with_two_board_users(app)
    register(first, stall, "0011223344")
    register(first, stall, "5566778899")
    page = first.get(f"/stalls/{stall.id}").get_data(as_text=True)
    assert WAITING in page and "Duyệt tài khoản mới" not in page
    assert "3344" in page.split(WAITING)[1] and "8899" in page.split(WAITING)[1]  # old → new
    assert not sign_pays(first, stall)
    for download in ("qr.png", "qr.svg"):
        assert first.get(f"/stalls/{stall.id}/{download}").status_code == 409
    assert WAITING in first.get(f"/markets/{market.id}/signs").get_data(as_text=True)

    payee_id = pending_id(second, f"/stalls/{stall.id}")
    assert approve(first, stall, payee_id).status_code == 303  # the maker cannot approve
    assert WAITING in first.get(f"/stalls/{stall.id}").get_data(as_text=True)

    assert approve(second, stall, payee_id).status_code == 302
    assert WAITING not in second.get(f"/stalls/{stall.id}").get_data(as_text=True)
    assert sign_pays(second, stall)
    payee = open_payee(stall)
    assert payee.confirmed_via == "board" and payee.account.account_number == "5566778899"
    actions = list(db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.entity == "bank_account").order_by(AuditEvent.id)))
    assert actions == ["create", "update", "approve"]


def test_a_stale_approval_is_refused(app):
    """Bypass 3: B opens the page for X, A changes to Y, B's approval must not approve Y."""
    _market, stall, first, second = a_market_with_two_board_users(app)
    register(first, stall, "0011223344")
    register(first, stall, "5566778899")
    seen = pending_id(second, f"/stalls/{stall.id}")
    register(first, stall, "9988776655")
    assert approve(second, stall, seen).status_code == 303
    assert not sign_pays(second, stall)
    assert open_payee(stall).confirmed_at is None
    assert approve(second, stall, "").status_code == 303  # naming nothing approves nothing
    assert open_payee(stall).confirmed_at is None


def test_a_link_issued_by_the_maker_cannot_confirm(app, client):
    """Bypass 1: one board user changes the account, makes a link, confirms on it."""
    _market, stall, first, second = a_market_with_two_board_users(app)
    register(first, stall, "0011223344")
    register(first, stall, "5566778899")
    page = first.post(f"/stalls/{stall.id}/links").get_data(as_text=True)
    token = re.search(r"/v/([\w-]+)", page).group(1)
    vendor_page = client.get(f"/v/{token}").get_data(as_text=True)
    assert "Xác nhận tài khoản mới" in vendor_page and 'name="payee"' not in vendor_page
    payee_id = open_payee(stall).id
    assert client.post(f"/v/{token}/account/confirm", data={"payee": payee_id}).status_code == 409
    assert not sign_pays(first, stall)

    other = re.search(r"/v/([\w-]+)", second.post(f"/stalls/{stall.id}/links")
                      .get_data(as_text=True)).group(1)
    assert pending_id(client, f"/v/{other}") == payee_id
    assert client.post(f"/v/{other}/account/confirm", data={"payee": payee_id}).status_code == 302
    assert sign_pays(first, stall)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "approve"))
    assert event.actor_label == "vendor link" and event.new["approved_via"] == "vendor"
    assert client.post(f"/v/{other}/account/confirm", data={"payee": payee_id}).status_code == 409


def test_a_new_tenant_with_an_account_waits_on_the_pages(app):
    """Bypass 2 on the web: a "new" tenant (same name) and an account."""
    _market, stall, first, second = a_market_with_two_board_users(app)
    register(first, stall, "0011223344")
    new_tenant(first, stall)
    assert not sign_pays(first, stall)
    register(first, stall, "5566778899")
    assert not sign_pays(first, stall)
    assert WAITING in second.get(f"/stalls/{stall.id}").get_data(as_text=True)
    assert approve(second, stall, pending_id(second, f"/stalls/{stall.id}")).status_code == 302
    assert sign_pays(first, stall)


def test_a_new_tenant_with_an_account_waits_through_the_api(app, client):
    """Bypass 2 through the API: POST /vendors, then POST /vendors/<id>/accounts."""
    market, stall, first, _second = a_market_with_two_board_users(app)
    register(first, stall, "0011223344")
    user = make_user("board", markets=[market])
    headers = bearer(user)
    vendor = client.post("/api/v1/vendors", headers=headers, json={
        "stall_id": stall.id, "name": "Nguyễn Thị Lan", "start_on": "2026-06-01"}).get_json()
    answer = client.post(f"/api/v1/vendors/{vendor['id']}/accounts", headers=headers, json={
        "bank_bin": "970436", "account_number": "5566778899", "holder_name": "NGUYEN THI LAN"})
    assert answer.status_code == 201 and answer.get_json()["awaiting_approval"] is True
    shown = client.get(f"/api/v1/stalls/{stall.id}", headers=headers).get_json()["account"]
    assert shown["awaiting_approval"] is True
    assert not sign_pays(first, stall)


def test_a_new_tenant_from_a_spreadsheet_waits_and_is_confirmed_in_a_batch(app):
    """Bypass 2 through an import: the vendor's name changed by one word, a new account."""
    market = make_market(code="CHO9")
    stalls = {}
    for i in range(1, 4):
        stalls[f"A{i:02d}"] = make_stall(market, code=f"A{i:02d}", zone="A", row="1", number=3,
                                         vendor=make_vendor(f"Người bán {i}", phone="0912345678"))
        make_account(stalls[f"A{i:02d}"].tenancies[0].vendor,
                     account_number=f"00110123456{i:02d}", holder_name=f"NGUOI BAN {i}")
    first, second = make_user("board", markets=[market]), make_user("board", markets=[market])
    maker, other = app.test_client(), app.test_client()
    login(maker, first)
    login(other, second)
    rows = [full_row("CHO9", f"A{i:02d}", name=f"Người bán {i}", account=f"00110123456{i:02d}")
            for i in range(1, 4)]
    rows[0] = full_row("CHO9", "A01", name="Người bán khác 1", account="0099887766")
    rows[1] = full_row("CHO9", "A02", name="Người bán 2", account="0099887755")
    import_file(maker, rows)
    assert not sign_pays(maker, stalls["A01"]) and not sign_pays(maker, stalls["A02"])
    assert sign_pays(maker, stalls["A03"])

    page = other.get(f"/markets/{market.id}/account-changes").get_data(as_text=True)
    assert "0099887766" in page and "0011012345601" in page  # old → new
    ids = [int(i) for i in re.findall(r'name="payee" value="(\d+)"', page)]
    assert len(ids) == 2
    assert 'name="payee"' not in maker.get(f"/markets/{market.id}/account-changes").get_data(
        as_text=True)
    other.post(f"/markets/{market.id}/account-changes", data={"payee": ids[:1]})
    assert sign_pays(maker, stalls["A01"]) != sign_pays(maker, stalls["A02"])


def import_file(client, rows):
    response = client.post("/registry/import", content_type="multipart/form-data",
                           data={"file": (io.BytesIO(xlsx_bytes(rows)), "so.xlsx")})
    assert response.status_code == 302
    location = wait(client, response.location)
    confirmed = client.post(f"{location}/confirm")
    assert confirmed.status_code == 302, client.get(location).get_data(as_text=True)
    wait(client, confirmed.headers["Location"])


def wait(client, location: str) -> str:
    deadline = time.monotonic() + 60
    while client.get(f"{location}/progress").get_json()["running"]:
        assert time.monotonic() < deadline, "the import job did not finish"
        time.sleep(0.05)
    return location


def test_a_previous_tenants_link_stops_when_the_tenancy_ends(app, client):
    """Bypass 4: the old tenant's link neither shows nor confirms the new tenant's sign."""
    _market, stall, first, _second = a_market_with_two_board_users(app)
    register(first, stall, "0011223344")
    _link, token = create_link(stall)
    db.session.commit()
    assert client.get(f"/v/{token}").status_code == 200
    new_tenant(first, stall)
    register(first, stall, "5566778899")
    assert client.get(f"/v/{token}").status_code == 404
    assert client.post(f"/v/{token}/account/confirm",
                       data={"payee": open_payee(stall).id}).status_code == 404
    assert client.post(f"/v/{token}/sign").status_code == 404
    assert db.session.scalar(select(VendorLink.revoked_at)) is not None


def test_ending_a_tenancy_ends_its_links(app, client):
    _market, stall, first, _second = a_market_with_two_board_users(app)
    register(first, stall, "0011223344")
    _link, token = create_link(stall)
    db.session.commit()
    first.post(f"/stalls/{stall.id}/tenancy/end", data={"end_on": "2026-07-01"})
    assert client.get(f"/v/{token}").status_code == 404


def test_a_commune_user_of_the_area_confirms_and_others_cannot(app, client):
    commune = make_commune("Xã Mai Lâm")
    market = make_market(commune=commune)
    stall = make_stall(market, vendor=make_vendor())
    maker = app.test_client()
    login(maker, make_user("board", markets=[market]))
    register(maker, stall, "0011223344")
    register(maker, stall, "5566778899")
    page = maker.get(f"/stalls/{stall.id}").get_data(as_text=True)
    assert "chỉ có một thành viên ban quản lý" in page and "Xã Mai Lâm" in page
    payee_id = open_payee(stall).id
    for outsider in (make_user("board", markets=[make_market("Chợ Khác")]),
                     make_user("commune", unit=make_commune("Xã Khác"))):
        login(client, outsider)
        assert approve(client, stall, payee_id).status_code == 404
    login(client, make_user("team", markets=[market]))
    assert approve(client, stall, payee_id).status_code == 303
    assert open_payee(stall).confirmed_at is None
    login(client, make_user("commune", unit=commune))
    assert pending_id(client, f"/stalls/{stall.id}") == payee_id
    assert approve(client, stall, payee_id).status_code == 302
    assert open_payee(stall).confirmed_via == "commune"
    assert sign_pays(maker, stall)
