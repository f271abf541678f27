"""Test data, made the way the app makes it: shared by every area's tests.

Each ``make_*`` adds rows and flushes; the caller commits when a request must see them
(``login`` commits, since the test client reads through its own request).
Import them as ``from factories import make_market, login`` (``tests/`` is on the path).
"""
from __future__ import annotations

import itertools
from datetime import date

from market.extensions import db
from market.models import (
    AccountKind,
    AccountSource,
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
from market.registry.services import payees
from market.vietqr import holder_name as bank_holder_name

PASSWORD = "mat-khau-thu-nghiem"
_serial = itertools.count(1)


def _next() -> int:
    return next(_serial)


def make_commune(name: str = "Xã Đông Anh", *, code: str | None = None,
                 parent: AdminUnit | None = None,
                 level: UnitLevel = UnitLevel.COMMUNE) -> AdminUnit:
    unit = AdminUnit(code=code or f"U{_next():05d}", name=name, level=level, parent=parent)
    db.session.add(unit)
    db.session.flush()
    return unit


def make_market(name: str = "Chợ Dốc Vân", *, code: str | None = None,
                commune: AdminUnit | None = None, market_class: int = 2,
                address: str = "", opened_on: date = date(2025, 1, 1)) -> Market:
    market = Market(
        opened_on=opened_on,
        code=code or f"CHO{_next():04d}",
        name=name,
        market_class=market_class,
        address=address,
        commune=commune or make_commune(),
    )
    db.session.add(market)
    db.session.flush()
    return market


def make_stall(market: Market | None = None, *, code: str | None = None, zone: str = "A",
               row: str = "", number: int | None = None,
               category: GoodsCategory = GoodsCategory.VEGETABLES,
               status: StallStatus = StallStatus.OPERATING,
               vendor: Vendor | None = None, start_on: date = date(2026, 1, 1),
               opened_on: date = date(2025, 1, 1)) -> Stall:
    """A stall in the registry since ``opened_on``; with ``vendor`` also an open tenancy from
    ``start_on``."""
    stall = Stall(
        opened_on=opened_on,
        market=market or make_market(),
        code=code or f"K{_next():04d}",
        zone=zone,
        row=row,
        number=number,
        category=category,
        status=status,
    )
    db.session.add(stall)
    if vendor is not None:
        db.session.add(Tenancy(stall=stall, vendor=vendor, start_on=start_on))
    db.session.flush()
    if vendor is not None:
        printable_payees([stall.id])
    return stall


def make_vendor(name: str = "Nguyễn Thị Lan", *, shop_name: str = "",
                phone: str | None = None, birth_year: int | None = None,
                stall: Stall | None = None, start_on: date = date(2026, 1, 1)) -> Vendor:
    """A vendor; with ``stall`` also an open tenancy of that stall from ``start_on``."""
    vendor = Vendor(name=name, shop_name=shop_name, phone=phone, birth_year=birth_year)
    db.session.add(vendor)
    if stall is not None:
        db.session.add(Tenancy(stall=stall, vendor=vendor, start_on=start_on))
    db.session.flush()
    if stall is not None:
        printable_payees([stall.id])
    return vendor


def make_account(vendor: Vendor | None = None, *, bank_bin: str = "970436",
                 account_number: str | None = None, holder_name: str = "NGUYEN THI LAN",
                 kind: AccountKind = AccountKind.ACCOUNT,
                 source: AccountSource = AccountSource.TYPED) -> BankAccount:
    """The vendor's current account (version 1 unless the vendor already has versions).

    Written directly, without the registry service, so that tests of other areas do not
    depend on its rules; a current version already there is retired first, and the stall's
    payee follows it, printable at once.
    """
    vendor = vendor or make_vendor()
    db.session.flush()
    versions = list(vendor.accounts)
    for old in versions:
        if old.retired_at is None:
            old.retired_at = utcnow()
    db.session.flush()
    account = BankAccount(
        vendor=vendor,
        version=max((a.version for a in versions), default=0) + 1,
        bank_bin=bank_bin,
        account_number=account_number or f"10{_next():08d}",
        holder_name=holder_name,
        kind=kind,
        source=source,
    )
    db.session.add(account)
    db.session.flush()
    printable_payees(payees.stalls_of_vendors([vendor.id]))
    return account


def printable_payees(stall_ids: list[int]) -> None:
    """Bring these stalls' payees up to date, printable at once: the factories stand outside
    the two-person rule, which its own tests drive through the real services."""
    for payee in payees.refresh(stall_ids):
        payee.first = True
    db.session.flush()


def make_trading_stall(market: Market | None = None, *, code: str | None = None,
                       vendor_name: str = "Nguyễn Thị Lan", shop_name: str = "",
                       account_number: str | None = None, bank_bin: str = "970436",
                       holder_name: str | None = None, zone: str = "A", row: str = "",
                       number: int | None = None) -> Stall:
    """An operating stall with a tenant vendor and a current account, ready for a sign.

    The holder name defaults to the vendor's name as banks print it (no diacritics, capitals).
    """
    vendor = make_vendor(vendor_name, shop_name=shop_name)
    stall = make_stall(market, code=code, zone=zone, row=row, number=number, vendor=vendor)
    make_account(vendor, bank_bin=bank_bin, account_number=account_number,
                 holder_name=holder_name or bank_holder_name(vendor_name))
    return stall


def make_user(role: Role | str = Role.BOARD, *, markets: list[Market] | tuple = (),
              unit: AdminUnit | None = None, username: str | None = None,
              full_name: str = "Người dùng thử", password: str = PASSWORD,
              active: bool = True) -> User:
    """A user with a role; board and team users are scoped by ``markets``, commune users
    by ``unit``."""
    user = User(
        username=username or f"user{_next()}",
        full_name=full_name,
        role=Role(role),
        admin_unit=unit,
        active=active,
        markets=list(markets),
    )
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def login(client, user: User, password: str = PASSWORD):
    """Sign ``user`` in through the real sign-in form; commits what the test made so far."""
    db.session.commit()
    response = client.post("/login", data={"username": user.username, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response
