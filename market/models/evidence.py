"""Evidence of QR use: inspections, vendor self-reports, QR payment activity, alerts."""
from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from market.models.base import UTCDateTime, db, str_enum, utcnow


class QrUse(enum.StrEnum):
    """Whether the vendor takes QR payments, as seen at a visit or said by the vendor."""

    DAILY = "daily"
    SOMETIMES = "sometimes"
    NO = "no"

    @property
    def label(self) -> str:
        return str(QR_USE_LABELS[self])


QR_USE_LABELS = {
    QrUse.DAILY: _l("Hằng ngày"),
    QrUse.SOMETIMES: _l("Thỉnh thoảng"),
    QrUse.NO: _l("Không dùng"),
}


class NonUseReason(enum.StrEnum):
    NO_SMARTPHONE = "no_smartphone"
    NO_BANK_ACCOUNT = "no_bank_account"
    FEAR_OF_SCAMS = "fear_of_scams"
    PREFERS_CASH = "prefers_cash"
    FORGOT_HOW = "forgot_how"
    NETWORK = "network"
    OTHER = "other"

    @property
    def label(self) -> str:
        return str(REASON_LABELS[self])


REASON_LABELS = {
    NonUseReason.NO_SMARTPHONE: _l("Không có điện thoại thông minh"),
    NonUseReason.NO_BANK_ACCOUNT: _l("Không có tài khoản ngân hàng"),
    NonUseReason.FEAR_OF_SCAMS: _l("Sợ bị lừa đảo"),
    NonUseReason.PREFERS_CASH: _l("Khách thích trả tiền mặt"),
    NonUseReason.FORGOT_HOW: _l("Quên cách dùng"),
    NonUseReason.NETWORK: _l("Mạng yếu, hay mất sóng"),
    NonUseReason.OTHER: _l("Lý do khác"),
}


class ScanResult(enum.StrEnum):
    """The QR code seen on the stall compared with the registry's current account."""

    MATCH = "match"
    DIFFERENT_ACCOUNT = "different"
    UNREADABLE = "unreadable"

    @property
    def label(self) -> str:
        return str(SCAN_LABELS[self])


SCAN_LABELS = {
    ScanResult.MATCH: _l("Khớp với sổ đăng ký"),
    ScanResult.DIFFERENT_ACCOUNT: _l("Khác tài khoản đã đăng ký"),
    ScanResult.UNREADABLE: _l("Không đọc được mã"),
}


