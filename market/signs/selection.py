"""Which stalls of a market can have a sign, and why the others cannot.

One query walks stall → current tenancy → vendor → current account version → bank, so a
market of thousands of stalls is planned in one round trip.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, or_, select

from market.extensions import db
from market.models import (
    Bank,
    BankAccount,
    Market,
    Payee,
    Sign,
    SignFormat,
    Stall,
    StallStatus,
    Tenancy,
    Vendor,
)
from market.registry.banks import WITHDRAWN
from market.registry.services import payees
from market.vietqr import VietQRError, encode


class Obstacle(enum.StrEnum):
    """Why a stall cannot have a sign now."""

    VACANT = "vacant"
    CLOSED = "closed"
    NO_TENANT = "no_tenant"
    NO_ACCOUNT = "no_account"
    BANK_WITHDRAWN = "bank_withdrawn"
    INVALID_ACCOUNT = "invalid_account"
    SIGN_WITHDRAWN = "sign_withdrawn"
    AWAITING_APPROVAL = "awaiting_approval"

    @property
    def label(self) -> str:
        return str(OBSTACLE_LABELS[self])


OBSTACLE_LABELS = {
    Obstacle.VACANT: _l("Gian hàng bỏ trống"),
    Obstacle.CLOSED: _l("Gian hàng đã đóng"),
    Obstacle.NO_TENANT: _l("Chưa có hộ kinh doanh thuê gian hàng"),
    Obstacle.NO_ACCOUNT: _l("Hộ kinh doanh chưa đăng ký tài khoản ngân hàng"),
    Obstacle.BANK_WITHDRAWN: _l("Ngân hàng của tài khoản đã bị rút khỏi danh bạ ngân hàng"),
    Obstacle.INVALID_ACCOUNT: _l("Số tài khoản không tạo được mã VietQR hợp lệ"),
    Obstacle.SIGN_WITHDRAWN: _l("Biển của tài khoản này đã bị thu hồi"),
    Obstacle.AWAITING_APPROVAL: _l("Chờ duyệt thay đổi tài khoản"),
}


@dataclass(frozen=True)
class Selection:
    """Which stalls of a market to print: a zone, a row, or only those without a current sign."""

    zone: str = ""
    row: str = ""
    missing_only: bool = False


@dataclass(frozen=True)
class StallForSign:
    """A stall with everything its sign shows (``account`` is None when it cannot have one)."""

    stall: Stall
    vendor: Vendor | None
    account: BankAccount | None
    bank: Bank | None
    obstacle: Obstacle | None
    payload: str = ""


@dataclass(frozen=True)
class SignPlan:
    printable: list[StallForSign]
    unprintable: list[StallForSign]


def market_today() -> date:
    return datetime.now(ZoneInfo(current_app.config["TIMEZONE"])).date()


def plan_signs(market: Market, sign_format: SignFormat, selection: Selection = Selection(),
               stall_ids: list[int] | None = None) -> SignPlan:
    """The stalls of ``market`` in floor order (zone, row, number, code), split into those
    that can have a ``sign_format`` sign for their current account and those that cannot
    (with the reason)."""
    today = market_today()
    tenancy_is_current = and_(
        Tenancy.stall_id == Stall.id,
        Tenancy.start_on <= today,
        or_(Tenancy.end_on.is_(None), Tenancy.end_on >= today),
    )
    query = (
        select(Stall, Vendor, BankAccount, Bank, Payee)
        .outerjoin(Tenancy, tenancy_is_current)
        .outerjoin(Vendor, Vendor.id == Tenancy.vendor_id)
        .outerjoin(
            BankAccount,
            and_(BankAccount.vendor_id == Vendor.id, BankAccount.retired_at.is_(None)),
        )
        .outerjoin(Bank, Bank.bin == BankAccount.bank_bin)
        .outerjoin(Payee, payees.payee_join(Stall, Tenancy.id, BankAccount.id))
        .where(Stall.market_id == market.id)
        .order_by(Stall.zone, Stall.row, Stall.number.is_(None), Stall.number, Stall.code)
    )
    if selection.zone:
        query = query.where(Stall.zone == selection.zone)
    if selection.row:
        query = query.where(Stall.row == selection.row)
    if selection.missing_only:
        query = query.where(~has_current_sign(BankAccount.id))
    if stall_ids is not None:
        query = query.where(Stall.id.in_(stall_ids))
    withdrawn = withdrawn_signs(market, sign_format)
    printable, unprintable = [], []
    for stall, vendor, account, bank, payee in db.session.execute(query):
        entry = describe(stall, vendor, account, bank, payee, withdrawn)
        (unprintable if entry.obstacle else printable).append(entry)
    return SignPlan(printable, unprintable)


def has_current_sign(account_id):
    """A sign, in any format, for the stall and its current account, not superseded."""
    return exists().where(
        Sign.stall_id == Stall.id,
        Sign.bank_account_id == account_id,
        Sign.superseded_at.is_(None),
    )


def withdrawn_signs(market: Market, sign_format: SignFormat) -> set[tuple[int, int]]:
    """(stall, account) whose sign was superseded while the account stays current."""
    rows = db.session.execute(
        select(Sign.stall_id, Sign.bank_account_id)
        .join(Stall, Stall.id == Sign.stall_id)
        .join(BankAccount, BankAccount.id == Sign.bank_account_id)
        .where(
            Stall.market_id == market.id,
            Sign.format == sign_format,
            Sign.superseded_at.is_not(None),
            BankAccount.retired_at.is_(None),
        )
    )
    return {tuple(row) for row in rows}


def describe(stall: Stall, vendor: Vendor | None, account: BankAccount | None,
             bank: Bank | None, payee: Payee | None,
             withdrawn: set[tuple[int, int]]) -> StallForSign:
    obstacle = None
    payload = ""
    if stall.status == StallStatus.VACANT:
        obstacle = Obstacle.VACANT
    elif stall.status == StallStatus.CLOSED:
        obstacle = Obstacle.CLOSED
    elif vendor is None:
        obstacle = Obstacle.NO_TENANT
    elif account is None or bank is None:
        obstacle = Obstacle.NO_ACCOUNT
    elif not payees.is_printable(payee):  # a changed payee before its second person
        obstacle = Obstacle.AWAITING_APPROVAL
    elif (stall.id, account.id) in withdrawn:
        obstacle = Obstacle.SIGN_WITHDRAWN
    elif bank.status == WITHDRAWN:  # a bank whose app cannot scan still receives transfers
        obstacle = Obstacle.BANK_WITHDRAWN
    else:
        try:
            payload = encode(account.bank_bin, account.account_number, service=account.kind.value)
        except VietQRError:
            obstacle = Obstacle.INVALID_ACCOUNT
    return StallForSign(stall, vendor, account, bank, obstacle, payload)
