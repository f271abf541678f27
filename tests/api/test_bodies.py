"""Bodies built straight from rows (market.api.bodies) are, byte for byte, what the published
response models would write for the same values: same keys in the same order, same dates,
times and enum values, nothing more and nothing less."""
from __future__ import annotations

from datetime import date

import pytest
from factories import make_account, make_commune, make_market, make_stall, make_user, make_vendor
from pydantic import BaseModel

from api.helpers import bearer
from market.api import schemas
from market.extensions import db
from market.models import AdoptionSnapshot, GoodsCategory, Role, StallStatus


def as_its_model_writes(body: bytes, model: type[BaseModel]) -> bytes:
    return model.model_validate_json(body).model_dump_json().encode()


@pytest.fixture
def commune_market():
    """A market with a stall of each kind: tenant with account, tenant without, no tenant."""
    commune = make_commune("Xã Đông Anh")
    market = make_market("Chợ Dốc Vân", commune=commune)
    lan = make_vendor("Nguyễn Thị Lan", shop_name="Rau sạch Lan", phone="0912345678",
                      birth_year=1970, stall=make_stall(market, code="A1"))
    lan.consent_on = date(2026, 3, 8)
    make_account(lan, account_number="0011223344")
    make_vendor("Trần Văn Bình", stall=make_stall(market, code="A2",
                                                  category=GoodsCategory.FISH))
    make_stall(market, code="A3", status=StallStatus.VACANT)
    return commune, market


@pytest.mark.parametrize("role", [Role.BOARD, Role.COMMUNE])
def test_a_stall_page_is_what_its_model_writes(client, commune_market, role):
    commune, market = commune_market
    user = make_user(role, markets=[market]) if role == Role.BOARD else make_user(role,
                                                                                   unit=commune)
    response = client.get("/api/v1/stalls?limit=2", headers=bearer(user))
    assert response.status_code == 200
    assert response.data == as_its_model_writes(response.data, schemas.StallPage)
    page = response.get_json()
    assert [stall["code"] for stall in page["items"]] == ["A1", "A2"]
    assert page["next_cursor"] is not None
    lan, binh = page["items"]
    assert lan["vendor"]["consent_on"] == "2026-03-08" and lan["created_at"].endswith("Z")
    assert binh["category"] == "fish" and binh["account"] is None
    shown = "0011223344" if role == Role.BOARD else "••••••3344"
    assert lan["account"]["account_number"] == shown


def test_one_stall_without_a_tenant_is_what_its_model_writes(client, commune_market):
    _commune, market = commune_market
    headers = bearer(make_user(Role.BOARD, markets=[market]))
    last = client.get("/api/v1/stalls?limit=3", headers=headers).get_json()["items"][-1]
    response = client.get(f"/api/v1/stalls/{last['id']}", headers=headers)
    assert response.data == as_its_model_writes(response.data, schemas.StallOut)
    assert response.get_json()["vendor"] is None and response.get_json()["status"] == "vacant"


def test_a_vendor_and_a_new_account_are_what_their_models_write(client, commune_market):
    _commune, market = commune_market
    headers = bearer(make_user(Role.BOARD, markets=[market]))
    stall = client.get("/api/v1/stalls?limit=1", headers=headers).get_json()["items"][0]
    vendor = client.get(f"/api/v1/vendors/{stall['vendor']['id']}", headers=headers)
    assert vendor.data == as_its_model_writes(vendor.data, schemas.VendorOut)
    assert vendor.get_json()["phone"] == "0912345678"
    account = client.post(f"/api/v1/vendors/{stall['vendor']['id']}/accounts", headers=headers,
                          json={"bank_bin": "970436", "account_number": "0451000123456",
                                "holder_name": "Nguyễn Thị Lan"})
    assert account.status_code == 201
    assert account.data == as_its_model_writes(account.data, schemas.AccountOut)
    assert account.get_json()["version"] == 2


def test_a_snapshot_series_is_what_its_model_writes(client, commune_market):
    _commune, market = commune_market
    for day in (date(2026, 11, 1), date(2026, 11, 2)):
        db.session.add(AdoptionSnapshot(day=day, market_id=market.id, operating=2,
                                        registered=1, reached_registered=1))
    headers = bearer(make_user(Role.BOARD, markets=[market]))
    response = client.get(f"/api/v1/markets/{market.id}/snapshots?from=2026-11-01&to=2026-11-30",
                          headers=headers)
    assert response.data == as_its_model_writes(response.data, schemas.SnapshotSeries)
    series = response.get_json()
    assert (series["scope"], series["start"], series["end"]) == ("market", "2026-11-01",
                                                                 "2026-11-30")
    assert [item["day"] for item in series["items"]] == ["2026-11-01", "2026-11-02"]
