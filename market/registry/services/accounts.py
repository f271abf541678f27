"""Vendors' bank accounts: versioned, never edited in place."""
from __future__ import annotations

import re
from collections.abc import Collection, Container, Iterable, Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from market import audit
from market.auth.access import market_scope
from market.extensions import db
from market.models import (
    AccountKind,
    AccountSource,
    Bank,
    BankAccount,
    Market,
    Sign,
    Stall,
    Tenancy,
    User,
    Vendor,
    utcnow,
)
from market.registry.banks import WITHDRAWN
from market.registry.errors import RegistryError
from market.registry.services import checks, payees
from market.registry.services.rows import insert_all
from market.registry.services.vendors import vendor_market_ids
from market.vietqr import VietQRError, encode, holder_name

ACCOUNT_FIELDS = ("vendor_id", "version", "bank_bin", "account_number", "holder_name", "kind",
                  "source")
HOLDER_CHARACTERS = re.compile(r"^[A-Z0-9 .&'-]+$")
REGISTER_ARGUMENTS = frozenset({"bank_bin", "account_number", "holder_name", "kind", "source"})


def current_account(vendor: Vendor) -> BankAccount | None:
    """The vendor's current account version (the one signs are printed for), if any."""
    return current_accounts([vendor.id]).get(vendor.id)


def current_accounts(vendor_ids: Collection[int]) -> dict[int, BankAccount]:
    """The current account of each of these vendors that has one, in one query."""
    if not vendor_ids:
        return {}
    query = select(BankAccount).where(BankAccount.vendor_id.in_(sorted(vendor_ids)),
                                      BankAccount.retired_at.is_(None))
    return {account.vendor_id: account for account in db.session.scalars(query)}


def clean_account_number(value: str | None) -> str:
    """Spaces, dots and dashes people type between digit groups are dropped."""
    return re.sub(r"[\s.\-]", "", value or "")


def has_letters(account_number: str) -> bool:
    """Letters are legitimate in some numbers (virtual accounts, wallets) but are more often
    a typo that would be printed on a sign: such a number is confirmed, never refused."""
    return any(character.isalpha() for character in account_number)


def check_account(bank_bin: str, account_number: str, holder: str, kind: AccountKind,
                  banks: Container[str]) -> tuple[str, str, str]:
    """The clean (BIN, number, holder) or a RegistryError naming the field at fault.

    ``banks``: the BINs of the bank directory in the database (see ``banks_in_directory``).
    """
    bank_bin = (bank_bin or "").strip()
    if bank_bin not in banks:
        raise RegistryError("bank_bin", _l("Vui lòng chọn một ngân hàng trong danh sách."))
    number = clean_account_number(account_number)
    if not number:
        raise RegistryError("account_number", _l("Vui lòng nhập số tài khoản."))
    try:
        encode(bank_bin, number, service=AccountKind(kind).value)
    except VietQRError:
        if kind == AccountKind.CARD:
            message = _l("Số thẻ chỉ gồm chữ số, tối đa 19 chữ số.")
        else:
            message = _l("Số tài khoản chỉ gồm chữ số và chữ cái không dấu, tối đa 19 ký tự.")
        raise RegistryError("account_number", message) from None
    name = holder_name(holder or "")
    if not name:
        raise RegistryError("holder_name", _l("Vui lòng nhập tên chủ tài khoản."))
    if len(name) > 50 or not HOLDER_CHARACTERS.match(name):
        raise RegistryError(
            "holder_name", _l("Tên chủ tài khoản chỉ gồm chữ cái, tối đa 50 ký tự.")
        )
    return bank_bin, number, name


def banks_in_directory(bins: Iterable[str | None]) -> set[str]:
    """Which of these BINs the database's bank directory holds and has not withdrawn."""
    wanted = {(bank_bin or "").strip() for bank_bin in bins} - {""}
    if not wanted:
        return set()
    return set(db.session.scalars(
        select(Bank.bin).where(Bank.bin.in_(sorted(wanted)), Bank.status != WITHDRAWN)
    ))


def register_account(vendor: Vendor, *, bank_bin: str, account_number: str, holder_name: str,
                     kind: AccountKind = AccountKind.ACCOUNT,
                     source: AccountSource = AccountSource.TYPED) -> BankAccount:
    """Make this the vendor's current account.

    The same bank, number and holder as the current version returns that version unchanged.
    Otherwise the current version is retired, version + 1 is added, the signs printed for the
    old version are marked superseded, and the audit trail records old → new. The stall's
    payee changes with it: unless it is the stall's first, it waits for another person's
    confirmation before signs can be printed for it (``payees``).
    """
    return checks.one(register_accounts, (vendor, {
        "bank_bin": bank_bin, "account_number": account_number, "holder_name": holder_name,
        "kind": kind, "source": source}))


