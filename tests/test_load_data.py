"""The load-data generator fills a migrated database quickly and consistently."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from market.extensions import db
from market.models import (
    AdminUnit,
    BankAccount,
    Market,
    Stall,
    StallStatus,
    Tenancy,
    Vendor,
)

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "gen_load_data.py"


@pytest.fixture(scope="module")
def gen_load_data():
    spec = importlib.util.spec_from_file_location("gen_load_data", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


def count(column) -> int:
    return db.session.scalar(select(func.count(column)))


def database_url() -> str:
    return db.engine.url.render_as_string(hide_password=False)


def test_small_registry_has_every_row_it_promises(app, gen_load_data):
    report = gen_load_data.generate(db.engine, markets=3, stalls_per_market=10, seed=5, progress=False)

    assert count(Market.id) == report.tables["market"].rows == 3
    assert count(Stall.id) == report.tables["stall"].rows == 30
    assert count(AdminUnit.id) == 34 + 3321
    operating = db.session.scalar(
        select(func.count(Stall.id)).where(Stall.status == StallStatus.OPERATING)
    )
    assert count(Vendor.id) == count(Tenancy.id) == operating > 0
    open_tenancies = select(func.count(Tenancy.id)).join(Stall).where(
        Tenancy.end_on.is_(None), Stall.status == StallStatus.OPERATING
    )
    assert db.session.scalar(open_tenancies) == operating
    assert 0 < count(BankAccount.id) <= operating


def test_stall_codes_are_unique_within_each_market(app, gen_load_data):
    gen_load_data.generate(db.engine, markets=3, stalls_per_market=10, progress=False)
    per_market = db.session.execute(
        select(Stall.market_id, func.count(Stall.code.distinct()), func.count(Stall.id)).group_by(Stall.market_id)
    ).all()
    assert len(per_market) == 3
    assert all(codes == stalls == 10 for _, codes, stalls in per_market)


def test_the_app_can_add_rows_after_the_load_and_keys_are_checked_again(app, gen_load_data):
    gen_load_data.generate(db.engine, markets=2, stalls_per_market=5, progress=False)
    market = db.session.scalars(select(Market)).first()
    db.session.add(Stall(market=market, code="NEW-1", category="fruit"))
    db.session.commit()
    assert count(Stall.id) == 11

    db.session.add(Stall(market_id=market.id + 1000, code="NEW-2", category="fruit"))
    with pytest.raises(IntegrityError):
        db.session.commit()


def test_refuses_a_database_with_markets_unless_replacing(app, gen_load_data, capsys):
    arguments = ["--database-url", database_url(), "--markets", "2", "--stalls-per-market", "5", "--quiet"]
    assert gen_load_data.main(arguments) == 0
    names = db.session.scalars(select(Vendor.name).order_by(Vendor.id)).all()
    db.session.remove()  # PostgreSQL's TRUNCATE waits for every reader

    assert gen_load_data.main(arguments) == 1
    assert "--replace" in capsys.readouterr().err
    assert gen_load_data.main([*arguments, "--replace"]) == 0
    assert "stall" in capsys.readouterr().out
    assert count(Market.id) == 2
    assert db.session.scalars(select(Vendor.name).order_by(Vendor.id)).all() == names
