"""The data model's own rules, enforced by the database on SQLite and PostgreSQL alike."""
from datetime import date

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from market.extensions import db
from market.models import (
    AdminUnit,
    Bank,
    BankAccount,
    GoodsCategory,
    Market,
    Stall,
    Tenancy,
    UnitLevel,
    Vendor,
    utcnow,
)


@pytest.fixture
def market(app):
    province = AdminUnit(code="01", name="Thành phố Hà Nội", level=UnitLevel.PROVINCE)
    commune = AdminUnit(code="00460", name="Xã Kim Chung", level=UnitLevel.COMMUNE, parent=province)
    market = Market(code="MUN", name="Chợ Mun", market_class=2, commune=commune)
    db.session.add(market)
    db.session.commit()
    return market


def test_duplicate_stall_code_in_a_market_is_refused(market):
    db.session.add(Stall(market=market, code="A-01", category=GoodsCategory.VEGETABLES))
    db.session.commit()
    db.session.add(Stall(market=market, code="A-01", category=GoodsCategory.MEAT))
    with pytest.raises(IntegrityError) as refused:
        db.session.commit()
    assert "uq_stall_market_id_code" in str(refused.value) or "UNIQUE" in str(refused.value)


def test_same_stall_code_in_two_markets_is_fine(market):
    other = Market(code="DA", name="Chợ Đông Anh", market_class=1, commune=market.commune)
    db.session.add_all(
        [
            Stall(market=market, code="A-01", category=GoodsCategory.FRUIT),
            Stall(market=other, code="A-01", category=GoodsCategory.FRUIT),
        ]
    )
    db.session.commit()
    assert db.session.scalar(select(db.func.count()).select_from(Stall)) == 2


def test_market_class_must_be_1_2_or_3(market):
    db.session.add(Market(code="X", name="Chợ X", market_class=4, commune=market.commune))
    with pytest.raises(IntegrityError):
        db.session.commit()


def test_foreign_keys_are_enforced(app):
    db.session.add(Stall(market_id=999999, code="A", category=GoodsCategory.OTHER))
    with pytest.raises(IntegrityError):
        db.session.commit()


def test_an_account_change_keeps_the_old_version(market):
    vendor = Vendor(name="Nguyễn Thị Hồng Nhung")
    first = BankAccount(vendor=vendor, version=1, bank_bin="970405", account_number="1500205123456",
                        holder_name="NGUYEN THI HONG NHUNG")
    db.session.add(first)
    db.session.commit()

    first.retired_at = utcnow()
    db.session.add(BankAccount(vendor=vendor, version=2, bank_bin="970436",
                               account_number="0011004455667", holder_name="NGUYEN THI HONG NHUNG"))
    db.session.commit()

    versions = db.session.scalars(
        select(BankAccount).where(BankAccount.vendor_id == vendor.id).order_by(BankAccount.version)
    ).all()
    assert [(a.version, a.account_number, a.is_current) for a in versions] == [
        (1, "1500205123456", False),
        (2, "0011004455667", True),
    ]


def test_only_one_current_account_per_vendor(market):
    vendor = Vendor(name="Trần Văn Nam")
    db.session.add_all([
        BankAccount(vendor=vendor, version=1, bank_bin="970405", account_number="1",
                    holder_name="TRAN VAN NAM"),
        BankAccount(vendor=vendor, version=2, bank_bin="970405", account_number="2",
                    holder_name="TRAN VAN NAM"),
    ])
    with pytest.raises(IntegrityError):
        db.session.commit()


def test_only_one_open_tenancy_per_stall(market):
    stall = Stall(market=market, code="B-02", category=GoodsCategory.FISH)
    db.session.add_all([
        Tenancy(stall=stall, vendor=Vendor(name="Lê Thị Hoa"), start_on=date(2024, 1, 1)),
        Tenancy(stall=stall, vendor=Vendor(name="Phạm Văn Bình"), start_on=date(2025, 1, 1)),
    ])
    with pytest.raises(IntegrityError):
        db.session.commit()


def test_tenancy_cannot_end_before_it_starts(market):
    stall = Stall(market=market, code="C-03", category=GoodsCategory.MEAT)
    db.session.add(Tenancy(stall=stall, vendor=Vendor(name="Đỗ Văn Tùng"),
                           start_on=date(2025, 5, 1), end_on=date(2025, 4, 1)))
    with pytest.raises(IntegrityError):
        db.session.commit()


def test_timestamps_come_back_aware_in_utc(market):
    db.session.expire_all()
    loaded = db.session.get(Market, market.id)
    assert loaded.created_at.utcoffset().total_seconds() == 0


def test_bank_directory_is_loaded_with_vietnamese_names(app):
    banks = db.session.scalars(select(Bank)).all()
    assert len(banks) >= 55
    agribank = db.session.get(Bank, "970405")
    assert "Nông nghiệp" in agribank.name


def test_enum_columns_refuse_unknown_values(market):
    with pytest.raises(IntegrityError):
        db.session.execute(text(
            "INSERT INTO stall (market_id, code, zone, row, category, status, created_at) "
            "VALUES (:m, 'Z', '', '', 'spaceships', 'operating', CURRENT_TIMESTAMP)"
        ), {"m": market.id})
        db.session.commit()
