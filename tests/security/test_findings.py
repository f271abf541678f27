"""The findings of the attacker's test of the registry, each closed: what one role must not
see or do, and the requests that answered 5xx or left the site."""
from __future__ import annotations

import io
from urllib.parse import urlsplit

import pytest
from api.helpers import bearer
from dashboard.fixtures import build_area
from factories import (
    PASSWORD,
    login,
    make_commune,
    make_market,
    make_stall,
    make_trading_stall,
    make_user,
    make_vendor,
)
from openpyxl import load_workbook
from sqlalchemy import select

from market.extensions import db
from market.models import (
    ApiToken,
    Market,
    PaymentNotification,
    PaymentPartner,
    Role,
    utcnow,
)
from market.models.evidence import NotificationStatus, PartnerKind


def test_a_commune_user_cannot_recover_a_masked_account_number_by_prefix_search(client):
    commune = make_commune("Xã Mai Lâm")
    market = make_market(commune=commune)
    stall = make_trading_stall(market, code="A01", account_number="0011223344")
    headers = bearer(make_user(Role.COMMUNE, unit=commune))
    login(client, make_user(Role.COMMUNE, unit=commune))
    for prefix in ("0", "00112", "0011223344"):
        page = client.get(f"/markets/{market.id}?q={prefix}").get_data(as_text=True)
        assert "A01" not in page
        assert "A01" not in client.get(f"/search?q={prefix}").get_data(as_text=True)
        found = client.get(f"/api/v1/stalls?q={prefix}", headers=headers).get_json()
        assert found["items"] == []
    # The stall itself is still there for them, by code, with the number masked.
    found = client.get("/api/v1/stalls?q=A01", headers=headers).get_json()["items"]
    assert [item["id"] for item in found] == [stall.id]
    assert found[0]["account"]["account_number"].endswith("3344")
    assert "0011223344" not in str(found)
    # Who sees numbers in full still finds a stall by its number.
    board = bearer(make_user(Role.BOARD, markets=[market]))
    assert len(client.get("/api/v1/stalls?q=00112", headers=board).get_json()["items"]) == 1


