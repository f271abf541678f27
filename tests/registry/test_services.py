"""The registry services: validation before writing, versioned accounts, audit events."""
from datetime import date

import pytest
from factories import (
    make_account,
    make_commune,
    make_market,
    make_stall,
    make_user,
    make_vendor,
)
from sqlalchemy import select

from market.extensions import db
from market.models import (
    AuditEvent,
    BankAccount,
    GoodsCategory,
    Payee,
    Role,
    Sign,
    SignFormat,
    Stall,
    StallStatus,
)
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


def test_accounts_elsewhere_names_only_vendors_of_markets_the_user_sees():
    mine, theirs = make_market(), make_market("Chợ Khác")
    lan, hoa, mai = (make_vendor(name, stall=make_stall(market))
                     for name, market in (("Lan", mine), ("Hoa", mine), ("Mai", theirs)))
    make_account(lan, account_number="123456789")
    make_account(mai, account_number="123456789")
    board = make_user(Role.BOARD, markets=[mine])
    assert services.accounts_elsewhere("970436", "123 456 789", board,
                                       exclude_vendor_id=hoa.id) == ([lan], 1)
    assert services.accounts_elsewhere("970436", "123456789", make_user(Role.ADMIN),
                                       exclude_vendor_id=lan.id) == ([mai], 0)
    assert services.accounts_elsewhere("970436", "999", board) == ([], 0)


def stall_values(code: str, **values) -> dict:
    return {"code": code, "zone": "A", "row": "", "number": None, "category": "meat",
            "status": "operating", **values}


def test_a_batch_checks_every_item_before_writing_anything():
    market = make_market()
    with pytest.raises(services.ItemRefused) as refused:
        services.create_stalls([(market, stall_values("A-01")), (market, stall_values("B-01")),
                                (market, stall_values("a-01"))])
    assert (refused.value.item, refused.value.field) == (2, "code")
    assert "A-01" in str(refused.value.message)
    assert db.session.scalars(select(Stall)).all() == [] and events("stall") == []


def test_a_batch_writes_the_rows_and_audit_events_of_one_call_per_item():
    one_by_one, batch = make_market(code="CHO1"), make_market(code="CHO2")
    values = [stall_values("a-01", zone=" Khu  A "), stall_values("B-02", number="7")]
    singles = [services.create_stall(one_by_one, **v) for v in values]
    together = services.create_stalls([(batch, v) for v in values])
    assert [(s.code, s.zone, s.number) for s in together] == [
        (s.code, s.zone, s.number) for s in singles] == [("A-01", "Khu A", None), ("B-02", "A", 7)]
    by_market = {}
    for event in events("stall"):
        by_market.setdefault(event.market_id, []).append((event.action, event.new))
    assert by_market[one_by_one.id] == by_market[batch.id]
    assert [new["zone"] for _, new in by_market[batch.id]] == ["Khu A", "A"]


def test_register_accounts_creates_keeps_and_changes_in_one_batch_as_one_call_each():
    def vendors_with_accounts(market):
        fresh, same, changing = (make_vendor(name, stall=make_stall(market))
                                 for name in ("Lan", "Hoa", "Bình"))
        make_account(same, account_number="111222333", holder_name="HOA")
        make_account(changing, account_number="444555666", holder_name="BINH")
        return [(fresh, "970436", "777888999", "LAN"), (same, "970436", "111222333", "HOA"),
                (changing, "970415", "123123123", "BINH")]

    def wanted(bank_bin, number, holder):
        return {"bank_bin": bank_bin, "account_number": number, "holder_name": holder,
                "kind": "account", "source": "import"}

    one_by_one = [services.register_account(vendor, **wanted(*rest))
                  for vendor, *rest in vendors_with_accounts(make_market())]
    batch = services.register_accounts([(vendor, wanted(*rest))
                                        for vendor, *rest in vendors_with_accounts(make_market())])
    printable = {payee.bank_account_id: payee.printable for payee in db.session.scalars(
        select(Payee).where(Payee.ended_at.is_(None)))}
    shape = [[(a.version, a.bank_bin, a.account_number, printable[a.id], a.retired_at is None)
              for a in accounts] for accounts in (one_by_one, batch)]
    # The fresh vendor's account is its stall's first payee; the change waits.
    assert shape[0] == shape[1] == [(1, "970436", "777888999", True, True),
                                    (1, "970436", "111222333", True, True),
                                    (2, "970415", "123123123", False, True)]
    trail = [(e.action, e.old, {k: v for k, v in e.new.items() if k != "vendor_id"})
             for e in events("bank_account")]
    assert trail[:2] == trail[2:] and [action for action, _, _ in trail] == ["create", "update"] * 2


def test_a_batch_changes_each_thing_once():
    vendor = make_vendor()
    values = {"bank_bin": "970436", "account_number": "123456789", "holder_name": "LAN",
              "kind": "account", "source": "typed"}
    with pytest.raises(ValueError, match="twice"):
        services.register_accounts([(vendor, values), (vendor, values)])
    assert events("bank_account") == []


def test_stalls_added_in_batches_and_one_by_one_get_their_own_ids_in_order():
    market = make_market()
    first = services.create_stalls([(market, stall_values(f"A{i}")) for i in range(3)])
    single = services.create_stall(market, **stall_values("B1"))
    second = services.create_stalls([(market, stall_values(f"C{i}")) for i in range(3)])
    stalls = [*first, single, *second]
    assert [s.code for s in stalls] == ["A0", "A1", "A2", "B1", "C0", "C1", "C2"]
    assert [s.id for s in stalls] == sorted({s.id for s in stalls})
    db.session.expire_all()
    assert [db.session.get(Stall, s.id).code for s in stalls] == [s.code for s in stalls]
