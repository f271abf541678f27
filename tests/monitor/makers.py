"""Evidence for the monitor's tests, written the way the app writes it."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from factories import make_account, make_stall, make_vendor

from market.extensions import db
from market.models import BankAccount, Inspection, PaymentActivity, SelfReport, Sign, Stall
from market.models.evidence import ActivitySource, NonUseReason, QrUse, ScanResult
from market.models.signs import SignFormat

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = date(2026, 11, 20)  # the "as of" day of the fixtures


def noon(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=HANOI).astimezone(UTC)


def days_ago(n: int) -> date:
    return TODAY - timedelta(days=n)


def tenant_stall(market, *, account: bool = True) -> tuple[Stall, BankAccount | None]:
    """An operating stall with a tenant and, unless told otherwise, a registered account."""
    stall = make_stall(market)
    vendor = make_vendor(stall=stall, start_on=date(2026, 1, 1))
    bank_account = make_account(vendor) if account else None
    if bank_account is not None:
        bank_account.created_at = noon(date(2026, 1, 2))
    db.session.flush()
    return stall, bank_account


def sign_for(stall: Stall, account: BankAccount, code: str) -> Sign:
    sign = Sign(stall_id=stall.id, bank_account_id=account.id, format=SignFormat.A6, code=code,
                issued_at=noon(date(2026, 2, 1)))
    db.session.add(sign)
    db.session.flush()
    return sign


def inspection(stall: Stall, day: date, *, account: BankAccount | None = None,
               displayed: bool = True, scan: ScanResult | None = None, own_qr: bool = False,
               use: QrUse | None = None, reason: NonUseReason | None = None) -> Inspection:
    row = Inspection(stall_id=stall.id, inspected_at=noon(day), inspected_on=day,
                     sign_displayed=displayed, own_bank_qr=own_qr, scan_result=scan,
                     bank_account_id=account.id if account else None, qr_use=use, reason=reason)
    db.session.add(row)
    db.session.flush()
    return row


def self_report(stall: Stall, day: date, answer: QrUse, reason: NonUseReason | None = None):
    row = SelfReport(stall_id=stall.id, reported_at=noon(day), reported_on=day, answer=answer,
                     reason=reason)
    db.session.add(row)
    db.session.flush()
    return row


def payments(stall: Stall, day: date, count: int, amount: int = 50_000) -> PaymentActivity:
    row = PaymentActivity(stall_id=stall.id, day=day, source=ActivitySource.REPORT,
                          payments=count, amount=amount * count)
    db.session.add(row)
    db.session.flush()
    return row
