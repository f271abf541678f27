"""Demo history: 90 days of inspections, QR payments, vendors' answers and daily snapshots for
the demo markets, so the monitor has figures and trends to show on first start.

Deterministic (one ``random.Random`` per market, stalls in code order) and idempotent: a market
that already has inspections gets no new evidence, a day that already has snapshots is kept.
"""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import exists, select

from market.demo.loader import LATEST_CHANGE, LOCAL, STEPS, DemoContext
from market.extensions import db
from market.models import (
    AdoptionSnapshot,
    Alert,
    BankAccount,
    Inspection,
    Market,
    PaymentActivity,
    SelfReport,
    Stall,
    StallStatus,
    Tenancy,
)
from market.models.evidence import (
    ActivitySource,
    AlertKind,
    NonUseReason,
    QrUse,
    ScanResult,
)
from market.monitor.alerts import swapped_sign_detail
from market.monitor.snapshots import write_snapshots
from market.texts import stored

HISTORY_DAYS = 90
REASONS = tuple(r for r in NonUseReason if r != NonUseReason.OTHER)


def add_history(context: DemoContext) -> None:
    last = LATEST_CHANGE
    first = last - timedelta(days=HISTORY_DAYS - 1)
    markets = [context.markets[code] for code in sorted(context.markets)]
    db.session.flush()
    for market in markets:
        has_evidence = db.session.scalar(
            select(exists().where(Inspection.stall_id == Stall.id, Stall.market_id == market.id))
        )
        if not has_evidence:
            rng = random.Random(f"{context.seed}:history:{market.code}")
            add_market_evidence(context, market, rng, first, last)
    db.session.flush()
    ids = [m.id for m in markets]
    present = set(db.session.scalars(
        select(AdoptionSnapshot.day).where(AdoptionSnapshot.market_id.in_(ids)).distinct()
    ))
    for n in range(HISTORY_DAYS):
        day = first + timedelta(days=n)
        if day not in present:
            context.added["snapshots"] += write_snapshots(day, None, ids)


def at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=LOCAL)


def add_market_evidence(context: DemoContext, market: Market, rng: random.Random,
                        first: date, last: date) -> None:
    stalls = db.session.execute(
        select(Stall, BankAccount)
        .join(Tenancy, (Tenancy.stall_id == Stall.id) & Tenancy.end_on.is_(None))
        .outerjoin(BankAccount, (BankAccount.vendor_id == Tenancy.vendor_id)
                   & BankAccount.retired_at.is_(None))
        .where(Stall.market_id == market.id, Stall.status == StallStatus.OPERATING)
        .order_by(Stall.code)
    ).all()
    for stall, account in stalls:
        profile = rng.random()
        if account is None:
            profile = max(profile, 0.6)  # no account: never paying by QR
        visit = first + timedelta(days=rng.randrange(HISTORY_DAYS))
        if account is not None:
            visit = max(visit, account.created_at.astimezone(LOCAL).date())
        if profile < 0.5:
            add_payments(context, stall, rng, max(first, visit - timedelta(days=20)), last, 0.6)
            uses = rng.choice((QrUse.DAILY, QrUse.SOMETIMES))
        elif profile < 0.6:
            add_payments(context, stall, rng, first, first + timedelta(days=30), 0.4)
            uses = QrUse.SOMETIMES
        elif profile < 0.72:
            uses = QrUse.NO
        else:
            uses = None
        if rng.random() < 0.75 and visit <= last:
            add_inspection(context, stall, account, rng, visit, uses)
        if profile >= 0.6 and rng.random() < 0.1:
            day = first + timedelta(days=rng.randrange(HISTORY_DAYS))
            answer = QrUse.NO if uses == QrUse.NO else QrUse.SOMETIMES
            db.session.add(SelfReport(
                stall_id=stall.id, reported_at=at(day, 19), reported_on=day, answer=answer,
                reason=rng.choice(REASONS) if answer == QrUse.NO else None))
            context.added["self-reports"] += 1


def add_inspection(context: DemoContext, stall: Stall, account: BankAccount | None,
                   rng: random.Random, day: date, uses: QrUse | None) -> None:
    displayed = account is not None and (uses in (QrUse.DAILY, QrUse.SOMETIMES) or rng.random() < 0.5)
    swapped = displayed and rng.random() < 0.03
    inspection = Inspection(
        stall_id=stall.id, inspected_at=at(day, 8 + rng.randrange(9)), inspected_on=day,
        sign_displayed=displayed,
        scan_result=(ScanResult.DIFFERENT_ACCOUNT if swapped else ScanResult.MATCH) if displayed else None,
        bank_account_id=account.id if account is not None else None,
        scanned_bin=account.bank_bin if displayed else None,
        scanned_account=("0" * 6 + str(rng.randrange(10**7, 10**8))) if swapped
        else (account.account_number if displayed else None),
        qr_use=uses,
        reason=rng.choice(REASONS) if uses == QrUse.NO else None,
    )
    db.session.add(inspection)
    db.session.flush()
    context.added["inspections"] += 1
    if swapped:
        db.session.add(Alert(kind=AlertKind.SWAPPED_SIGN, market_id=stall.market_id,
                             stall_id=stall.id, inspection_id=inspection.id,
                             opened_at=inspection.inspected_at,
                             message=stored(swapped_sign_detail(inspection))))
        context.added["alerts"] += 1


def add_payments(context: DemoContext, stall: Stall, rng: random.Random, first: date, last: date,
                 share: float) -> None:
    for n in range((last - first).days + 1):
        if rng.random() < share:
            count = rng.randint(1, 15)
            db.session.add(PaymentActivity(
                stall_id=stall.id, day=first + timedelta(days=n), source=ActivitySource.REPORT,
                payments=count, amount=count * rng.randrange(20, 120) * 1000,
                updated_at=at(first + timedelta(days=n), 21)))
            context.added["payment days"] += 1


STEPS.append(add_history)
