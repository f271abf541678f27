"""Every endpoint × role, in and out of scope, as on the web pages: outside → 404."""
from __future__ import annotations

from dataclasses import dataclass

import pytest
from factories import make_account, make_commune, make_market, make_stall, make_user, make_vendor

from api.helpers import bearer
from market.models import Role


@dataclass
class World:
    commune: object
    market: object
    stall: object
    vendor: object
    other_commune: object
    other_market: object
    other_stall: object
    other_vendor: object


@pytest.fixture
def world() -> World:
    commune, other_commune = make_commune("Xã Đông Anh"), make_commune("Xã Mê Linh")
    market = make_market("Chợ Dốc Vân", commune=commune)
    other_market = make_market("Chợ Mê Linh", commune=other_commune)
    stall, other_stall = make_stall(market), make_stall(other_market)
    vendor, other_vendor = make_vendor(stall=stall), make_vendor(stall=other_stall)
    make_account(vendor, account_number="0011223344")
    make_account(other_vendor)
    return World(commune, market, stall, vendor, other_commune, other_market, other_stall,
                 other_vendor)


def user_of(role: Role, w: World):
    if role == Role.COMMUNE:
        return make_user(role, unit=w.commune)
    if role in (Role.BOARD, Role.TEAM):
        return make_user(role, markets=[w.market])
    return make_user(role)


READS = [
    "/markets/{market}", "/markets/{market}/snapshots", "/stalls/{stall}",
    "/stalls/{stall}/signs", "/stalls/{stall}/ladder", "/vendors/{vendor}",
    "/units/{commune}/snapshots",
]
ALL_ROLES = list(Role)


def fill(path: str, w: World, inside: bool) -> str:
    prefix = "" if inside else "other_"
    return "/api/v1" + path.format(**{name: getattr(w, prefix + name).id
                                      for name in ("market", "stall", "vendor", "commune")})


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("path", READS)
def test_reads_in_scope_answer_and_out_of_scope_are_404(client, world, role, path):
    headers = bearer(user_of(role, world))
    assert client.get(fill(path, world, True), headers=headers).status_code == 200
    outside = client.get(fill(path, world, False), headers=headers)
    assert outside.status_code == (200 if role == Role.ADMIN else 404)
    if role != Role.ADMIN:
        assert outside.content_type == "application/problem+json"


@pytest.mark.parametrize("role", ALL_ROLES)
def test_lists_hold_only_what_is_in_scope(client, world, role):
    headers = bearer(user_of(role, world))
    markets = client.get("/api/v1/markets", headers=headers).get_json()["items"]
    stalls = client.get("/api/v1/stalls", headers=headers).get_json()["items"]
    expected_markets = {world.market.id} | ({world.other_market.id} if role == Role.ADMIN else set())
    assert {m["id"] for m in markets} == expected_markets
    assert {s["market_id"] for s in stalls} == expected_markets


def test_commune_users_see_masked_accounts_and_no_contact_details(client, world):
    world.vendor.phone, world.vendor.birth_year = "0912345678", 1960
    headers = bearer(user_of(Role.COMMUNE, world))
    stall = client.get(f"/api/v1/stalls/{world.stall.id}", headers=headers).get_json()
    assert stall["account"]["account_number"] == "••••••3344"
    assert stall["vendor"]["phone"] is None and stall["vendor"]["birth_year"] is None


def test_boards_see_full_accounts_and_contact_details(client, world):
    world.vendor.phone = "0912345678"
    headers = bearer(user_of(Role.BOARD, world))
    stall = client.get(f"/api/v1/stalls/{world.stall.id}", headers=headers).get_json()
    assert stall["account"]["account_number"] == "0011223344"
    assert stall["vendor"]["phone"] == "0912345678"


# (method, path, body, roles allowed in scope)
WRITES = [
    ("PATCH", "/markets/{market}", {"name": "Chợ Dốc Vân mới"}, {Role.ADMIN, Role.BOARD}),
    ("POST", "/markets/{market}/stalls", {"code": "Z9", "category": "fish"},
     {Role.ADMIN, Role.BOARD}),
    ("PATCH", "/stalls/{stall}", {"zone": "B"}, {Role.ADMIN, Role.BOARD}),
    ("PATCH", "/vendors/{vendor}", {"shop_name": "Rau sạch Lan"}, {Role.ADMIN, Role.BOARD}),
    ("POST", "/vendors/{vendor}/accounts",
     {"bank_bin": "970436", "account_number": "0451000123456", "holder_name": "Nguyễn Thị Lan"},
     {Role.ADMIN, Role.BOARD}),
    ("POST", "/stalls/{stall}/inspections", {"sign_displayed": True, "qr_use": "daily"},
     {Role.ADMIN, Role.BOARD, Role.TEAM}),
    ("POST", "/stalls/{stall}/self-reports", {"answer": "sometimes"},
     {Role.ADMIN, Role.BOARD, Role.TEAM}),
]


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize(("method", "path", "body", "allowed"), WRITES,
                         ids=[f"{m} {p}" for m, p, _b, _a in WRITES])
def test_writes_follow_the_web_access_matrix(client, world, role, method, path, body, allowed):
    headers = bearer(user_of(role, world))
    inside = client.open(fill(path, world, True), method=method, json=body, headers=headers)
    assert inside.status_code == ((201 if method == "POST" else 200) if role in allowed else 404)
    outside = client.open(fill(path, world, False), method=method, json=body, headers=headers)
    assert outside.status_code == (inside.status_code if role == Role.ADMIN else 404)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_registering_a_vendor_needs_a_stall_in_scope(client, world, role):
    headers = bearer(user_of(role, world))
    body = {"name": "Lê Văn Tám", "start_on": "2026-11-01"}
    inside = client.post("/api/v1/vendors", json={**body, "stall_id": world.stall.id},
                         headers=headers)
    outside = client.post("/api/v1/vendors", json={**body, "stall_id": world.other_stall.id},
                          headers=headers)
    assert inside.status_code == (201 if role in {Role.ADMIN, Role.BOARD} else 404)
    assert outside.status_code == (201 if role == Role.ADMIN else 404)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_only_administrators_register_markets(client, world, role):
    headers = bearer(user_of(role, world))
    body = {"code": "CHOMOI", "name": "Chợ Mới", "market_class": 3, "commune_id": world.commune.id}
    response = client.post("/api/v1/markets", json=body, headers=headers)
    assert response.status_code == (201 if role == Role.ADMIN else 403)
