"""The demo data: a realistic, repeatable market registry and one sign-in per role."""
from __future__ import annotations

import random

from sqlalchemy import func, select

from market.demo.layout import MARKETS, spots
from market.demo.loader import draw_stall
from market.extensions import db
from market.models import (
    AdminUnit,
    BankAccount,
    Market,
    Stall,
    StallStatus,
    Tenancy,
    UnitLevel,
    User,
    Vendor,
)


def dump_tables() -> dict[str, list[tuple]]:
    with db.engine.connect() as connection:
        return {
            table.name: [
                tuple(row)
                for row in connection.execute(
                    table.select().order_by(*table.primary_key.columns)
                )
            ]
            for table in db.metadata.sorted_tables
        }


def load(cli, *options: str) -> str:
    result = cli.invoke(args=["demo", *options])
    assert result.exit_code == 0, result.output
    return result.output


def test_second_run_changes_nothing(cli):
    assert "270 stalls" in load(cli)
    first = dump_tables()
    assert "nothing added" in load(cli)
    assert dump_tables() == first
    assert len(first["stall"]) == 270


def test_same_seed_draws_the_same_stalls():
    for market in MARKETS:
        draws = [
            [draw_stall(rng, market, spot) for spot in spots(market)]
            for rng in (random.Random(f"7:{market.code}"), random.Random(f"7:{market.code}"))
        ]
        assert draws[0] == draws[1]


def test_if_empty_leaves_a_database_with_markets_alone(cli):
    commune = AdminUnit(code="26734", name="Phường Bến Thành", level=UnitLevel.COMMUNE)
    db.session.add(Market(code="BEN-THANH", name="Chợ Bến Thành", market_class=1, commune=commune))
    db.session.commit()

    assert "skipped" in load(cli, "--if-empty")
    assert db.session.scalars(select(Market.code)).all() == ["BEN-THANH"]
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_if_empty_loads_an_empty_database(cli):
    load(cli, "--if-empty")
    assert db.session.scalar(select(func.count(Market.id))) == 3


def test_logins_print_one_line_per_role_and_nothing_else(cli):
    lines = load(cli, "--logins").splitlines()
    assert sorted(line.split()[0] for line in lines) == ["admin", "board", "commune", "team"]
    assert all(len(line.split()) == 3 for line in lines)


def test_every_demo_user_can_sign_in_with_the_printed_password(app, cli):
    load(cli)
    for line in load(cli, "--logins").splitlines():
        _, username, password = line.split()
        response = app.test_client().post("/login", data={"username": username, "password": password})
        assert response.status_code == 302, username


def test_users_are_scoped_as_their_role_needs(cli):
    load(cli)
    users = {user.role.value: user for user in db.session.scalars(select(User))}
    assert users["commune"].admin_unit.name == "Xã Thiên Lộc"
    assert {m.name for m in users["board"].markets} == {"Chợ Mun", "Chợ Tó", "Chợ Thư Lâm"}
    assert len(users["team"].markets) == 3
    assert users["admin"].markets == [] and users["admin"].admin_unit is None


def test_units_show_the_two_tier_government(cli):
    load(cli)
    units = {unit.name: unit for unit in db.session.scalars(select(AdminUnit))}
    assert units["Xã Thiên Lộc"].parent is units["Thành phố Hà Nội"]
    assert units["Huyện Đông Anh"].level is UnitLevel.DISTRICT
    assert not units["Huyện Đông Anh"].active


def operating_stalls_with_account(market_code: str) -> tuple[int, int]:
    operating = (
        select(Stall.id)
        .join(Market)
        .where(Market.code == market_code, Stall.status == StallStatus.OPERATING)
    )
    with_account = (
        operating.join(Tenancy, (Tenancy.stall_id == Stall.id) & Tenancy.end_on.is_(None))
        .join(BankAccount, (BankAccount.vendor_id == Tenancy.vendor_id) & BankAccount.retired_at.is_(None))
    )
    return count_rows(with_account), count_rows(operating)


def count_rows(query) -> int:
    return db.session.scalar(select(func.count()).select_from(query.subquery()))


def test_every_vendor_at_cho_mun_has_an_account(cli):
    load(cli)
    registered, operating = operating_stalls_with_account("HN-KC-MUN")
    assert operating > 70
    assert registered == operating


def test_other_markets_lag_behind_and_have_empty_stalls(cli):
    load(cli)
    for code in ("HN-DA-TO", "HN-TL-TL"):
        registered, operating = operating_stalls_with_account(code)
        assert 0 < registered < operating
    statuses = set(db.session.scalars(select(Stall.status).join(Market).where(Market.code == "HN-DA-TO")))
    assert statuses == {StallStatus.OPERATING, StallStatus.VACANT, StallStatus.CLOSED}


def test_names_keep_their_diacritics_and_holders_are_plain_uppercase(cli):
    load(cli)
    names = db.session.scalars(select(Vendor.name)).all()
    assert sum(not name.isascii() for name in names) > len(names) * 0.8
    assert any(name.startswith("Nguyễn ") for name in names)
    shops = [shop for shop in db.session.scalars(select(Vendor.shop_name)) if shop]
    assert any(" cô " in shop or " bà " in shop for shop in shops)
    holders = db.session.scalars(select(BankAccount.holder_name)).all()
    assert holders and all(h.isascii() and h == h.upper() for h in holders)


def test_accounts_spread_over_the_big_banks(cli):
    load(cli)
    per_bank = dict(
        db.session.execute(select(BankAccount.bank_bin, func.count()).group_by(BankAccount.bank_bin)).all()
    )
    # Agribank, Vietcombank, BIDV, VietinBank, MB Bank
    assert {"970405", "970436", "970418", "970415", "970422"} <= set(per_bank)
    assert max(per_bank, key=per_bank.get) == "970405"
