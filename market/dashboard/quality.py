"""Data quality checks over the markets a user may read, each row pointing at what to fix."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import Select, and_, exists, func, or_, select

from market.extensions import db
from market.models import (
    Bank,
    BankAccount,
    Inspection,
    Market,
    PaymentNotification,
    Stall,
    StallStatus,
    Tenancy,
    Vendor,
)
from market.models.evidence import NotificationStatus
from market.monitor.clock import day_end
from market.monitor.quarantine_scope import notifications_of
from market.registry.banks import WITHDRAWN

LIMIT = 200
UNCONFIRMED_DAYS = 180


@dataclass
class QualityReport:
    shared_accounts: list  # (bank_bin, account_number, [(stall, vendor)])
    stalls_without_vendor: list[Stall]
    unconfirmed_accounts: list  # (account, vendor, stall)
    markets_not_inspected: list[Market]
    quarantined: int
    withdrawn_bank_accounts: list  # (account, bank, vendor, stall)


def shared_accounts(markets: Select) -> list:
    """Current accounts (BIN and number) held by more than one vendor trading in scope."""
    in_scope = (
        select(BankAccount.bank_bin, BankAccount.account_number, BankAccount.vendor_id, Stall.id.label("stall_id"))
        .join(Tenancy, and_(Tenancy.vendor_id == BankAccount.vendor_id, Tenancy.end_on.is_(None)))
        .join(Stall, Stall.id == Tenancy.stall_id)
        .where(BankAccount.retired_at.is_(None), Stall.market_id.in_(markets))
        .subquery()
    )
    shared = (
        select(in_scope.c.bank_bin, in_scope.c.account_number)
        .group_by(in_scope.c.bank_bin, in_scope.c.account_number)
        .having(func.count(func.distinct(in_scope.c.vendor_id)) > 1)
        .order_by(in_scope.c.bank_bin, in_scope.c.account_number)
        .limit(LIMIT)
        .subquery()
    )
    rows = db.session.execute(
        select(in_scope.c.bank_bin, in_scope.c.account_number, Stall, Vendor)
        .join(shared, and_(shared.c.bank_bin == in_scope.c.bank_bin,
                           shared.c.account_number == in_scope.c.account_number))
        .join(Stall, Stall.id == in_scope.c.stall_id)
        .join(Vendor, Vendor.id == in_scope.c.vendor_id)
        .order_by(in_scope.c.bank_bin, in_scope.c.account_number, Stall.code)
    )
    grouped: dict[tuple[str, str], list] = {}
    for bank_bin, number, stall, vendor in rows:
        grouped.setdefault((bank_bin, number), []).append((stall, vendor))
    return [(bank_bin, number, holders) for (bank_bin, number), holders in grouped.items()]


def stalls_without_vendor(markets: Select) -> list[Stall]:
    open_tenancy = exists().where(Tenancy.stall_id == Stall.id, Tenancy.end_on.is_(None))
    return list(db.session.scalars(
        select(Stall).where(Stall.market_id.in_(markets), Stall.status == StallStatus.OPERATING, ~open_tenancy)
        .order_by(Stall.market_id, Stall.code).limit(LIMIT)
    ))


def unconfirmed_accounts(markets: Select, today: date) -> list:
    """Current accounts whose last confirmation (or creation) is over 180 days old."""
    limit = day_end(today - timedelta(days=UNCONFIRMED_DAYS + 1))
    rows = db.session.execute(
        select(BankAccount, Vendor, Stall)
        .join(Vendor, Vendor.id == BankAccount.vendor_id)
        .join(Tenancy, and_(Tenancy.vendor_id == Vendor.id, Tenancy.end_on.is_(None)))
        .join(Stall, Stall.id == Tenancy.stall_id)
        .where(
            BankAccount.retired_at.is_(None),
            Stall.market_id.in_(markets),
            or_(BankAccount.confirmed_at < limit,
                and_(BankAccount.confirmed_at.is_(None), BankAccount.created_at < limit)),
        )
        .order_by(func.coalesce(BankAccount.confirmed_at, BankAccount.created_at), Stall.code)
        .limit(LIMIT)
    )
    return [tuple(row) for row in rows]


def withdrawn_bank_accounts(markets: Select) -> list:
    """Current accounts at a bank the directory has withdrawn: their signs cannot be printed."""
    rows = db.session.execute(
        select(BankAccount, Bank, Vendor, Stall)
        .join(Bank, Bank.bin == BankAccount.bank_bin)
        .join(Vendor, Vendor.id == BankAccount.vendor_id)
        .join(Tenancy, and_(Tenancy.vendor_id == Vendor.id, Tenancy.end_on.is_(None)))
        .join(Stall, Stall.id == Tenancy.stall_id)
        .where(BankAccount.retired_at.is_(None), Bank.status == WITHDRAWN,
               Stall.market_id.in_(markets))
        .order_by(Stall.market_id, Stall.code)
        .limit(LIMIT)
    )
    return [tuple(row) for row in rows]


def markets_not_inspected(markets: Select, today: date) -> list[Market]:
    since = today - timedelta(days=int(current_app.config["ADOPTION_INSPECTION_WINDOW_DAYS"]) - 1)
    inspected = exists().where(
        Inspection.stall_id == Stall.id, Stall.market_id == Market.id, Inspection.inspected_on >= since
    )
    return list(db.session.scalars(
        select(Market).where(Market.id.in_(markets), ~inspected).order_by(Market.name).limit(LIMIT)
    ))


def quality_report(markets: Select, today: date) -> QualityReport:
    """Every check for the markets selected by ``markets`` (a SELECT of market ids)."""
    quarantined = db.session.scalar(
        select(func.count()).where(PaymentNotification.status == NotificationStatus.QUARANTINED,
                                   notifications_of(markets))
    )
    return QualityReport(
        shared_accounts(markets),
        stalls_without_vendor(markets),
        unconfirmed_accounts(markets, today),
        markets_not_inspected(markets, today),
        quarantined or 0,
        withdrawn_bank_accounts(markets),
    )
