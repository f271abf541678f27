"""Changing a stall's bank account takes two people: the change, then another board user's
approval or the vendor's confirmation; until then no sign is printed for the new account."""
from factories import login, make_market, make_stall, make_user, make_vendor
from sqlalchemy import select

from market.extensions import db
from market.links.services import create_link
from market.models import AuditEvent, BankAccount

WAITING = "Chờ duyệt thay đổi tài khoản"



def register(client, stall, number: str, holder: str = "NGUYEN THI LAN"):
    response = client.post(f"/stalls/{stall.id}/account", data={
        "bank_bin": "970436", "account_number": number, "account_number_again": number,
        "holder_name": holder, "kind": "account", "source": "typed", "confirm_shared": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)


def a_market_with_two_board_users(app):
    market = make_market()
    stall = make_stall(market, vendor=make_vendor())
    first, second = make_user("board", markets=[market]), make_user("board", markets=[market])
    first_client, second_client = app.test_client(), app.test_client()
    login(first_client, first)
    login(second_client, second)
    return market, stall, first_client, second_client



def test_the_first_account_needs_no_second_step(app):
    _market, stall, first, _second = a_market_with_two_board_users(app)
    register(first, stall, "0011223344")
    assert WAITING not in first.get(f"/stalls/{stall.id}").get_data(as_text=True)
    assert first.get(f"/stalls/{stall.id}/sign.pdf").mimetype == "application/pdf"


def test_a_changed_account_waits_for_another_board_user(app):
    market, stall, first, second = a_market_with_two_board_users(app)
    register(first, stall, "0011223344")
    register(first, stall, "5566778899")
    page = first.get(f"/stalls/{stall.id}").get_data(as_text=True)
    assert WAITING in page and "Duyệt tài khoản mới" not in page
    assert first.get(f"/stalls/{stall.id}/sign.pdf").mimetype != "application/pdf"
    report = first.get(f"/markets/{market.id}/signs").get_data(as_text=True)
    assert WAITING in report

    first.post(f"/stalls/{stall.id}/account/approve")  # the changer cannot approve
    assert WAITING in first.get(f"/stalls/{stall.id}").get_data(as_text=True)

    assert "Duyệt tài khoản mới" in second.get(f"/stalls/{stall.id}").get_data(as_text=True)
    assert second.post(f"/stalls/{stall.id}/account/approve").status_code == 302
    assert WAITING not in second.get(f"/stalls/{stall.id}").get_data(as_text=True)
    assert second.get(f"/stalls/{stall.id}/sign.pdf").mimetype == "application/pdf"
    account = db.session.scalar(select(BankAccount).where(BankAccount.account_number == "5566778899"))
    assert account.approved_via == "board" and account.approved_at is not None
    actions = list(db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.entity == "bank_account").order_by(AuditEvent.id)))
    assert actions == ["create", "update", "approve"]


def test_a_board_user_of_another_market_cannot_approve(app, client):
    _market, stall, first, _second = a_market_with_two_board_users(app)
    register(first, stall, "0011223344")
    register(first, stall, "5566778899")
    login(client, make_user("board", markets=[make_market("Chợ Khác")]))
    assert client.post(f"/stalls/{stall.id}/account/approve").status_code == 404
    account = db.session.scalar(select(BankAccount).where(BankAccount.account_number == "5566778899"))
    assert account.approved_via == "waiting"


def test_the_vendor_confirms_the_new_account_through_the_link(app, client):
    _market, stall, first, _second = a_market_with_two_board_users(app)
    register(first, stall, "0011223344")
    register(first, stall, "5566778899")
    _link, token = create_link(stall)
    db.session.commit()
    page = client.get(f"/v/{token}").get_data(as_text=True)
    assert "Xác nhận tài khoản mới" in page and "8899" in page and "5566778899" not in page
    assert WAITING in page
    assert client.post(f"/v/{token}/account/confirm").status_code == 302
    page = client.get(f"/v/{token}").get_data(as_text=True)
    assert "Xác nhận tài khoản mới" not in page and "In biển" in page
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "approve"))
    assert event.actor_label == "vendor link" and event.new["approved_via"] == "vendor"
    assert client.post(f"/v/{token}/account/confirm").status_code == 400
