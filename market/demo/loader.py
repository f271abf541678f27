"""Load the demo data in steps; each step adds only what is missing, by natural key.

Every random choice comes from a ``random.Random`` seeded per market and drawn in full
whether or not a row already exists, so a run on any database yields the same data and a
second run adds nothing. A later step (for example history) appends itself to ``STEPS``.
"""
from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from market.demo.layout import ADMIN_UNITS, MARKETS, MarketPlan, Spot, spots
from market.demo.names import Person, bank_account, person, shop_name, weighted
from market.extensions import db
from market.models import (
    AccountSource,
    AdminUnit,
    BankAccount,
    GoodsCategory,
    Market,
    Role,
    Stall,
    StallStatus,
    Tenancy,
    User,
    Vendor,
)
from market.registry.banks import sync_bank_directory
from market.registry.services import payees
from market.vietqr import holder_name

SEED = 2025
DEMO_PASSWORD = "cho40-demo"
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
LATEST_CHANGE = date(2026, 11, 20)


@dataclass(frozen=True)
class DemoUser:
    role: Role
    username: str
    full_name: str
    commune_code: str | None = None
    all_markets: bool = False


DEMO_USERS = (
    DemoUser(Role.ADMIN, "demo.admin", "Phạm Quốc Khánh"),
    DemoUser(Role.COMMUNE, "demo.xa", "Trần Thị Minh Nguyệt", commune_code="00493"),
    DemoUser(Role.BOARD, "demo.bql", "Lê Văn Hòa", all_markets=True),
    DemoUser(Role.TEAM, "demo.to", "Đỗ Trung Kiên", all_markets=True),
)


@dataclass
class DemoContext:
    seed: int = SEED
    units: dict[str, AdminUnit] = field(default_factory=dict)
    markets: dict[str, Market] = field(default_factory=dict)
    added: Counter[str] = field(default_factory=Counter)


@dataclass(frozen=True)
class AccountPlan:
    bank_bin: str
    number: str
    opened: datetime
    confirmed: datetime | None
    source: AccountSource


@dataclass(frozen=True)
class StallPlan:
    spot: Spot
    category: GoodsCategory
    status: StallStatus
    vendor: Person | None = None
    shop: str = ""
    since: date | None = None
    consent_on: date | None = None
    accounts: tuple[AccountPlan, ...] = ()  # oldest first; each retired by the next
    # A vacant stall's last trader and the dates they held it.
    former: tuple[Person, date, date] | None = None


def load_demo(seed: int = SEED) -> Counter[str]:
    """Add the demo data that is missing; returns how many rows of each kind were added."""
    context = DemoContext(seed)
    for step in STEPS:
        step(context)
        db.session.flush()
    return +context.added  # without the kinds that got nothing


def add_banks(context: DemoContext) -> None:
    """The bank directory, which accounts point at, in case ``load-banks`` has not run."""
    context.added["banks"] += sync_bank_directory()[0]


def add_admin_units(context: DemoContext) -> None:
    existing = {u.code: u for u in db.session.scalars(select(AdminUnit))}
    for plan in ADMIN_UNITS:
        unit = existing.get(plan.code)
        if unit is None:
            parent = context.units.get(plan.parent_code) if plan.parent_code else None
            unit = AdminUnit(code=plan.code, name=plan.name, level=plan.level, parent=parent,
                             active=plan.active)
            db.session.add(unit)
            context.added["admin units"] += 1
        context.units[plan.code] = unit


def add_markets(context: DemoContext) -> None:
    existing = {m.code: m for m in db.session.scalars(select(Market))}
    for plan in MARKETS:
        market = existing.get(plan.code)
        if market is None:
            market = Market(code=plan.code, name=plan.name, market_class=plan.market_class,
                            address=plan.address, commune=context.units[plan.commune_code])
            db.session.add(market)
            context.added["markets"] += 1
        context.markets[plan.code] = market


def add_stalls(context: DemoContext) -> None:
    for plan in MARKETS:
        market = context.markets[plan.code]
        rng = random.Random(f"{context.seed}:{plan.code}")
        present = set(db.session.scalars(select(Stall.code).where(Stall.market_id == market.id)))
        for spot in spots(plan):
            stall_plan = draw_stall(rng, plan, spot)
            if spot.code not in present:
                add_stall(market, stall_plan)
                context.added["stalls"] += 1
    db.session.flush()
    # Each account on day one is its stall's first payee: the demo's signs can be printed.
    payees.refresh(db.session.scalars(select(Stall.id)).all())


