"""Small factories for the sign tests: rows made directly with the models."""
from __future__ import annotations

import itertools
from datetime import date

from market.extensions import db
from market.models import (
    AdminUnit,
    BankAccount,
    GoodsCategory,
    Market,
    Role,
    Stall,
    StallStatus,
    Tenancy,
    UnitLevel,
    User,
    Vendor,
    utcnow,
)

PASSWORD = "bien-qr-thu-nghiem"
serial = itertools.count(1)


def admin_unit(name: str = "Xã Đông Anh") -> AdminUnit:
    unit = AdminUnit(code=f"S{next(serial):05d}", name=name, level=UnitLevel.COMMUNE)
    db.session.add(unit)
    return unit


def market(name: str = "Chợ Đông Anh", code: str | None = None) -> Market:
    row = Market(code=code or f"DA{next(serial):04d}", name=name, market_class=2,
                 commune=admin_unit())
    db.session.add(row)
    db.session.flush()
    return row


def stall(in_market: Market, code: str, *, zone: str = "A", row: str = "1",
          number: int | None = None, status: StallStatus = StallStatus.OPERATING) -> Stall:
    item = Stall(market=in_market, code=code, zone=zone, row=row, number=number,
                 category=GoodsCategory.VEGETABLES, status=status)
    db.session.add(item)
    db.session.flush()
    return item


def vendor(name: str = "Nguyễn Thị Hường", shop_name: str = "") -> Vendor:
    item = Vendor(name=name, shop_name=shop_name)
    db.session.add(item)
    db.session.flush()
    return item


def tenancy(of_stall: Stall, by_vendor: Vendor, start_on: date = date(2026, 1, 1),
            end_on: date | None = None) -> Tenancy:
    item = Tenancy(stall=of_stall, vendor=by_vendor, start_on=start_on, end_on=end_on)
    db.session.add(item)
    db.session.flush()
    return item


def account(of_vendor: Vendor, number: str, *, bank_bin: str = "970436",
            holder: str = "NGUYEN THI HUONG", kind: str = "account") -> BankAccount:
    """A new current version of the vendor's account; the previous one is retired."""
    versions = list(db.session.scalars(
        db.select(BankAccount).where(BankAccount.vendor_id == of_vendor.id)
    ))
    for old in versions:
        if old.retired_at is None:
            old.retired_at = utcnow()
    db.session.flush()
    item = BankAccount(vendor=of_vendor, version=len(versions) + 1, bank_bin=bank_bin,
                       account_number=number, holder_name=holder, kind=kind)
    db.session.add(item)
    db.session.flush()
    return item


def trading_stall(in_market: Market, code: str, name: str, number: str, *,
                  zone: str = "A", row: str = "1", stall_number: int | None = None,
                  bank_bin: str = "970436", shop_name: str = "") -> Stall:
    """An operating stall with a tenant vendor and a current account."""
    item = stall(in_market, code, zone=zone, row=row, number=stall_number)
    seller = vendor(name, shop_name)
    tenancy(item, seller)
    account(seller, number, bank_bin=bank_bin)
    return item


def user(role: Role = Role.BOARD, markets: tuple[Market, ...] = ()) -> User:
    item = User(username=f"signs{next(serial)}", full_name="Cán bộ thử", role=role,
                markets=list(markets))
    item.set_password(PASSWORD)
    db.session.add(item)
    db.session.flush()
    return item


def sign_in(client, who: User) -> None:
    db.session.commit()
    response = client.post("/login", data={"username": who.username, "password": PASSWORD})
    assert response.status_code == 302
