"""Committing an import does what the registry's forms do, row for row, and all or nothing."""
from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from factories import login, make_account, make_market, make_stall, make_user, make_vendor
from sqlalchemy import func, select

from market.extensions import db
from market.models import (
    AccountSource,
    AuditEvent,
    BankAccount,
    GoodsCategory,
    Market,
    Payee,
    Role,
    Sign,
    SignFormat,
    Stall,
    Tenancy,
    Vendor,
)
from market.registry.spreadsheet.apply import CHUNK_ROWS, ImportRefused, apply_plan
from market.registry.spreadsheet.plan import local_today, plan_import
from market.registry.spreadsheet.reader import Limits, read_sheet
from spreadsheet.spreadsheet_files import csv_bytes, full_row, sheet_row, xlsx_bytes
from spreadsheet.test_pages import upload, wait_for

REGISTRY = (Stall, Vendor, Tenancy, BankAccount, Sign, AuditEvent)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def counts() -> list[int]:
    db.session.expire_all()
    return [count(model) for model in REGISTRY]


def registry_as_it_stands(market: Market) -> dict:
    """Stalls, tenancies, account versions and signs of a market, by codes and names."""
    db.session.expire_all()
    stalls = db.session.scalars(select(Stall).where(Stall.market_id == market.id)).all()
    return {
        stall.code: {
            "stall": (stall.zone, stall.row, stall.number, stall.category, stall.status),
            "tenancies": sorted((t.vendor.name, t.vendor.phone, t.vendor.birth_year,
                                 t.start_on, t.end_on,
                                 [(a.version, a.bank_bin, a.account_number, a.holder_name,
                                   a.retired_at is None)
                                  for a in t.vendor.accounts])
                                for t in stall.tenancies),
            "payees": [(p.account.account_number, p.first, p.confirmed_at is None,
                        p.ended_at is None) for p in db.session.scalars(
                select(Payee).where(Payee.stall_id == stall.id).order_by(Payee.id))],
            "signs": [sign.superseded_at is None for sign in db.session.scalars(
                select(Sign).where(Sign.stall_id == stall.id).order_by(Sign.id))],
        }
        for stall in stalls
    }


def audit_trail(market: Market) -> Counter:
    """The audit events about a market's stalls, vendors, tenancies and accounts, with ids
    replaced by stall codes and vendor names so that two markets can be compared."""
    db.session.expire_all()
    stalls = {s.id: s.code for s in db.session.scalars(
        select(Stall).where(Stall.market_id == market.id))}
    tenancies = db.session.scalars(select(Tenancy).where(Tenancy.stall_id.in_(stalls))).all()
    vendors = {t.vendor_id: t.vendor.name for t in tenancies}
    accounts = {a.id: a for a in db.session.scalars(
        select(BankAccount).where(BankAccount.vendor_id.in_(vendors)))}
    names = {
        "stall": lambda id_: stalls.get(id_),
        "vendor": lambda id_: vendors.get(id_),
        "tenancy": lambda id_: next((f"{stalls[t.stall_id]} / {vendors[t.vendor_id]}"
                                     for t in tenancies if t.id == id_), None),
        "bank_account": lambda id_: (f"{vendors[accounts[id_].vendor_id]} "
                                     f"v{accounts[id_].version}") if id_ in accounts else None,
    }

    def plain(values: dict | None) -> dict | None:
        if values is None:
            return None
        values = {key: value for key, value in values.items() if key != "source"}
        for key, by_id in (("stall_id", stalls), ("vendor_id", vendors)):
            if key in values:
                values[key] = by_id[values[key]]
        return values

    trail = Counter()
    for event in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)):
        name = names[event.entity](int(event.entity_id)) if event.entity in names else None
        if name is None:
            continue
        in_market = {None: None, market.id: "this market"}[event.market_id]
        trail[(event.entity, event.action, name, in_market, event.actor_id,
               repr(plain(event.old)), repr(plain(event.new)))] += 1
    return trail


def market_as_found(code: str) -> Market:
    """A/B/C/D stalls: A new in the file, B kept with changes and a sign printed for its
    account, C taken by a new vendor, D closing."""
    market = make_market(f"Chợ {code}", code=code)
    binh = make_vendor("Trần Văn Bình")
    make_stall(market, code="B01", zone="A", row="1", number=3, category=GoodsCategory.MEAT,
               vendor=binh)
    account = make_account(binh, bank_bin="970436", account_number="0011000000001",
                           holder_name="TRAN VAN BINH")
    db.session.add(Sign(stall=binh.tenancies[0].stall, bank_account=account,
                        format=SignFormat.A6, code=f"{code}-S1"))
    make_stall(market, code="C01", zone="A", row="1", number=3,
               vendor=make_vendor("Lê Văn Cường"))
    make_stall(market, code="D01", zone="")
    db.session.flush()
    return market


def print_sign(market: Market, code: str) -> None:
    stall = db.session.get(Stall, stall_id(market, code))
    account = stall.tenancies[-1].vendor.accounts[-1]
    db.session.add(Sign(stall=stall, bank_account=account, format=SignFormat.A6,
                        code=f"{market.code}-{account.version}"))
    db.session.commit()