def register_accounts(items: Sequence[tuple[Vendor, dict[str, Any]]]) -> list[BankAccount]:
    """``register_account`` for many vendors, each at most once, each item every keyword
    argument: all checked first, then the retirements, the new versions and their audit
    events written in a few statements for the whole batch."""
    checks.once_each((vendor.id for vendor, _ in items), "vendor")
    items = [(vendor, checks.complete(values, REGISTER_ARGUMENTS)) for vendor, values in items]
    banks = banks_in_directory(values["bank_bin"] for _, values in items)

    def clean(values: dict[str, Any]) -> tuple[str, str, str, AccountKind, AccountSource]:
        kind = checks.choice("kind", values["kind"], AccountKind)
        source = checks.choice("source", values["source"], AccountSource)
        return (*check_account(values["bank_bin"], values["account_number"],
                               values["holder_name"], kind, banks), kind, source)

    cleaned = checks.each((values for _, values in items), clean)
    currents = current_accounts([vendor.id for vendor, _ in items])
    results: list[BankAccount | None] = []
    changes = []
    for (vendor, _), wanted in zip(items, cleaned):
        current = currents.get(vendor.id)
        if current is not None and (current.bank_bin, current.account_number,
                                    current.holder_name, current.kind) == wanted[:4]:
            results.append(current)
        else:
            results.append(None)
            changes.append((vendor, current, wanted))
    retired = _retire([current for _, current, _ in changes if current is not None])
    versions = _last_versions([vendor.id for vendor, current, _ in changes if current is None])
    rows = []
    for vendor, current, (bank_bin, number, name, kind, source) in changes:
        version = (current.version if current is not None else versions.get(vendor.id, 0)) + 1
        rows.append({"vendor_id": vendor.id, "version": version, "bank_bin": bank_bin,
                     "account_number": number, "holder_name": name, "kind": kind,
                     "source": source})
    accounts = insert_all(BankAccount, rows)
    for vendor, _, _ in changes:
        db.session.expire(vendor, ["accounts"])
    markets = vendor_market_ids([vendor.id for vendor, _, _ in changes])
    audit.record_all({"action": "update" if current is not None else "create",
                      "entity": "bank_account", "entity_id": account.id,
                      "market_id": markets.get(vendor.id), "old": retired.get(current),
                      "new": audit.snapshot(account, ACCOUNT_FIELDS)}
                     for (vendor, current, _), account in zip(changes, accounts))
    payees.refresh(payees.stalls_of_vendors([vendor.id for vendor, _, _ in changes]))
    created = iter(accounts)
    return [result if result is not None else next(created) for result in results]


def _retire(accounts: list[BankAccount]) -> dict[BankAccount, dict[str, Any]]:
    """Retire these versions and supersede the signs printed for them; their snapshots."""
    if not accounts:
        return {}
    snapshots = {account: audit.snapshot(account, ACCOUNT_FIELDS) for account in accounts}
    for account in accounts:
        account.retired_at = utcnow()
    db.session.flush()  # the old versions leave "current" before the new ones arrive
    by_id = {account.id: account for account in accounts}
    for sign in db.session.scalars(select(Sign).where(
            Sign.bank_account_id.in_(sorted(by_id)), Sign.superseded_at.is_(None))):
        sign.superseded_at = by_id[sign.bank_account_id].retired_at
    return snapshots


def _last_versions(vendor_ids: list[int]) -> dict[int, int]:
    """The highest account version of each of these vendors that has had one."""
    if not vendor_ids:
        return {}
    rows = db.session.execute(
        select(BankAccount.vendor_id, func.max(BankAccount.version))
        .where(BankAccount.vendor_id.in_(sorted(vendor_ids))).group_by(BankAccount.vendor_id)
    )
    return {vendor_id: version for vendor_id, version in rows}


def accounts_elsewhere(bank_bin: str, account_number: str, user: User,
                       exclude_vendor_id: int | None = None) -> tuple[list[Vendor], int]:
    """Other vendors whose current account is this one (to warn before registering it): those
    trading in markets ``user`` may see, and how many more elsewhere (never named)."""
    query = (
        select(Vendor).join(BankAccount, BankAccount.vendor_id == Vendor.id)
        .where(BankAccount.bank_bin == bank_bin,
               BankAccount.account_number == clean_account_number(account_number),
               BankAccount.retired_at.is_(None))
        .order_by(Vendor.id)
    )
    if exclude_vendor_id is not None:
        query = query.where(Vendor.id != exclude_vendor_id)
    vendors = list(db.session.scalars(query))
    if not vendors:
        return [], 0
    seen = set(db.session.scalars(
        select(Tenancy.vendor_id).join(Stall, Stall.id == Tenancy.stall_id)
        .join(Market, Market.id == Stall.market_id)
        .where(Tenancy.vendor_id.in_([vendor.id for vendor in vendors]),
               Tenancy.end_on.is_(None), market_scope(user))))
    named = [vendor for vendor in vendors if vendor.id in seen]
    return named, len(vendors) - len(named)
