"""Payment notices from SePay and Casso, posted as their documentation shows, reach the ladder."""
from __future__ import annotations

import hashlib
import hmac
import json
import time
from datetime import UTC, date, datetime

import pytest
from factories import login, make_account, make_market, make_stall, make_user, make_vendor
from sqlalchemy import func, select

from market.extensions import db
from market.models import AdoptionStep, PaymentActivity, PaymentNotification, PaymentPartner, Role
from market.models.evidence import NotificationStatus, PartnerKind
from market.monitor.ladder import step_of
from market.monitor.partners import casso
from market.monitor.payments import add_partner

pytestmark = pytest.mark.usefixtures("app")

# SePay's documented webhook example (developer.sepay.vn, "Tích hợp webhook").
SEPAY_SAMPLE = {
    "id": 92704, "gateway": "Vietcombank", "transactionDate": "2023-03-25 14:02:37",
    "accountNumber": "0123499999", "code": None, "content": "chuyen tien mua iphone",
    "transferType": "in", "transferAmount": 2277000, "accumulated": 19077000,
    "subAccount": None, "referenceCode": "MBVCB.3278907687", "description": "",
}
# Casso's documented webhook example (developer.casso.vn, "Xử lý sự kiện Webhook", API v2),
# with the checksum key and the signature the documentation gives for it.
CASSO_SAMPLE = {"error": 0, "data": {
    "id": 0, "reference": "MA_GIAO_DICH_THU_NGHIEM", "description": "giao dich thu nghiem",
    "amount": 599000, "runningBalance": 25000000, "transactionDateTime": "2024-10-03 15:06:37",
    "accountNumber": "88888888", "bankName": "VPBank", "bankAbbreviation": "VPB",
    "virtualAccountNumber": "", "virtualAccountName": "", "counterAccountName": "NGUYEN VAN A",
    "counterAccountNumber": "8888888888", "counterAccountBankId": "970415",
    "counterAccountBankName": "VietinBank",
}}
CASSO_KEY = "mgExMrjj4i7a1p8Cs6LmFbpCd8lbw4sSX4LZXPag7TKazeIogtR90tvWYTkwQbvs"
CASSO_SIGNATURE = ("ed0a4bd2e826d5cb69988cdb141e6c1a080e21f3b57eb72cd78192220042b9e7dde0868fc667"
                   "faea8e224900fa7904e7c88dfa098032fb2d6b6996856e8b7ff3")


def stall_receiving_at(bank_bin: str, number: str, since: date):
    """An operating stall (in the registry from the start of ``since``'s year) whose vendor's
    account (registered before ``since``) is this one."""
    opened = date(since.year, 1, 1)
    stall = make_stall(make_market(opened_on=opened), opened_on=opened)
    account = make_account(make_vendor(stall=stall, start_on=date(since.year, 1, 1)),
                           bank_bin=bank_bin, account_number=number)
    account.created_at = datetime(since.year, 1, 2, tzinfo=UTC)
    db.session.flush()
    return stall


def partner(kind: PartnerKind, key: str | None = None):
    row, secret = add_partner(f"{kind.value} thử", kind, key)
    db.session.commit()
    return row, secret


def post(client, row, body: bytes, headers: dict):
    return client.post(f"/api/v1/webhooks/partners/{row.id}", data=body,
                       content_type="application/json", headers=headers)