def test_the_duplicate_account_warning_names_no_vendor_of_another_market(client):
    mine, theirs = make_market("Chợ Mun"), make_market("Chợ Khác")
    make_trading_stall(theirs, vendor_name="Đỗ Văn Kín", account_number="5566778899")
    stall = make_stall(mine, vendor=make_vendor("Nguyễn Thị Lan"))
    login(client, make_user(Role.BOARD, markets=[mine]))
    response = client.post(f"/stalls/{stall.id}/account", data={
        "bank_bin": "970436", "account_number": "5566778899",
        "account_number_again": "5566778899", "holder_name": "NGUYEN THI LAN",
        "kind": "account", "source": "typed"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "1 hộ kinh doanh ở chợ khác" in page and "Đỗ Văn Kín" not in page


def a_quarantined_payment(account_number: str) -> PaymentNotification:
    partner = PaymentPartner(name="Ngân hàng thử", kind=next(iter(PartnerKind)), secret="x")
    db.session.add(partner)
    db.session.flush()
    notification = PaymentNotification(
        partner_id=partner.id, transaction_id="GD-1", bank_bin="970436",
        account_number=account_number, amount=50_000, paid_at=utcnow(),
        status=NotificationStatus.QUARANTINED)
    db.session.add(notification)
    db.session.flush()
    return notification


def test_quarantined_payments_are_seen_and_resolved_only_by_their_markets(app, client):
    mine, theirs = make_market("Chợ Mun"), make_market("Chợ Khác")
    make_trading_stall(theirs, account_number="5566778899")
    make_trading_stall(theirs, account_number="5566778899")  # two stalls: no single payee
    notification = a_quarantined_payment("5566778899")
    login(client, make_user(Role.BOARD, markets=[mine]))
    assert "GD-1" not in client.get("/monitor/quarantine").get_data(as_text=True)
    assert client.post(f"/monitor/quarantine/{notification.id}",
                       data={"dismiss": "y"}).status_code == 404
    db.session.refresh(notification)
    assert notification.status == NotificationStatus.QUARANTINED

    owner = app.test_client()
    login(owner, make_user(Role.BOARD, markets=[theirs]))
    assert "GD-1" in owner.get("/monitor/quarantine").get_data(as_text=True)
    assert owner.post(f"/monitor/quarantine/{notification.id}",
                      data={"dismiss": "y"}).status_code == 302
    db.session.refresh(notification)
    assert notification.status == NotificationStatus.DISMISSED


@pytest.mark.parametrize("target", [
    "/%09/example.com/path", "/%0a/example.com", "/\\example.com", "//example.com",
    "https://example.com/", "/%5Cexample.com", "%2F%2Fexample.com", "/\t/example.com",
])
def test_signing_in_never_redirects_off_the_site(client, target):
    user = make_user(Role.BOARD)
    db.session.commit()
    response = client.post(f"/login?next={target}", data={
        "username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    location = response.headers["Location"]
    browser_reads = location.replace("\t", "").replace("\n", "").replace("\\", "/")
    assert not urlsplit(browser_reads).netloc and not browser_reads.startswith("//")


def test_a_session_cookie_copied_before_sign_out_is_refused_after(app, client):
    user = make_user(Role.BOARD, markets=[make_market()])
    login(client, user)
    copy = app.test_client()
    copy.set_cookie("session", client.get_cookie("session").value)
    assert copy.get("/markets").status_code == 200
    client.post("/logout")
    assert copy.get("/markets").status_code == 302


def test_api_tokens_end_with_sign_out_everywhere_and_a_password_reset(app, client):
    market = make_market()
    person = make_user(Role.BOARD, markets=[market])
    headers = bearer(person)
    assert client.get("/api/v1/markets", headers=headers).status_code == 200
    login(client, person)
    client.post("/logout/everywhere")
    assert client.get("/api/v1/markets", headers=headers).status_code == 401

    headers = bearer(person)
    admin = app.test_client()
    login(admin, make_user(Role.ADMIN))
    admin.post(f"/admin/users/{person.id}/password", data={"password": "mat-khau-moi-dai-hon"})
    assert client.get("/api/v1/markets", headers=headers).status_code == 401
    assert db.session.scalar(select(ApiToken).where(ApiToken.revoked_at.is_(None))) is None


def test_only_an_administrator_moves_a_market_to_another_commune(client):
    home, elsewhere = make_commune("Xã Mai Lâm"), make_commune("Xã Khác")
    market = make_market(commune=home)
    board = bearer(make_user(Role.BOARD, markets=[market]))
    response = client.patch(f"/api/v1/markets/{market.id}", headers=board,
                            json={"commune_id": elsewhere.id})
    assert response.status_code == 422 and response.get_json()["field"] == "commune_id"
    assert client.patch(f"/api/v1/markets/{market.id}", headers=board,
                        json={"name": "Chợ Mun mới"}).status_code == 200
    admin = bearer(make_user(Role.ADMIN))
    assert client.patch(f"/api/v1/markets/{market.id}", headers=admin,
                        json={"commune_id": elsewhere.id}).status_code == 200
    db.session.expire_all()
    assert db.session.get(Market, market.id).commune_id == elsewhere.id


def test_absurd_requests_get_a_4xx_and_api_errors_a_problem_body(app, client):
    market = make_market()
    admin = make_user(Role.ADMIN)
    headers = bearer(admin)
    login(client, admin)
    assert client.get("/dashboard/report.pdf?month=9999-12").status_code == 400
    assert client.get("/dashboard/report.xlsx?month=0001-01").status_code == 400
    for path in (f"/stalls/{2**63}", f"/markets/{2**64}", f"/audit?market={2**63}"):
        assert client.get(path).status_code in (200, 404)
    answers = [
        client.get(f"/api/v1/stalls/{2**63}", headers=headers),
        client.get("/api/v1/no-such-thing", headers=headers),
        client.delete(f"/api/v1/markets/{market.id}", headers=headers),
        client.post("/api/v1/vendors", headers={**headers, "Content-Type": "application/json"},
                    data="[" * 50_000 + "]" * 50_000),
        client.post("/api/v1/vendors", headers={**headers, "Content-Type": "application/json"},
                    data="x" * (app.config["MAX_CONTENT_LENGTH"] + 1)),
    ]
    assert [answer.status_code for answer in answers] == [404, 404, 405, 400, 413]
    for answer in answers:
        assert answer.mimetype == "application/problem+json"
        assert {"type", "title", "status", "detail"} <= set(answer.get_json())


def test_every_spreadsheet_keeps_a_name_starting_with_equals_as_text(client):
    area = build_area()  # markets with their daily figures, as the monthly report reads them
    market = area.markets[0]
    market.name = '=HYPERLINK("http://example.com","Chợ")'
    make_trading_stall(market, code="A01", vendor_name="=1+2")
    login(client, make_user(Role.ADMIN))
    for path in (f"/dashboard/report.xlsx?unit={area.commune.id}", "/registry/export.xlsx"):
        response = client.get(path)
        assert response.status_code == 200, path
        book = load_workbook(io.BytesIO(response.data))
        cells = [cell for sheet in book for row in sheet.iter_rows() for cell in row
                 if isinstance(cell.value, str) and cell.value.startswith("=")]
        assert cells, path
        assert {cell.data_type for cell in cells} == {"s"}, path


def test_a_quote_in_a_stall_code_cannot_break_the_download_name(client):
    market = make_market(code="MUN")
    stall = make_trading_stall(market, code='A"1;x=.exe')
    login(client, make_user(Role.ADMIN))
    header = client.get(f"/stalls/{stall.id}/qr.svg").headers["Content-Disposition"]
    assert header == 'attachment; filename="qr-MUN-A_1_x=.exe.svg"; ' \
                     "filename*=UTF-8''qr-MUN-A%221%3Bx%3D.exe.svg"