def add_users(context: DemoContext) -> None:
    present = set(db.session.scalars(select(User.username)))
    for demo in DEMO_USERS:
        if demo.username in present:
            continue
        user = User(username=demo.username, full_name=demo.full_name, role=demo.role)
        if demo.commune_code:
            user.admin_unit = context.units[demo.commune_code]
        if demo.all_markets:
            user.markets = list(context.markets.values())
        user.set_password(DEMO_PASSWORD)
        db.session.add(user)
        context.added["users"] += 1


STEPS: list[Callable[[DemoContext], None]] = [add_banks, add_admin_units, add_markets, add_stalls, add_users]


def draw_stall(rng: random.Random, market: MarketPlan, spot: Spot) -> StallPlan:
    """Everything random about one stall, drawn in the same order on every run."""
    category = weighted(rng, spot.zone.categories)
    roll = rng.random()
    if roll < market.vacant + market.closed:
        status = StallStatus.VACANT if roll < market.vacant else StallStatus.CLOSED
        former = None
        if status is StallStatus.VACANT and rng.random() < 0.5:
            start = day_between(rng, date(2008, 1, 1), date(2022, 12, 31))
            former = (person(rng), start, day_between(rng, start + timedelta(days=365), date(2026, 6, 30)))
        return StallPlan(spot, category, status, former=former)
    vendor = person(rng)
    shop = shop_name(rng, vendor, category) if rng.random() < 0.6 else ""
    since = day_between(rng, date(2005, 1, 1), date(2025, 6, 30))
    if rng.random() >= market.with_account:
        return StallPlan(spot, category, StallStatus.OPERATING, vendor, shop, since)
    consent_on = day_between(rng, *market.drive)
    accounts = [draw_account(rng, consent_on)]
    if rng.random() < 0.06:  # the vendor changed bank later: a second version
        changed = min(consent_on + timedelta(days=rng.randint(20, 150)), LATEST_CHANGE)
        accounts.append(draw_account(rng, changed))
    return StallPlan(spot, category, StallStatus.OPERATING, vendor, shop, since, consent_on,
                     tuple(accounts))


def draw_account(rng: random.Random, on: date) -> AccountPlan:
    bank_bin, number = bank_account(rng)
    opened = datetime.combine(on, time(rng.randint(7, 16), rng.randrange(60)), LOCAL).astimezone(UTC)
    confirmed = opened + timedelta(days=rng.randint(0, 5)) if rng.random() < 0.8 else None
    source = AccountSource.QR_PHOTO if rng.random() < 0.4 else AccountSource.TYPED
    return AccountPlan(bank_bin, number, opened, confirmed, source)


def day_between(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, (last - first).days))


def add_stall(market: Market, plan: StallPlan) -> None:
    spot = plan.spot
    stall = Stall(market=market, code=spot.code, zone=spot.zone_name, row=spot.row_name,
                  number=spot.number, category=plan.category, status=plan.status)
    db.session.add(stall)
    if plan.former:
        trader, start, end = plan.former
        db.session.add(Tenancy(stall=stall, vendor=new_vendor(trader), start_on=start, end_on=end))
    if plan.vendor is None:
        return
    vendor = new_vendor(plan.vendor, plan.shop, plan.consent_on)
    db.session.add(Tenancy(stall=stall, vendor=vendor, start_on=plan.since))
    for version, account in enumerate(plan.accounts, start=1):
        retired = plan.accounts[version].opened if version < len(plan.accounts) else None
        db.session.add(BankAccount(
            vendor=vendor, version=version, bank_bin=account.bank_bin,
            account_number=account.number, holder_name=holder_name(plan.vendor.name),
            source=account.source, created_at=account.opened, confirmed_at=account.confirmed,
            retired_at=retired,
        ))


def new_vendor(who: Person, shop: str = "", consent_on: date | None = None) -> Vendor:
    vendor = Vendor(name=who.name, shop_name=shop, phone=who.phone, birth_year=who.birth_year,
                    consent_on=consent_on)
    db.session.add(vendor)
    return vendor


def login_lines() -> list[str]:
    """The demo sign-ins, one per line: role, username, password."""
    return [f"{user.role.value:<8} {user.username:<11} {DEMO_PASSWORD}" for user in DEMO_USERS]
from market.demo import history  # noqa: F401  (appends the 90-day history step)