def commit_file(client, data: bytes) -> None:
    """Upload, wait for the dry run, confirm, wait for the commit: as the board does."""
    job = upload(client, data).location
    wait_for(client, job)
    response = client.post(f"{job}/confirm")
    assert "Đã ghi vào sổ" in wait_for(client, response.headers["Location"])


def stall_id(market: Market, code: str) -> int:
    return db.session.scalar(select(Stall.id).where(Stall.market_id == market.id,
                                                    Stall.code == code))


def through_the_forms(client, market: Market) -> None:
    """What the board would type into the registry pages for the four stalls."""
    def post(url: str, data: dict) -> None:
        response = client.post(url, data=data)
        assert response.status_code == 302, response.get_data(as_text=True)

    today = local_today().isoformat()
    post(f"/markets/{market.id}/stalls/new", {
        "code": "A01", "zone": "A", "row": "1", "number": "3", "category": "vegetables",
        "status": "operating"})
    a01, b01, c01, d01 = (stall_id(market, code) for code in ("A01", "B01", "C01", "D01"))
    post(f"/stalls/{a01}/tenant", {"name": "Nguyễn Thị Lan", "phone": "0912345678",
                                   "birth_year": "1968", "start_on": today})
    post(f"/stalls/{a01}/account", {"bank_bin": "970436", "account_number": "0011012345678",
                                    "account_number_again": "0011012345678",
                                    "holder_name": "Nguyễn Thị Lan", "kind": "account",
                                    "confirm_shared": "y"})
    post(f"/stalls/{b01}/edit", {"code": "B01", "zone": "A", "row": "1", "number": "3",
                                 "category": "fish", "status": "operating"})
    post(f"/stalls/{b01}/vendor", {"name": "Trần Văn Bình", "phone": "0987654321",
                                   "birth_year": "1968"})
    post(f"/stalls/{b01}/account", {
        "bank_bin": "970407", "account_number": "1903555666777",
        "account_number_again": "1903555666777", "holder_name": "TRAN VAN BINH",
        "kind": "account", "confirm_shared": "y"})
    post(f"/stalls/{c01}/tenant", {"name": "Phạm Thị Hoa", "phone": "0912345678",
                                   "birth_year": "1968", "start_on": today})
    post(f"/stalls/{c01}/account", {"bank_bin": "970436", "account_number": "0011098765432",
                                    "account_number_again": "0011098765432",
                                    "holder_name": "Phạm Thị Hoa", "kind": "account",
                                    "confirm_shared": "y"})
    post(f"/stalls/{d01}/edit", {"code": "D01", "zone": "", "row": "", "number": "",
                                 "category": "vegetables", "status": "closed"})


def the_file(code: str) -> bytes:
    """The same four stalls as one spreadsheet."""
    return xlsx_bytes([
        full_row(code, "A01", name="Nguyễn Thị Lan", account="0011012345678"),
        full_row(code, "B01", name="Trần Văn Bình", account="1903555666777", **{
            "Ngành hàng": "Cá, thủy hải sản", "Số điện thoại": "0987654321",
            "Ngân hàng": "TCB", "Tên chủ tài khoản": "TRAN VAN BINH"}),
        full_row(code, "C01", name="Phạm Thị Hoa", account="0011098765432"),
        sheet_row(code, "D01", **{"Trạng thái": "Đã đóng"}),
    ])


def test_a_committed_import_writes_the_audit_events_and_history_the_forms_write(client):
    by_hand, by_file = market_as_found("TAY"), market_as_found("TEP")
    board = make_user(Role.BOARD, markets=[by_hand, by_file])
    login(client, board)
    through_the_forms(client, by_hand)
    commit_file(client, the_file("TEP"))

    trail = audit_trail(by_file)
    assert trail == audit_trail(by_hand)
    kinds = Counter()
    for (entity, action, *_), times in trail.items():
        kinds[(entity, action)] += times
    assert kinds == {
        ("stall", "create"): 1, ("stall", "update"): 1, ("stall", "retire"): 1,
        ("vendor", "create"): 2, ("vendor", "update"): 1,
        ("tenancy", "create"): 2, ("tenancy", "retire"): 1,
        ("bank_account", "create"): 2, ("bank_account", "update"): 1,
    }
    assert {actor for (*_, actor, _old, _new) in trail} == {board.id}
    assert registry_as_it_stands(by_file) == registry_as_it_stands(by_hand)
    sources = {a.vendor.tenancies[0].stall.market.code: a.source for a in db.session.scalars(
        select(BankAccount).where(BankAccount.account_number == "0011012345678"))}
    assert sources == {"TAY": AccountSource.TYPED, "TEP": AccountSource.IMPORT}


