"""The dry run: every row checked against the database and the codec, nothing written.

The database is read in a handful of queries for the whole file (the markets named in it,
then their stalls, open tenancies and current accounts), never once per row, so that a
20,000-row file is checked in seconds.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from market.auth.access import Action, can, market_scope
from market.extensions import db
from market.models import BankAccount, Market, Stall, Tenancy, User, Vendor
from market.registry.services.accounts import has_letters
from market.registry.spreadsheet.columns import header, parse_row
from market.registry.spreadsheet.reader import Sheet
from market.texts import N_
from market.vietqr.banks import get_bank

STALL_FIELDS = ("zone", "row", "number", "category", "status")
VENDOR_FIELDS = {"vendor_name": "name", "shop_name": "shop_name", "phone": "phone",
                 "birth_year": "birth_year"}
ACCOUNT_FIELDS = {"bank": "bank_bin", "account_number": "account_number",
                  "holder_name": "holder_name"}
ENTITY_LABELS = {
    "stall": _l("Gian hàng"),
    "vendor": _l("Hộ kinh doanh"),
    "tenancy": _l("Người thuê gian hàng"),
    "account": _l("Tài khoản ngân hàng"),
}
ACTION_LABELS = {"create": _l("Tạo mới"), "update": _l("Thay đổi"), "unchanged": _l("Giữ nguyên")}
PROGRESS_EVERY = 500


@dataclass(frozen=True)
class RowProblem:
    """An error (the file cannot be written) or a warning (written once confirmed) of a row."""

    row: int
    column: str  # the column's header, as the user sees it
    message: object  # a StoredText or Bilingual: stored as such, read in the reader's language


@dataclass(frozen=True)
class PlannedChange:
    row: int
    entity: str  # stall, vendor, tenancy, account
    action: str  # create, update, unchanged
    key: str  # "market code / stall code"
    # header → (old, new) as text, for what changes
    fields: dict[str, tuple[str, str]] = field(default_factory=dict)


@dataclass
class RowPlan:
    """What ``apply`` does for one row: each part None or empty when nothing changes."""

    row: int
    market: Market
    stall: Stall | None  # None: create it with ``stall_values``
    stall_values: dict[str, Any]
    vendor: Vendor | None  # the tenant kept; None with ``new_vendor``
    vendor_values: dict[str, Any]
    new_vendor: bool = False
    replaced: Vendor | None = None  # with ``new_vendor``: the tenant whose tenancy ends
    account: dict[str, str] | None = None


@dataclass
class ImportPlan:
    problems: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)  # to confirm before the commit
    changes: list[PlannedChange] = field(default_factory=list)
    rows: list[RowPlan] = field(default_factory=list)
    today: date | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def counts(self) -> dict[str, dict[str, int]]:
        """Per entity, how many would be created, changed or kept."""
        tally = Counter((change.entity, change.action) for change in self.changes)
        return {
            entity: {action: tally[(entity, action)] for action in ACTION_LABELS}
            for entity in ENTITY_LABELS
        }


def local_today() -> date:
    return datetime.now(ZoneInfo(current_app.config["TIMEZONE"])).date()


def plan_import(
    sheet: Sheet,
    user: User | None,
    on_progress: Callable[[int, int], None] | None = None,
) -> ImportPlan:
    """Check every row; ``user`` None means the command line, which may touch every market."""
    plan = ImportPlan(today=local_today())
    parsed = []
    for done, (number, cells) in enumerate(sheet.rows, start=1):
        # Reading the cells is most of the work; the checks against the database are quick.
        if on_progress and done % PROGRESS_EVERY == 0:
            on_progress(done, len(sheet.rows))
        values, errors = parse_row(cells)
        plan.problems.extend(RowProblem(number, header(k), m) for k, m in errors)
        parsed.append((number, values, not errors))
    registry = Registry.load({values["market_code"] for _, values, _ in parsed}, user)
    seen: dict[tuple[str, str], int] = {}
    for number, values, clean in parsed:
        key = (values["market_code"], values["stall_code"])
        if None in key:
            continue
        if key in seen:
            plan.problems.append(RowProblem(number, header("stall_code"), N_(
                "Mã gian hàng %(code)s đã có ở dòng %(row)s.", code=key[1], row=seen[key])))
            continue
        seen[key] = number
        market = registry.markets.get(key[0])
        if market is None:
            plan.problems.append(RowProblem(number, header("market_code"), N_(
                "Không có chợ mã %(code)s trong phạm vi bạn quản lý.", code=key[0])))
            continue
        if clean:
            _plan_row(plan, registry, number, market, values)
    if on_progress:
        on_progress(len(parsed), len(parsed))
    plan.problems.sort(key=lambda problem: problem.row)
    return plan


@dataclass
class Registry:
    """The part of the database a file touches, loaded in a few queries."""

    markets: dict[str, Market]
    stalls: dict[tuple[int, str], Stall]
    tenancies: dict[int, Tenancy]  # stall id → open tenancy (its vendor loaded)
    accounts: dict[int, BankAccount]  # vendor id → current account
    # What earlier rows of the file already plan for a vendor, so later rows compare to it.
    planned_vendors: dict[int, dict[str, Any]] = field(default_factory=dict)
    planned_accounts: dict[int, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def load(cls, codes: set[str | None], user: User | None) -> Registry:
        query = select(Market).where(Market.code.in_(codes - {None}), Market.retired_at.is_(None))
        if user is not None:
            if not can(user, Action.EDIT_REGISTRY):
                return cls({}, {}, {}, {})
            query = query.where(market_scope(user))
        markets = {market.code: market for market in db.session.scalars(query)}
        ids = [market.id for market in markets.values()]
        in_markets = Stall.market_id.in_(ids)
        stalls = {(s.market_id, s.code): s for s in db.session.scalars(select(Stall).where(in_markets))}
        open_tenancies = (
            select(Tenancy, Vendor).join(Tenancy.vendor).join(Tenancy.stall)
            .where(in_markets, Tenancy.end_on.is_(None))
        )
        tenancies = {t.stall_id: t for t, _ in db.session.execute(open_tenancies)}
        current_accounts = (
            select(BankAccount).join(Tenancy, Tenancy.vendor_id == BankAccount.vendor_id)
            .join(Tenancy.stall)
            .where(in_markets, Tenancy.end_on.is_(None), BankAccount.retired_at.is_(None))
        )
        accounts = {a.vendor_id: a for a in db.session.scalars(current_accounts)}
        return cls(markets, stalls, tenancies, accounts)


def _plan_row(plan: ImportPlan, registry: Registry, number: int, market: Market,
              values: dict[str, Any]) -> None:
    key = f"{market.code} / {values['stall_code']}"
    stall = registry.stalls.get((market.id, values["stall_code"]))
    stall_values = {name: values[name] for name in STALL_FIELDS}
    if stall is None:
        stall_values["code"] = values["stall_code"]
        plan.changes.append(PlannedChange(number, "stall", "create", key))
    else:
        stall_values = _changed(plan, number, "stall", key, _stall_state(stall), stall_values)
    row = RowPlan(number, market, stall, stall_values, vendor=None, vendor_values={})
    plan.rows.append(row)
    if not values["vendor_name"]:
        return
    tenancy = registry.tenancies.get(stall.id) if stall is not None else None
    wanted = {attr: values[key_] for key_, attr in VENDOR_FIELDS.items()}
    tenant = tenancy.vendor if tenancy is not None else None
    if tenant is not None and same_person(tenant.name, wanted["name"]):
        state = registry.planned_vendors.get(tenant.id) or _vendor_state(tenant)
        row.vendor = tenant
        row.vendor_values = _changed(plan, number, "vendor", key, state, wanted)
        registry.planned_vendors[tenant.id] = {**state, **row.vendor_values}
        plan.changes.append(PlannedChange(number, "tenancy", "unchanged", key))
        current = registry.planned_accounts.get(tenant.id) or _account_state(
            registry.accounts.get(tenant.id))
    else:
        if tenancy is not None and tenancy.start_on >= plan.today:
            plan.problems.append(RowProblem(number, header("vendor_name"), N_(
                "Gian hàng này vừa đổi người thuê hôm nay; chưa thể đổi lần nữa.")))
            return
        row.new_vendor, row.vendor_values, row.replaced = True, wanted, tenant
        plan.changes.append(PlannedChange(number, "vendor", "create", key))
        plan.changes.append(PlannedChange(number, "tenancy", "create", key, _tenant_change(tenant, wanted)))
        current = None
    _plan_account(plan, registry, row, key, values, current)


def _plan_account(plan: ImportPlan, registry: Registry, row: RowPlan, key: str,
                  values: dict[str, Any], current: dict[str, str] | None) -> None:
    if not values["account_number"]:
        return
    wanted = {attr: values[key_] for key_, attr in ACCOUNT_FIELDS.items()}
    if current == wanted:
        plan.changes.append(PlannedChange(row.row, "account", "unchanged", key))
        return
    action = "create" if current is None else "update"
    fields = {header(k): (_shown(a, current[a]) if current else "", _shown(a, wanted[a]))
              for k, a in ACCOUNT_FIELDS.items() if current is None or current[a] != wanted[a]}
    plan.changes.append(PlannedChange(row.row, "account", action, key, fields))
    if has_letters(wanted["account_number"]):
        plan.warnings.append(RowProblem(row.row, header("account_number"), N_(
            "Tài khoản %(number)s (%(bank)s): số tài khoản có chữ cái: kiểm tra lại.",
            number=wanted["account_number"], bank=bank_label(wanted["bank_bin"]))))
    row.account = wanted
    if row.vendor is not None:
        registry.planned_accounts[row.vendor.id] = wanted


def _changed(plan: ImportPlan, number: int, entity: str, key: str,
             old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Record an update or unchanged entry; returns only the values that differ."""
    differ = {name: value for name, value in new.items() if old.get(name) != value}
    fields = {_label(name): (_text(old.get(name)), _text(value)) for name, value in differ.items()}
    plan.changes.append(PlannedChange(number, entity, "update" if differ else "unchanged", key, fields))
    return differ


