"""One vendor's data: everything held about them as a download, and erasure when they leave."""
import json

from factories import (
    login,
    make_market,
    make_stall,
    make_user,
    make_vendor,
)
from sqlalchemy import func, select

from market.extensions import db
from market.links.services import active_link, create_link
from market.models import (
    AdoptionSnapshot,
    AuditEvent,
    BankAccount,
    SelfReport,
    Tenancy,
    Vendor,
)


def a_vendor_with_history(client):
    market = make_market("Chợ Mun")
    vendor = make_vendor("Trần Văn Bình", phone="0912345678", birth_year=1958)
    stall = make_stall(market, code="A01", vendor=vendor)
    board = make_user("board", markets=[market])
    login(client, board)
    client.post(f"/stalls/{stall.id}/vendor", data={
        "name": "Trần Văn Bình", "shop_name": "Rau Bình", "phone": "0912345678",
        "birth_year": "1958"})
    for number in ("0011223344", "5566778899"):
        client.post(f"/stalls/{stall.id}/account", data={
            "bank_bin": "970436", "account_number": number, "account_number_again": number,
            "holder_name": "TRAN VAN BINH", "kind": "account", "source": "typed",
            "confirm_shared": "y"})
    _link, token = create_link(stall)
    db.session.commit()
    client.post(f"/v/{token}/report", data={"answer": "yes"})
    return market, stall, vendor, token


def test_the_export_holds_everything_about_the_vendor(client):
    _market, stall, vendor, _token = a_vendor_with_history(client)
    response = client.get(f"/vendors/{vendor.id}/export.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["vendor"]["name"] == "Trần Văn Bình" and data["vendor"]["phone"] == "0912345678"
    assert [t["stall_id"] for t in data["tenancies"]] == [stall.id]
    assert [a["account_number"] for a in data["accounts"]] == ["0011223344", "5566778899"]
    assert {e["entity"] for e in data["audit_events"]} >= {"vendor", "bank_account"}
    assert set(data) == {"vendor", "tenancies", "accounts", "signs", "inspections",
                         "self_reports", "audit_events"}
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "export")).actor_id


def test_the_export_is_for_the_vendors_board_and_admins_only(client, app):
    _market, _stall, vendor, _token = a_vendor_with_history(client)
    for role, kwargs, status in (("board", {"markets": [make_market("Chợ Khác")]}, 404),
                                 ("commune", {}, 403), ("team", {}, 403), ("admin", {}, 200)):
        other = app.test_client()
        login(other, make_user(role, **kwargs))
        assert other.get(f"/vendors/{vendor.id}/export.json").status_code == status, role


def test_erasing_a_vendor_keeps_the_rows_and_figures_but_not_the_person(client):
    market, stall, vendor, token = a_vendor_with_history(client)
    counts_before = {model.__name__: db.session.scalar(select(func.count()).select_from(model))
                     for model in (Vendor, BankAccount, Tenancy, SelfReport, AdoptionSnapshot)}
    client.post(f"/vendors/{vendor.id}/erase")  # without the confirmation: nothing happens
    assert db.session.get(Vendor, vendor.id).phone == "0912345678"
    response = client.post(f"/vendors/{vendor.id}/erase", data={"confirm": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    vendor = db.session.get(Vendor, vendor.id)
    assert (vendor.name, vendor.phone, vendor.birth_year) == ("(đã xoá)", None, None)
    assert [(a.holder_name, a.account_number[-4:], a.account_number[:-4].strip("•"))
            for a in vendor.accounts] == [("", "3344", ""), ("", "8899", "")]
    assert all(a.retired_at is not None for a in vendor.accounts)
    assert all(t.end_on is not None for t in vendor.tenancies)
    assert active_link(token) is None
    counts_after = {model.__name__: db.session.scalar(select(func.count()).select_from(model))
                    for model in (Vendor, BankAccount, Tenancy, SelfReport, AdoptionSnapshot)}
    assert counts_after == counts_before
    trail = json.dumps([(e.old, e.new) for e in db.session.scalars(select(AuditEvent))],
                       ensure_ascii=False)
    assert "Trần Văn Bình" not in trail and "0912345678" not in trail
    assert "5566778899" not in trail and "TRAN VAN BINH" not in trail
    erase = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "erase"))
    assert erase.entity == "vendor" and erase.market_id == market.id
    page = client.get(f"/stalls/{stall.id}").get_data(as_text=True)
    assert "Trần Văn Bình" not in page
    admin = make_user("admin")
    login(client, admin)
    assert "Xoá dữ liệu cá nhân" in client.get("/audit").get_data(as_text=True)