class Inspection(db.Model):
    """A visit to a stall by the digital team or the board."""

    __tablename__ = "inspection"
    __table_args__ = (
        CheckConstraint("reason IS NULL OR qr_use = 'no'", name="reason_only_for_no"),
        # The ladder reads a stall's inspections newest first up to a day.
        Index("ix_inspection_stall_day", "stall_id", "inspected_on", "id"),
        Index("ix_inspection_day", "inspected_on"),
        Index("ix_inspection_at", "inspected_at"),
        # The light refresh looks for what arrived since the last run, whenever it was made.
        Index("ix_inspection_received", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    stall_id: Mapped[int] = mapped_column(ForeignKey("stall.id"))
    inspector_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # When the stall was seen (stamped by the phone); ``received_at`` is when the server got it.
    inspected_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The day in Asia/Ho_Chi_Minh: every window counts local days.
    inspected_on: Mapped[date]
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sign_displayed: Mapped[bool]
    # The vendor's own bank QR is shown instead of (or beside) a printed sign.
    own_bank_qr: Mapped[bool] = mapped_column(default=False)
    scan_result: Mapped[ScanResult | None] = mapped_column(str_enum(ScanResult, 12))
    # The account version the scan was compared with, so a later change of account
    # does not keep an old match alive.
    bank_account_id: Mapped[int | None] = mapped_column(ForeignKey("bank_account.id"))
    scanned_bin: Mapped[str | None] = mapped_column(String(6))
    scanned_account: Mapped[str | None] = mapped_column(String(19))
    qr_use: Mapped[QrUse | None] = mapped_column(str_enum(QrUse, 10))
    reason: Mapped[NonUseReason | None] = mapped_column(str_enum(NonUseReason, 20))
    reason_text: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    # Set by the phone that recorded it offline: a resend is recognised and stored once.
    client_uuid: Mapped[str | None] = mapped_column(String(36), unique=True)


class SelfReport(db.Model):
    """What a vendor says about their own QR use, through the vendor link."""

    __tablename__ = "self_report"
    __table_args__ = (
        CheckConstraint("reason IS NULL OR answer = 'no'", name="reason_only_for_no"),
        Index("ix_self_report_stall_day", "stall_id", "reported_on", "id"),
        Index("ix_self_report_at", "reported_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    stall_id: Mapped[int] = mapped_column(ForeignKey("stall.id"))
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reported_on: Mapped[date]
    answer: Mapped[QrUse] = mapped_column(str_enum(QrUse, 10))
    reason: Mapped[NonUseReason | None] = mapped_column(str_enum(NonUseReason, 20))
    reason_text: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")


class ActivitySource(enum.StrEnum):
    REPORT = "report"  # a bank partner's daily CSV report
    WEBHOOK = "webhook"  # per-transaction notifications, summed per day


class PaymentActivity(db.Model):
    """QR payments received by a stall on one local day, from one source."""

    __tablename__ = "payment_activity"
    __table_args__ = (
        UniqueConstraint("stall_id", "day", "source"),
        CheckConstraint("payments >= 0 AND amount >= 0", name="not_negative"),
        # Covering the window sums: (day, stall) ranges read without touching the table.
        Index("ix_payment_activity_day_stall", "day", "stall_id", "payments"),
        Index("ix_payment_activity_updated", "updated_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    stall_id: Mapped[int] = mapped_column(ForeignKey("stall.id"))
    day: Mapped[date]
    source: Mapped[ActivitySource] = mapped_column(str_enum(ActivitySource, 10))
    payments: Mapped[int] = mapped_column(default=0)
    amount: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class PartnerKind(enum.StrEnum):
    """The format a partner posts its notices in (see ``market.monitor.partners``)."""

    SIGNED = "signed"  # the app's own signed JSON
    SEPAY = "sepay"  # SePay's transaction webhook
    CASSO = "casso"  # Casso's transaction webhook


class PaymentPartner(db.Model):
    """A bank, wallet or bank-linking service that sends payment notices, with its secret."""

    __tablename__ = "payment_partner"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    kind: Mapped[PartnerKind] = mapped_column(
        str_enum(PartnerKind, 12), default=PartnerKind.SIGNED, server_default="signed"
    )
    secret: Mapped[str] = mapped_column(String(128))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class NotificationStatus(enum.StrEnum):
    APPLIED = "applied"  # counted in the stall's activity
    QUARANTINED = "quarantined"  # account not in the registry: waits for the board
    DISMISSED = "dismissed"  # the board decided it belongs to no stall


class PaymentNotification(db.Model):
    """One payment pushed by a partner; the (partner, transaction) pair makes it idempotent."""

    __tablename__ = "payment_notification"
    __table_args__ = (
        UniqueConstraint("partner_id", "transaction_id"),
        Index("ix_payment_notification_status", "status", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("payment_partner.id"))
    transaction_id: Mapped[str] = mapped_column(String(64))
    bank_bin: Mapped[str] = mapped_column(String(6), default="")
    account_number: Mapped[str] = mapped_column(String(19))
    amount: Mapped[int] = mapped_column(BigInteger)
    paid_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    stall_id: Mapped[int | None] = mapped_column(ForeignKey("stall.id"))
    status: Mapped[NotificationStatus] = mapped_column(str_enum(NotificationStatus, 12))
    # Why a quarantined payment matched no stall (see ``market.monitor.registry_lookup``).
    reason: Mapped[str] = mapped_column(String(20), default="")
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))


class UnmatchedReportRow(db.Model):
    """A bank report's row whose account was no stall's payee on its day: kept for the board
    with the reason, while the report's other rows are imported."""

    __tablename__ = "unmatched_report_row"
    __table_args__ = (Index("ix_unmatched_report_row_received", "received_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_bin: Mapped[str] = mapped_column(String(6), default="")
    account_number: Mapped[str] = mapped_column(String(19))
    day: Mapped[date]
    payments: Mapped[int] = mapped_column(default=0)
    amount: Mapped[int] = mapped_column(BigInteger, default=0)
    reason: Mapped[str] = mapped_column(String(20))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AlertKind(enum.StrEnum):
    SWAPPED_SIGN = "swapped_sign"  # the QR on the stall pays another account
    NO_INSPECTION = "no_inspection"  # a market with no inspection in the window
    LAPSED = "lapsed"  # a stall that used QR and stopped

    @property
    def label(self) -> str:
        return str(ALERT_LABELS[self])


ALERT_LABELS = {
    AlertKind.SWAPPED_SIGN: _l("Mã QR bị tráo: tiền chuyển sang tài khoản khác"),
    AlertKind.NO_INSPECTION: _l("Chợ chưa được kiểm tra trong kỳ"),
    AlertKind.LAPSED: _l("Gian hàng đã ngừng dùng QR"),
}


class Alert(db.Model):
    """Something the board must look at, on a stall and its market; closed, never deleted."""

    __tablename__ = "alert"
    __table_args__ = (Index("ix_alert_market_open", "market_id", "closed_at", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[AlertKind] = mapped_column(str_enum(AlertKind, 16))
    market_id: Mapped[int] = mapped_column(ForeignKey("market.id"))
    stall_id: Mapped[int | None] = mapped_column(ForeignKey("stall.id"), index=True)
    inspection_id: Mapped[int | None] = mapped_column(ForeignKey("inspection.id"))
    # The detail as a message id and its parameters (``market.texts``), shown in the reader's
    # language; ``detail`` holds the words of alerts opened before details were stored so.
    message: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    detail: Mapped[str] = mapped_column(String(255), default="")
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
