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
from sqlalchemy import and_, or_, select

from market.extensions import db
from market.models import BankAccount, Stall, Tenancy
from market.monitor.clock import day_end
from market.monitor.ladder import confirmed_by, in_force, market_on_day

_ONE_DAY = timedelta(days=1)


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
    """The stall a payment of ``day`` to this account belongs to, or why there is none.

    The one rule for bank reports, webhooks and the batch endpoint: the account version was
    the stall's payee at some moment of ``day`` (retired versions included).
    """
    versions = select(BankAccount).where(BankAccount.account_number == account_number)
    if bank_bin:
        versions = versions.where(BankAccount.bank_bin == bank_bin)
    versions = versions.subquery("versions")
    start, end = day_end(day - _ONE_DAY), day_end(day)
    stalls = list(db.session.scalars(
        select(Tenancy.stall_id)
        .join(versions, versions.c.vendor_id == Tenancy.vendor_id)
        .join(Stall, Stall.id == Tenancy.stall_id)
        .join(Stall.market)
        .where(
            _tenant_on(day),
            versions.c.created_at < end,
            or_(versions.c.retired_at.is_(None), versions.c.retired_at >= start),
            confirmed_by(versions.c, end),
            Stall.opened_on <= day,
            market_on_day(day),
        )
        .distinct()
    ))
    if len(stalls) == 1:
        return Match(stalls[0])
    if stalls:
        return Match(None, Unmatched.SEVERAL_STALLS)
    known = db.session.scalar(select(versions.c.id).limit(1))
    return Match(None, Unmatched.NO_PAYEE if known is not None else Unmatched.UNKNOWN_ACCOUNT)


def match_payments(keys: Iterable[tuple[str | None, str, date]]) -> dict[tuple[str | None, str, date], Match]:
    """``match_payment`` for many (bank BIN, account number, day), each asked once."""
    return {key: match_payment(*key) for key in dict.fromkeys(keys)}
