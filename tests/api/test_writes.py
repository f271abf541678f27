"""Writing through the registry services: the forms' validation, the audit, idempotency."""
from __future__ import annotations

import pytest
from factories import make_commune, make_market, make_stall, make_user, make_vendor
from flask_babel import force_locale
from sqlalchemy import func, select

from api.helpers import bearer
from market.api.problems import MISSING
from market.extensions import db
from market.models import AuditEvent, BankAccount, Inspection, Market, Role, Stall, Vendor
from market.registry import services
from market.registry.errors import RegistryError


@pytest.fixture
def board():
    market = make_market("Chợ Dốc Vân", code="DOCVAN")
    user = make_user(Role.BOARD, markets=[market])
    return market, bearer(user)


def service_message(call) -> tuple[str, str]:
    """What the registry service (and so the web form) says for the same input."""
    with pytest.raises(RegistryError) as caught, db.session.begin_nested():
        call()
    return caught.value.field, str(caught.value.message)


def test_a_duplicate_stall_code_gets_the_forms_message(client, board):
    market, headers = board
    make_stall(market, code="A1")
    response = client.post(f"/api/v1/markets/{market.id}/stalls",
                           json={"code": "a1", "category": "fish"}, headers=headers)
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    problem = response.get_json()
    expected = service_message(lambda: services.create_stall(market, code="a1", category="fish"))
    assert (problem["field"], problem["message"]) == expected
    assert problem["message"] == "Chợ này đã có gian hàng mã A1."


def test_a_bad_account_number_gets_the_forms_message_and_changes_nothing(client, board):
    market, headers = board
    vendor = make_vendor(stall=make_stall(market))
    body = {"bank_bin": "970436", "account_number": "12-34 ##", "holder_name": "LAN"}
    response = client.post(f"/api/v1/vendors/{vendor.id}/accounts", json=body, headers=headers)
    problem = response.get_json()
    assert response.status_code == 422
    assert (problem["field"], problem["message"]) == service_message(
        lambda: services.register_account(vendor, **body))
    assert db.session.scalar(select(func.count()).select_from(BankAccount)) == 0


def test_english_messages_when_the_client_asks(client, board):
    market, headers = board
    response = client.post(f"/api/v1/markets/{market.id}/stalls", json={"category": "fish"},
                           headers={**headers, "Accept-Language": "en-GB,en;q=0.9"})
    assert response.status_code == 422 and response.get_json()["field"] == "code"
    assert response.headers["Content-Language"] == "en"
    with force_locale("en"):
        assert response.get_json()["message"] == str(MISSING)


def test_vietnamese_by_default(client, board):
    market, headers = board
    response = client.post(f"/api/v1/markets/{market.id}/stalls", json={"category": "fish"},
                           headers=headers)
    assert response.headers["Content-Language"] == "vi"
    assert response.get_json()["message"] == "Vui lòng nhập thông tin này."


def test_missing_and_unknown_fields_are_named(client, board):
    market, headers = board
    response = client.post(f"/api/v1/markets/{market.id}/stalls",
                           json={"colour": "red", "category": "fish"}, headers=headers)
    fields = {e["field"]: e["message"] for e in response.get_json()["errors"]}
    assert fields == {"code": "Vui lòng nhập thông tin này.",
                      "colour": "Không thể thay đổi thông tin này."}


def test_creating_a_stall_answers_201_with_location_and_is_audited(client, board):
    market, headers = board
    response = client.post(f"/api/v1/markets/{market.id}/stalls",
                           json={"code": "b12", "zone": "B", "category": "meat"}, headers=headers)
    assert response.status_code == 201
    stall = response.get_json()
    assert stall["code"] == "B12" and stall["vendor"] is None
    assert response.headers["Location"].endswith(f"/api/v1/stalls/{stall['id']}")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.entity == "stall"))
    assert event.action == "create" and event.actor_id is not None


def test_registering_a_vendor_makes_them_the_tenant(client, board):
    market, headers = board
    stall = make_stall(market)
    response = client.post("/api/v1/vendors", headers=headers, json={
        "stall_id": stall.id, "start_on": "2026-11-01", "name": "Lê Văn Tám",
        "phone": "0912 345 678"})
    assert response.status_code == 201 and response.get_json()["phone"] == "0912345678"
    listed = client.get(f"/api/v1/stalls/{stall.id}", headers=headers).get_json()
    assert listed["vendor"]["name"] == "Lê Văn Tám"


