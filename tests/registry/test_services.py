"""The registry services: validation before writing, versioned accounts, audit events."""
from datetime import date

import pytest
from factories import make_account, make_commune, make_market, make_stall, make_vendor
from sqlalchemy import select

from market.extensions import db
from market.models import AuditEvent, BankAccount, GoodsCategory, Sign, SignFormat, StallStatus
from market.registry import services
from market.registry.errors import RegistryError


def events(entity):
    return list(db.session.scalars(
        select(AuditEvent).where(AuditEvent.entity == entity).order_by(AuditEvent.id)
    ))


def test_create_market_records_an_audit_event():
    commune = make_commune()
    market = services.create_market(code="cho01", name="Chợ Dốc Vân", market_class=2,
                                    address="Đông Anh", commune_id=commune.id)
    assert market.code == "CHO01"
    [event] = events("market")
    assert event.action == "create" and event.new["name"] == "Chợ Dốc Vân"


def test_duplicate_stall_code_is_refused_before_writing():
    market = make_market()
    services.create_stall(market, code="A-01", category=GoodsCategory.MEAT)
    with pytest.raises(RegistryError) as error:
        services.create_stall(market, code="a-01", category="fish")
    assert error.value.field == "code"
    assert len(events("stall")) == 1


def test_update_stall_records_old_and_new_and_closing_is_a_retirement():
    stall = make_stall(category=GoodsCategory.MEAT)
    services.update_stall(stall, category="fish")
    services.update_stall(stall, status=StallStatus.CLOSED)
    update, retire = events("stall")
    assert (update.old, update.new) == ({"category": "meat"}, {"category": "fish"})
    assert retire.action == "retire"


def test_unknown_field_is_refused():
    with pytest.raises(RegistryError):
        services.update_stall(make_stall(), market_id=99)


def test_vendor_phone_is_checked_and_cleaned():
    vendor = services.create_vendor(name="Trần Văn Bình", phone="0912 345 678")
    assert vendor.phone == "0912345678"
    with pytest.raises(RegistryError) as error:
        services.create_vendor(name="Trần Văn Bình", phone="12345")
    assert error.value.field == "phone"


def test_assign_tenant_ends_the_previous_tenancy_the_day_before():
    stall = make_stall()
    first, second = make_vendor("Lan"), make_vendor("Hoa")
    services.assign_tenant(stall, first, date(2026, 1, 1))
    again = services.assign_tenant(stall, first, date(2026, 3, 1))
    assert again.start_on == date(2026, 1, 1)
    services.assign_tenant(stall, second, date(2026, 6, 1))
    assert services.current_tenant(stall) is second
    db.session.refresh(first)
    ended = first.tenancies[0]
    assert ended.end_on == date(2026, 5, 31)


def test_register_account_normalises_and_is_idempotent():
    vendor = make_vendor()
    account = services.register_account(vendor, bank_bin="970436",
                                        account_number="0011 0012 34567",
                                        holder_name="Nguyễn Thị  Lan")
    assert (account.account_number, account.holder_name) == ("0011001234567", "NGUYEN THI LAN")
    same = services.register_account(vendor, bank_bin="970436", account_number="0011001234567",
                                     holder_name="nguyen thi lan")
    assert same.id == account.id and len(events("bank_account")) == 1


@pytest.mark.parametrize(("values", "field"), [
    ({"bank_bin": "999999"}, "bank_bin"),
    ({"account_number": "12345678901234567890"}, "account_number"),
    ({"account_number": "số-tài-khoản"}, "account_number"),
    ({"holder_name": "  "}, "holder_name"),
])
def test_bad_account_input_names_the_field_and_writes_nothing(values, field):
    vendor = make_vendor()
    data = {"bank_bin": "970436", "account_number": "0011001234567", "holder_name": "LAN"}
    with pytest.raises(RegistryError) as error:
        services.register_account(vendor, **{**data, **values})
    assert error.value.field == field
    assert db.session.scalar(select(BankAccount)) is None


def test_changing_the_account_keeps_the_old_version_and_supersedes_its_signs():
    vendor = make_vendor()
    stall = make_stall(vendor=vendor)
    old = make_account(vendor, account_number="111222333")
    sign = Sign(stall=stall, bank_account=old, format=SignFormat.A5, code="S0001")
    db.session.add(sign)
    db.session.flush()
    new = services.register_account(vendor, bank_bin="970415", account_number="444555666",
                                    holder_name="NGUYEN THI LAN")
    assert new.version == 2 and old.retired_at is not None
    assert services.current_account(vendor) is new
    assert sign.superseded_at is not None
    [event] = events("bank_account")
    assert event.old["account_number"] == "111222333"
    assert event.new["account_number"] == "444555666"
    assert event.market_id == stall.market_id


def test_accounts_elsewhere_finds_other_vendors_with_the_same_current_account():
    lan, hoa = make_vendor("Lan"), make_vendor("Hoa")
    make_account(lan, account_number="123456789")
    assert services.accounts_elsewhere("970436", "123 456 789", exclude_vendor_id=hoa.id) == [lan]
    assert services.accounts_elsewhere("970436", "123456789", exclude_vendor_id=lan.id) == []