def test_reimport_with_a_changed_account_keeps_history_and_supersedes_like_the_form(client):
    by_hand, by_file = market_as_found("TAY"), market_as_found("TEP")
    login(client, make_user(Role.BOARD, markets=[by_hand, by_file]))
    through_the_forms(client, by_hand)
    commit_file(client, the_file("TEP"))
    for market in (by_hand, by_file):
        print_sign(market, "B01")
    b01 = stall_id(by_hand, "B01")
    response = client.post(f"/stalls/{b01}/account", data={
        "bank_bin": "970415", "account_number": "108000111222",
        "account_number_again": "108000111222", "holder_name": "TRAN VAN BINH",
        "kind": "account", "confirm_shared": "y"})
    assert response.status_code == 302
    changed = xlsx_bytes([full_row("TEP", "B01", name="Trần Văn Bình", account="108000111222",
                                   **{"Ngành hàng": "Cá, thủy hải sản",
                                      "Số điện thoại": "0987654321",
                                      "Ngân hàng": "970415",
                                      "Tên chủ tài khoản": "TRAN VAN BINH"})])
    commit_file(client, changed)

    standing = registry_as_it_stands(by_file)
    assert standing == registry_as_it_stands(by_hand)
    [(name, *_, versions)] = standing["B01"]["tenancies"]
    assert name == "Trần Văn Bình" and versions == [
        (1, "970436", "0011000000001", "TRAN VAN BINH", False),
        (2, "970407", "1903555666777", "TRAN VAN BINH", False),
        (3, "970415", "108000111222", "TRAN VAN BINH", True),
    ]
    # Every change after the first payee waits for a second person, from a file as by hand.
    assert [(first, waiting, open_) for _, first, waiting, open_ in standing["B01"]["payees"]
            ] == [(True, True, False), (False, True, False), (False, True, True)]
    assert standing["B01"]["signs"] == [False, False]
    assert audit_trail(by_file) == audit_trail(by_hand)


def dry_run(data: bytes):
    return plan_import(read_sheet(data, Limits()), None)


def many_rows(code: str, rows: int) -> list[dict]:
    return [full_row(code, f"K{i:04d}", name=f"Người bán {i}", account=f"10{i:010d}")
            for i in range(rows)]


@pytest.mark.parametrize("bad_row", [0, CHUNK_ROWS + 7, 2 * CHUNK_ROWS + 199])
def test_a_refused_row_anywhere_in_a_large_file_leaves_nothing_written(bad_row):
    market = make_market(code="CHO1")
    sitting = make_stall(market, code="X01", vendor=make_vendor("Trần Văn Bình"),
                         start_on=date(2026, 3, 1))
    db.session.commit()
    rows = many_rows("CHO1", 2 * CHUNK_ROWS + 200)
    rows.insert(bad_row, full_row("CHO1", "X01", name="Lê Thị Hoa"))
    before = counts()
    plan = dry_run(csv_bytes(rows))
    assert plan.ok
    plan.today = sitting.tenancies[0].start_on  # a new tenant on the sitting tenant's first day
    with pytest.raises(ImportRefused) as refused:
        apply_plan(plan)
    db.session.rollback()
    assert [(p.row, p.column) for p in refused.value.problems] == [
        (bad_row + 2, "Tên hộ kinh doanh")]
    assert counts() == before


def test_reimporting_a_file_of_several_chunks_changes_nothing():
    make_market(code="CHO1")
    db.session.commit()
    data = csv_bytes(many_rows("CHO1", 2 * CHUNK_ROWS + 30))
    progress = []
    apply_plan(dry_run(data), lambda done, total: progress.append((done, total)))
    db.session.commit()
    assert progress[-1] == (2 * CHUNK_ROWS + 30, 2 * CHUNK_ROWS + 30) and len(progress) == 3
    before = counts()
    assert before[:4] == [2 * CHUNK_ROWS + 30] * 4
    again = dry_run(data)
    assert {change.action for change in again.changes} == {"unchanged"}
    apply_plan(again)
    db.session.commit()
    assert counts() == before


def test_a_vendor_on_two_rows_gets_both_changes_in_the_order_of_the_file():
    market = make_market(code="CHO1")
    binh = make_vendor("Trần Văn Bình")
    for code in ("A01", "A02"):
        make_stall(market, code=code, zone="A", row="1", number=3, vendor=binh)
    db.session.commit()
    rows = [full_row("CHO1", "A01", name="Trần Văn Bình", account="0011000000001",
                     **{"Tên chủ tài khoản": "TRAN VAN BINH"}),
            full_row("CHO1", "A02", name="Trần Văn Bình", account="0011000000002",
                     **{"Tên chủ tài khoản": "TRAN VAN BINH", "Số điện thoại": "0987654321"})]
    apply_plan(dry_run(xlsx_bytes(rows)))
    db.session.commit()
    versions = db.session.scalars(select(BankAccount).where(BankAccount.vendor_id == binh.id)
                                  .order_by(BankAccount.version)).all()
    assert [(a.version, a.account_number, a.retired_at is None) for a in versions] == [
        (1, "0011000000001", False), (2, "0011000000002", True)]
    updates = db.session.scalars(select(AuditEvent).where(AuditEvent.entity == "vendor")
                                 .order_by(AuditEvent.id)).all()
    assert [(e.old, e.new) for e in updates] == [
        ({"phone": None, "birth_year": None}, {"phone": "0912345678", "birth_year": 1968}),
        ({"phone": "0912345678"}, {"phone": "0987654321"}),
    ]