def sepay_hmac(key: str, body: bytes, when: int | None = None) -> dict:
    timestamp = str(when if when is not None else int(time.time()))
    digest = hmac.new(key.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return {"X-SePay-Signature": f"sha256={digest}", "X-SePay-Timestamp": timestamp}


def casso_header(key: str, data: dict) -> dict:
    timestamp = str(int(time.time() * 1000))
    return {"X-Casso-Signature": f"t={timestamp},v1={casso.signature(key, timestamp, data)}"}


def notices() -> list[PaymentNotification]:
    return list(db.session.scalars(select(PaymentNotification)))


def test_sepay_sample_with_its_api_key_moves_the_stall_up_the_ladder(client):
    stall = stall_receiving_at("970436", "0123499999", date(2023, 3, 25))
    assert step_of(stall.id, date(2023, 3, 25)) == AdoptionStep.REGISTERED
    row, key = partner(PartnerKind.SEPAY)
    body = json.dumps(SEPAY_SAMPLE).encode()
    response = post(client, row, body, {"Authorization": f"Apikey {key}"})
    assert response.status_code == 200 and response.get_json() == {"success": True}
    [notice] = notices()
    assert (notice.transaction_id, notice.bank_bin, notice.amount) == ("92704", "970436", 2277000)
    assert notice.status == NotificationStatus.APPLIED and notice.stall_id == stall.id
    assert step_of(stall.id, date(2023, 3, 25)) == AdoptionStep.ACTIVE
    again = post(client, row, body, {"Authorization": f"Apikey {key}"})
    assert again.status_code == 200
    assert db.session.scalar(select(func.sum(PaymentActivity.payments))) == 1


def test_sepay_hmac_signature_is_accepted_and_checked(client):
    stall_receiving_at("970436", "0123499999", date(2023, 3, 25))
    row, key = partner(PartnerKind.SEPAY, "khoa-hmac-tu-sepay")
    body = json.dumps(SEPAY_SAMPLE).encode()
    assert post(client, row, body, sepay_hmac("sai", body)).status_code == 401
    stale = sepay_hmac(key, body, when=int(time.time()) - 3600)
    assert post(client, row, body, stale).status_code == 401
    assert post(client, row, body, {"Authorization": "Apikey sai"}).status_code == 401
    assert notices() == []
    assert post(client, row, body, sepay_hmac(key, body)).status_code == 200
    assert len(notices()) == 1


def test_sepay_money_going_out_is_acknowledged_and_not_counted(client):
    stall_receiving_at("970436", "0123499999", date(2023, 3, 25))
    row, key = partner(PartnerKind.SEPAY)
    body = json.dumps(SEPAY_SAMPLE | {"transferType": "out"}).encode()
    response = post(client, row, body, {"Authorization": f"Apikey {key}"})
    assert response.status_code == 200 and response.get_json() == {"success": True}
    assert notices() == []


def test_casso_signature_scheme_matches_its_documented_example():
    assert casso.signature(CASSO_KEY, "1727948258788", CASSO_SAMPLE) == CASSO_SIGNATURE


def test_casso_sample_signed_with_its_checksum_key_reaches_the_ladder(client):
    stall = stall_receiving_at("970432", "88888888", date(2024, 10, 3))
    row, _ = partner(PartnerKind.CASSO, CASSO_KEY)
    body = json.dumps(CASSO_SAMPLE, ensure_ascii=False).encode()
    assert post(client, row, body, casso_header("sai", CASSO_SAMPLE)).status_code == 401
    old = {"X-Casso-Signature": f"t=1727948258788,v1={CASSO_SIGNATURE}"}
    assert post(client, row, body, old).status_code == 401  # the documented one, replayed
    response = post(client, row, body, casso_header(CASSO_KEY, CASSO_SAMPLE))
    assert response.status_code == 200 and response.get_json() == {"success": True}
    [notice] = notices()
    assert (notice.transaction_id, notice.bank_bin, notice.account_number) == (
        "0", "970432", "88888888")
    assert notice.paid_at == datetime(2024, 10, 3, 8, 6, 37, tzinfo=UTC)  # 15:06:37 in Hà Nội
    assert step_of(stall.id, date(2024, 10, 3)) == AdoptionStep.ACTIVE


def test_casso_outgoing_transfers_in_a_list_are_left_out(client):
    stall_receiving_at("970432", "88888888", date(2024, 10, 3))
    row, _ = partner(PartnerKind.CASSO, CASSO_KEY)
    incoming = CASSO_SAMPLE["data"] | {"id": 11}
    outgoing = CASSO_SAMPLE["data"] | {"id": 12, "amount": -50000}
    data = {"error": 0, "data": [incoming, outgoing]}
    body = json.dumps(data).encode()
    assert post(client, row, body, casso_header(CASSO_KEY, data)).status_code == 200
    assert [n.transaction_id for n in notices()] == ["11"]


def test_content_and_balance_are_not_kept(client):
    stall_receiving_at("970436", "0123499999", date(2023, 3, 25))
    row, key = partner(PartnerKind.SEPAY)
    post(client, row, json.dumps(SEPAY_SAMPLE).encode(), {"Authorization": f"Apikey {key}"})
    [notice] = notices()
    kept = {column.name: getattr(notice, column.name)
            for column in PaymentNotification.__table__.columns}
    assert "chuyen tien mua iphone" not in map(str, kept.values())
    assert 19077000 not in kept.values() and "MBVCB.3278907687" not in kept.values()


def test_a_provider_cannot_post_as_another_kind_of_partner(client):
    row, key = partner(PartnerKind.SIGNED)
    body = json.dumps(SEPAY_SAMPLE).encode()
    assert post(client, row, body, {"Authorization": f"Apikey {key}"}).status_code == 401
    assert client.post("/api/v1/webhooks/partners/99999", data=body).status_code == 401


def test_a_body_in_the_wrong_shape_is_400(client):
    row, key = partner(PartnerKind.SEPAY)
    response = post(client, row, b"[1, 2]", {"Authorization": f"Apikey {key}"})
    assert response.status_code == 400 and response.get_json()["success"] is False


def test_partner_kinds_are_chosen_when_a_partner_is_added(cli):
    result = cli.invoke(args=["monitor", "partner", "add", "SePay chợ Mun", "--kind", "sepay"])
    assert result.exit_code == 0 and "/api/v1/webhooks/partners/" in result.output
    typed = cli.invoke(args=["monitor", "partner", "add", "Casso chợ Tó", "--kind", "casso",
                             "--provider-key"], input=f"{CASSO_KEY}\n")
    assert typed.exit_code == 0 and CASSO_KEY not in typed.output
    stored = {row.name: (row.kind, row.secret) for row in db.session.scalars(select(PaymentPartner))}
    assert stored["SePay chợ Mun"][0] == PartnerKind.SEPAY
    assert stored["Casso chợ Tó"] == (PartnerKind.CASSO, CASSO_KEY)


def test_the_administrator_chooses_the_kind_on_the_partners_page(client):
    login(client, make_user(Role.ADMIN))
    page = client.post("/admin/partners", data={"name": "Casso chợ Tó", "kind": "casso",
                                                "provider_key": CASSO_KEY}).get_data(as_text=True)
    casso_partner = db.session.scalar(select(PaymentPartner))
    assert (casso_partner.kind, casso_partner.secret) == (PartnerKind.CASSO, CASSO_KEY)
    assert f"/api/v1/webhooks/partners/{casso_partner.id}" in page and CASSO_KEY not in page
    page = client.post("/admin/partners", data={"name": "SePay chợ Mun", "kind": "sepay"}
                       ).get_data(as_text=True)
    sepay_partner = db.session.scalar(
        select(PaymentPartner).where(PaymentPartner.name == "SePay chợ Mun"))
    assert sepay_partner.secret in page and "data-partner-url" in page
