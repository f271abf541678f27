"""The API says whether a stall's current account still waits for the second person's approval
that a changed account needs before signs can be printed for it."""
from __future__ import annotations

from datetime import UTC, datetime

from factories import login, make_market, make_stall, make_user, make_vendor
from sqlalchemy import select

from api.helpers import bearer
from market.extensions import db
from market.links.services import create_link
from market.models import Payee, Role

FIRST = {"bank_bin": "970436", "account_number": "0011223344", "holder_name": "NGUYEN THI LAN"}
CHANGED = {"bank_bin": "970436", "account_number": "5566778899", "holder_name": "NGUYEN THI LAN"}


def a_stall_and_two_board_users():
    market = make_market()
    stall = make_stall(market, vendor=make_vendor())
    first, second = make_user(Role.BOARD, markets=[market]), make_user(Role.BOARD, markets=[market])
    return market, stall, first, second


def pending_payee(stall) -> Payee:
    return db.session.scalar(select(Payee).where(Payee.stall_id == stall.id,
                                                 Payee.ended_at.is_(None)))


def register(client, headers, stall_id: int, body: dict) -> dict:
    """Register an account for the stall's tenant through the API; the answer's account."""
    vendor_id = client.get(f"/api/v1/stalls/{stall_id}", headers=headers).get_json()["vendor"]["id"]
    response = client.post(f"/api/v1/vendors/{vendor_id}/accounts", json=body, headers=headers)
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def shown_account(client, headers, market_id: int, stall_id: int) -> dict:
    """The stall's account as both the stall and the market's list of stalls show it."""
    one = client.get(f"/api/v1/stalls/{stall_id}", headers=headers).get_json()["account"]
    listed = client.get(f"/api/v1/stalls?market_id={market_id}", headers=headers).get_json()
    assert [stall["account"] for stall in listed["items"]] == [one]
    return one


def test_a_first_account_needs_no_approval(client):
    market, stall, first, _second = a_stall_and_two_board_users()
    headers = bearer(first)
    assert register(client, headers, stall.id, FIRST)["awaiting_approval"] is False
    account = shown_account(client, headers, market.id, stall.id)
    assert account["account_number"] == "0011223344"
    assert (account["awaiting_approval"], account["approved_at"]) == (False, None)


def test_a_changed_account_awaits_approval_until_another_board_user_gives_it(app, client):
    market, stall, first, second = a_stall_and_two_board_users()
    headers = bearer(first)
    register(client, headers, stall.id, FIRST)
    answer = register(client, headers, stall.id, CHANGED)
    assert (answer["version"], answer["awaiting_approval"], answer["approved_at"]) == (2, True, None)
    waiting = shown_account(client, headers, market.id, stall.id)
    assert waiting["account_number"] == "5566778899" and waiting["awaiting_approval"] is True

    board = app.test_client()
    login(board, second)
    before = datetime.now(UTC)
    payee = {"payee": pending_payee(stall).id}
    assert board.post(f"/stalls/{stall.id}/account/approve", data=payee).status_code == 302

    approved = shown_account(client, headers, market.id, stall.id)
    assert approved["awaiting_approval"] is False
    assert datetime.fromisoformat(approved["approved_at"]) >= before


def test_the_vendors_confirmation_through_their_link_clears_the_wait(client):
    market, stall, first, _second = a_stall_and_two_board_users()
    headers = bearer(first)
    register(client, headers, stall.id, FIRST)
    register(client, headers, stall.id, CHANGED)
    _link, token = create_link(stall)
    payee = {"payee": pending_payee(stall).id}
    assert client.post(f"/v/{token}/account/confirm", data=payee).status_code == 302
    account = shown_account(client, headers, market.id, stall.id)
    assert account["awaiting_approval"] is False and account["approved_at"] is not None


def test_the_document_describes_the_approval_fields(client):
    schema = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]["AccountOut"]
    assert {"awaiting_approval", "approved_at"} <= set(schema["required"])
    assert schema["properties"]["awaiting_approval"]["type"] == "boolean"
    assert "approved" in schema["properties"]["approved_at"]["description"]
