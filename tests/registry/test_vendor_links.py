"""The vendor link: a private page with the stall's own sign, print and self-report."""
import re

from factories import login, make_account, make_market, make_stall, make_user, make_vendor
from sqlalchemy import select

from market.extensions import db
from market.models import AuditEvent, SelfReport, SignPrint, VendorLink


def stall_with_link(client):
    market = make_market("Chợ Mun")
    vendor = make_vendor("Nguyễn Thị Lan")
    stall = make_stall(market, code="A-01", vendor=vendor)
    make_account(vendor, bank_bin="970415", account_number="113366668888")
    login(client, make_user("board", markets=[market]))
    page = client.post(f"/stalls/{stall.id}/links").get_data(as_text=True)
    url = re.search(r"http://localhost(/v/[A-Za-z0-9_-]+)", page).group(1)
    return stall, url


def test_board_creates_a_link_and_only_its_hash_is_stored(client):
    stall, url = stall_with_link(client)
    token = url.rsplit("/", 1)[1]
    assert len(token) >= 32
    link = db.session.scalar(select(VendorLink))
    assert token not in link.token_hash and link.stall_id == stall.id
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.entity == "vendor_link"))


def test_vendor_sees_the_own_sign_without_signing_in(client, app):
    _stall, url = stall_with_link(client)
    vendor = app.test_client()
    page = vendor.get(url).get_data(as_text=True)
    assert "Gian hàng A-01" in page and "<svg" in page and "In biển" in page
    assert "Đăng xuất" not in page


def test_vendor_prints_the_sign_as_a_pdf_logged_as_the_vendor_link(client, app):
    _stall, url = stall_with_link(client)
    response = app.test_client().post(f"{url}/sign", data={"format": "a6"})
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert db.session.scalar(select(SignPrint.actor_label)) == "vendor link"


def test_vendor_answers_whether_qr_is_used(client, app):
    stall, url = stall_with_link(client)
    vendor = app.test_client()
    missing = vendor.post(f"{url}/report", data={"answer": "no"})
    assert missing.status_code == 400
    assert db.session.scalar(select(SelfReport)) is None
    response = vendor.post(f"{url}/report", data={"answer": "no", "reason": "prefers_cash"})
    assert response.status_code == 302
    report = db.session.scalar(select(SelfReport))
    assert report.stall_id == stall.id and report.reason == "prefers_cash"


def test_revoked_or_made_up_links_are_404(client, app):
    stall, url = stall_with_link(client)
    link = db.session.scalar(select(VendorLink))
    assert client.post(f"/links/{link.id}/revoke").status_code == 302
    vendor = app.test_client()
    assert vendor.get(url).status_code == 404
    assert vendor.get("/v/khong-co-that").status_code == 404
    assert vendor.post(f"{url}/sign", data={"format": "a6"}).status_code == 404
    assert "Tạo đường dẫn mới" in client.get(f"/stalls/{stall.id}").get_data(as_text=True)


def test_board_cannot_create_or_revoke_links_of_another_market(client, app):
    _stall, _url = stall_with_link(client)
    link = db.session.scalar(select(VendorLink))
    other_market = make_market("Chợ khác")
    other_stall = make_stall(other_market)
    outsider = app.test_client()
    login(outsider, make_user("board", markets=[other_market]))
    assert outsider.post(f"/links/{link.id}/revoke").status_code == 404
    team = app.test_client()
    login(team, make_user("team", markets=[other_market]))
    assert team.post(f"/stalls/{other_stall.id}/links").status_code == 403
    db.session.refresh(link)
    assert link.revoked_at is None