def test_a_repeated_idempotency_key_returns_the_first_answer(client, board):
    market, headers = board
    keyed = {**headers, "Idempotency-Key": "tao-gian-hang-b1"}
    body = {"code": "B1", "category": "fish"}
    first = client.post(f"/api/v1/markets/{market.id}/stalls", json=body, headers=keyed)
    again = client.post(f"/api/v1/markets/{market.id}/stalls", json=body, headers=keyed)
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert db.session.scalar(select(func.count()).select_from(Stall)) == 1


def test_the_same_key_with_another_body_is_422(client, board):
    market, headers = board
    keyed = {**headers, "Idempotency-Key": "k-1"}
    client.post(f"/api/v1/markets/{market.id}/stalls", json={"code": "B1", "category": "fish"},
                headers=keyed)
    other = client.post(f"/api/v1/markets/{market.id}/stalls",
                        json={"code": "B2", "category": "fish"}, headers=keyed)
    assert other.status_code == 422
    assert other.get_json()["type"].endswith("idempotency-key-reused")
    assert db.session.scalar(select(func.count()).select_from(Stall)) == 1


def test_a_refused_create_is_not_remembered_under_its_key(client, board):
    market, headers = board
    keyed = {**headers, "Idempotency-Key": "k-2"}
    refused = client.post(f"/api/v1/markets/{market.id}/stalls", json={"category": "fish"},
                          headers=keyed)
    assert refused.status_code == 422
    fixed = client.post(f"/api/v1/markets/{market.id}/stalls",
                        json={"code": "C1", "category": "fish"}, headers=keyed)
    assert fixed.status_code == 201


def test_keys_belong_to_their_user(client, board):
    market, headers = board
    other = bearer(make_user(Role.BOARD, markets=[market]))
    body = {"code": "B1", "category": "fish"}
    client.post(f"/api/v1/markets/{market.id}/stalls", json=body,
                headers={**headers, "Idempotency-Key": "shared"})
    response = client.post(f"/api/v1/markets/{market.id}/stalls", json={**body, "code": "B2"},
                           headers={**other, "Idempotency-Key": "shared"})
    assert response.status_code == 201


def test_patch_changes_only_the_fields_sent(client, board):
    market, headers = board
    response = client.patch(f"/api/v1/markets/{market.id}", json={"address": "Thôn Dốc Vân"},
                            headers=headers)
    assert response.status_code == 200
    db.session.refresh(market)
    assert (market.name, market.address) == ("Chợ Dốc Vân", "Thôn Dốc Vân")


def test_admin_registers_a_market(client):
    commune = make_commune()
    headers = bearer(make_user(Role.ADMIN))
    body = {"code": "cho-moi", "name": "Chợ Mới", "market_class": 3, "commune_id": commune.id}
    response = client.post("/api/v1/markets", json=body, headers=headers)
    assert response.status_code == 201 and response.get_json()["code"] == "CHO-MOI"
    duplicate = client.post("/api/v1/markets", json=body, headers=headers)
    assert duplicate.get_json()["message"] == "Mã chợ CHO-MOI đã được dùng."
    assert db.session.scalar(select(func.count()).select_from(Market)) == 1


def test_an_inspection_saying_no_needs_a_reason(client, board):
    market, headers = board
    stall = make_stall(market)
    path = f"/api/v1/stalls/{stall.id}/inspections"
    refused = client.post(path, json={"sign_displayed": False, "qr_use": "no"}, headers=headers)
    assert refused.status_code == 422 and refused.get_json()["field"] == "reason"
    recorded = client.post(path, headers=headers, json={
        "sign_displayed": False, "qr_use": "no", "reason": "prefers_cash"})
    assert recorded.status_code == 201 and recorded.get_json()["reason"] == "prefers_cash"
    assert db.session.scalar(select(Inspection)).inspector_id is not None


def test_a_body_that_is_not_json_is_a_bad_request(client, board):
    market, headers = board
    response = client.post(f"/api/v1/markets/{market.id}/stalls", data="code=A1",
                           headers=headers)
    assert response.status_code == 400
    assert response.content_type == "application/problem+json"


def test_vendor_count_unchanged_after_refusal(client, board):
    market, headers = board
    stall = make_stall(market)
    response = client.post("/api/v1/vendors", headers=headers, json={
        "stall_id": stall.id, "start_on": "2026-11-01", "name": "Lê Văn Tám", "phone": "12"})
    assert response.status_code == 422 and response.get_json()["field"] == "phone"
    assert db.session.scalar(select(func.count()).select_from(Vendor)) == 0