def _label(attribute: str) -> str:
    for column_key, attr in VENDOR_FIELDS.items():
        if attr == attribute:
            return header(column_key)
    return header(attribute)


def bank_label(bank_bin: str) -> str:
    """A bank as people know it, with the BIN the file gave: "Agribank (970405)"."""
    bank = get_bank(bank_bin)
    return f"{bank.short_name} ({bank_bin})" if bank else bank_bin


def _shown(attribute: str, value: str) -> str:
    return bank_label(value) if attribute == "bank_bin" else value


def _text(value: Any) -> str:
    if value is None:
        return ""
    label = getattr(value, "label", None)
    return str(label) if label is not None else str(value)


def _tenant_change(tenant: Vendor | None, wanted: dict[str, Any]) -> dict[str, tuple[str, str]]:
    return {header("vendor_name"): (tenant.name if tenant else "", wanted["name"])}


def same_person(name: str, other: str) -> bool:
    return " ".join(name.split()).casefold() == " ".join(other.split()).casefold()


def _stall_state(stall: Stall) -> dict[str, Any]:
    return {name: getattr(stall, name) for name in STALL_FIELDS}


def _vendor_state(vendor: Vendor) -> dict[str, Any]:
    return {attr: getattr(vendor, attr) for attr in VENDOR_FIELDS.values()}


def _account_state(account: BankAccount | None) -> dict[str, str] | None:
    if account is None:
        return None
    return {attr: getattr(account, attr) for attr in ACCOUNT_FIELDS.values()}
