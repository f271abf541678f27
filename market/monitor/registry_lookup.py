"""The registry as it was on a day: a stall's payee, and which stall an account paid.

The **payee** of a stall on day D is the account version of its tenant on D (tenancies end
on their ``end_on``, inclusive) that was in force at the end of D and confirmed by then; a
changed account awaiting its second confirmation is nobody's payee (``market.monitor.ladder``).
A payment of day D belongs to the stall whose payee the account was at some moment of D, so a
payment made just before a change and reported after it still counts for its stall.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, Integer, String, and_, bindparam, or_, select, text

from market.extensions import db
from market.models import BankAccount, Market, Stall, Tenancy
from market.models.base import UTCDateTime
from market.monitor.clock import day_end
from market.monitor.ladder import confirmed_by, in_force, market_on_day

_ONE_DAY = timedelta(days=1)
# Keys looked up by one query: six values each, well under the bound parameters SQLite
# (32,766) and PostgreSQL (65,535) accept.
_KEYS_PER_QUERY = 1000


class Unmatched:
    """Why a payment belongs to no stall (stored with the quarantined row)."""

    UNKNOWN_ACCOUNT = "unknown_account"  # no version ever had this number (and BIN)
    NO_PAYEE = "no_payee"  # the account was no stall's confirmed payee that day
    SEVERAL_STALLS = "several_stalls"  # it was the payee of more than one stall that day


UNMATCHED_LABELS = {
    Unmatched.UNKNOWN_ACCOUNT: _l("Tài khoản không có trong sổ đăng ký"),
    Unmatched.NO_PAYEE: _l("Ngày đó tài khoản không là tài khoản nhận tiền (đã xác nhận) của gian hàng nào"),
    Unmatched.SEVERAL_STALLS: _l("Ngày đó tài khoản nhận tiền cho nhiều gian hàng"),
}


@dataclass(frozen=True)
class Match:
    stall_id: int | None
    reason: str = ""


def _tenant_on(day: date):
    return and_(Tenancy.start_on <= day, or_(Tenancy.end_on.is_(None), Tenancy.end_on >= day))


def payee_on(stall_id: int, day: date) -> BankAccount | None:
    """The stall's payee account version on ``day`` (None when it has none)."""
    end = day_end(day)
    return db.session.scalar(
        select(BankAccount)
        .join(Tenancy, Tenancy.vendor_id == BankAccount.vendor_id)
        .where(Tenancy.stall_id == stall_id, _tenant_on(day), in_force(BankAccount, end),
               confirmed_by(BankAccount, end))
        .order_by(Tenancy.start_on.desc(), BankAccount.version.desc())
        .limit(1)
    )


def match_payment(bank_bin: str | None, account_number: str, day: date) -> Match:
    """The stall a payment of ``day`` to this account belongs to, or why there is none."""
    key = (bank_bin, account_number, day)
    return match_payments([key])[key]


def match_payments(keys: Iterable[tuple[str | None, str, date]]) -> dict[tuple[str | None, str, date], Match]:
    """The stall each (bank BIN, account number, day) pays, or why there is none: a few
    set-based queries for many keys (a report's chunk, a batch of notices), not one per key.

    The one rule for bank reports, webhooks and the batch endpoint: the account version was
    the stall's payee at some moment of the day (retired versions included).
    """
    asked = list(dict.fromkeys(keys))
    wanted = [(bank_bin or None, number, day) for bank_bin, number, day in asked]
    stalls: dict[int, set[int]] = {}  # position in ``wanted`` → stalls paid
    for first in range(0, len(wanted), _KEYS_PER_QUERY):
        for position, stall_id in db.session.execute(
                _payees_query(wanted[first:first + _KEYS_PER_QUERY], first)):
            stalls.setdefault(position, set()).add(stall_id)
    known = _known_accounts({number for position, (_, number, _) in enumerate(wanted)
                             if position not in stalls})
    matches = {}
    for position, (bank_bin, number, day) in enumerate(wanted):
        found = stalls.get(position, ())
        if len(found) == 1:
            match = Match(next(iter(found)))
        elif found:
            match = Match(None, Unmatched.SEVERAL_STALLS)
        elif (number, bank_bin) in known:
            match = Match(None, Unmatched.NO_PAYEE)
        else:
            match = Match(None, Unmatched.UNKNOWN_ACCOUNT)
        matches[asked[position]] = match
    return matches


def _key_rows(keys: list[tuple[str | None, str, date]], first: int):
    """The keys as a VALUES list in FROM, with each key's position and the instants its day
    starts and ends (a VALUES list's columns are column1, column2, … on both databases)."""
    types = (Integer(), String(), String(), Date(), UTCDateTime(), UTCDateTime())
    params, rows = [], []
    for n, (bank_bin, account_number, day) in enumerate(keys):
        fields = (first + n, bank_bin, account_number, day, day_end(day - _ONE_DAY), day_end(day))
        names = [f"k{n}_{i}" for i in range(len(fields))]
        params += [bindparam(name, value, type_=kind) for name, value, kind in zip(names, fields, types)]
        rows.append("(" + ", ".join(f":{name}" for name in names) + ")")
    columns = {f"column{i + 1}": kind for i, kind in enumerate(types)}
    return text("VALUES " + ", ".join(rows)).bindparams(*params).columns(**columns).subquery("payment_keys")


def _payees_query(keys: list[tuple[str | None, str, date]], first: int):
    """(position of the key, stall) for every stall whose payee an account version of the key
    was at some moment of its day, the keys joined to the versions by number."""
    rows = _key_rows(keys, first)
    position, bank_bin, number, day, day_start, end = (rows.c[f"column{i}"] for i in range(1, 7))
    return (
        select(position, Tenancy.stall_id)
        .select_from(rows)
        .join(BankAccount, and_(
            BankAccount.account_number == number,
            or_(bank_bin.is_(None), BankAccount.bank_bin == bank_bin),
        ))
        .join(Tenancy, and_(Tenancy.vendor_id == BankAccount.vendor_id, _tenant_on(day)))
        .join(Stall, Stall.id == Tenancy.stall_id)
        .join(Market, Market.id == Stall.market_id)
        .where(
            BankAccount.created_at < end,
            or_(BankAccount.retired_at.is_(None), BankAccount.retired_at >= day_start),
            confirmed_by(BankAccount, end),
            Stall.opened_on <= day,
            market_on_day(day, end),
        )
        .distinct()
    )


def _known_accounts(numbers: set[str]) -> set[tuple[str, str | None]]:
    """(number, BIN) and (number, None) of every version ever registered with these numbers."""
    known: set[tuple[str, str | None]] = set()
    listed = sorted(numbers)
    for first in range(0, len(listed), _KEYS_PER_QUERY):
        for number, bank_bin in db.session.execute(
                select(BankAccount.account_number, BankAccount.bank_bin).distinct()
                .where(BankAccount.account_number.in_(listed[first:first + _KEYS_PER_QUERY]))):
            known.update({(number, bank_bin), (number, None)})
    return known
