"""The adoption ladder's figures: targets, daily snapshots and the job runs that make them."""
from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from market.models.base import UTCDateTime, db, str_enum, utcnow


class AdoptionStep(enum.StrEnum):
    """Where an operating stall stands on the adoption ladder (see ``market.monitor.ladder``)."""

    NO_ACCOUNT = "no_account"
    REGISTERED = "registered"
    ISSUED = "issued"
    DISPLAYED = "displayed"
    ACTIVE = "active"
    LAPSED = "lapsed"
    DECLINED = "declined"

    @property
    def label(self) -> str:
        return str(STEP_LABELS[self])


STEP_LABELS = {
    AdoptionStep.NO_ACCOUNT: _l("Chưa có tài khoản"),
    AdoptionStep.REGISTERED: _l("Đã đăng ký tài khoản"),
    AdoptionStep.ISSUED: _l("Đã cấp mã QR"),
    # Not "Đã treo mã QR": the dashboard's rung of that name also counts stalls that went on
    # to use QR; this step is the stalls whose sign was seen and that do not use it yet.
    AdoptionStep.DISPLAYED: _l("Đã treo mã, chưa dùng"),
    AdoptionStep.ACTIVE: _l("Đang dùng QR"),
    AdoptionStep.LAPSED: _l("Đã ngừng dùng"),
    AdoptionStep.DECLINED: _l("Từ chối"),
}


class AdoptionTarget(db.Model):
    """Targets and windows for one market or one commune; unset values fall back to the
    commune's, then to the configuration defaults."""

    __tablename__ = "adoption_target"
    __table_args__ = (
        CheckConstraint(
            "(market_id IS NULL) <> (commune_id IS NULL)", name="one_scope"
        ),
        CheckConstraint(
            "registered_pct BETWEEN 0 AND 100 AND displayed_pct BETWEEN 0 AND 100 "
            "AND active_pct BETWEEN 0 AND 100",
            name="percentages",
        ),
        CheckConstraint(
            "(inspection_window_days IS NULL OR inspection_window_days >= 1) "
            "AND (activity_window_days IS NULL OR activity_window_days >= 1) "
            "AND (min_payments IS NULL OR min_payments >= 1)",
            name="windows_positive",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    market_id: Mapped[int | None] = mapped_column(ForeignKey("market.id"), unique=True)
    commune_id: Mapped[int | None] = mapped_column(ForeignKey("admin_unit.id"), unique=True)
    registered_pct: Mapped[int | None]
    displayed_pct: Mapped[int | None]
    active_pct: Mapped[int | None]
    inspection_window_days: Mapped[int | None]
    activity_window_days: Mapped[int | None]
    min_payments: Mapped[int | None]
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class AdoptionSnapshot(db.Model):
    """The ladder counted for one market or one commune on one day (one row per scope and day)."""

    __tablename__ = "adoption_snapshot"
    __table_args__ = (
        CheckConstraint("(market_id IS NULL) <> (commune_id IS NULL)", name="one_scope"),
        UniqueConstraint("day", "market_id"),
        UniqueConstraint("day", "commune_id"),
        Index("ix_adoption_snapshot_market_day", "market_id", "day"),
        Index("ix_adoption_snapshot_commune_day", "commune_id", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date]
    market_id: Mapped[int | None] = mapped_column(ForeignKey("market.id"))
    commune_id: Mapped[int | None] = mapped_column(ForeignKey("admin_unit.id"))
    operating: Mapped[int] = mapped_column(default=0)
    no_account: Mapped[int] = mapped_column(default=0)
    registered: Mapped[int] = mapped_column(default=0)
    issued: Mapped[int] = mapped_column(default=0)
    displayed: Mapped[int] = mapped_column(default=0)
    active: Mapped[int] = mapped_column(default=0)
    lapsed: Mapped[int] = mapped_column(default=0)
    declined: Mapped[int] = mapped_column(default=0)
    # Stalls that have reached a rung whatever they do now: what the targets are measured on.
    reached_registered: Mapped[int] = mapped_column(default=0)
    reached_displayed: Mapped[int] = mapped_column(default=0)
    reached_active: Mapped[int] = mapped_column(default=0)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("job_run.id"))


class JobKind(enum.StrEnum):
    FULL = "full"  # every market and commune, one day (by hand or backfill)
    CLOSE = "close"  # after local midnight: the day that ended, computed and closed
    LIGHT = "light"  # today's figures for markets that changed, and days marked stale
    ALERTS = "alerts"  # the daily check that opens alerts

    @property
    def label(self) -> str:
        return str(JOB_LABELS[self])


JOB_LABELS = {
    JobKind.FULL: _l("Tính toàn bộ"),
    JobKind.CLOSE: _l("Chốt số liệu ngày hôm qua"),
    JobKind.LIGHT: _l("Cập nhật nhanh hôm nay"),
    JobKind.ALERTS: _l("Kiểm tra cảnh báo"),
}


class RunStatus(enum.StrEnum):
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    SKIPPED = "skipped"  # another process held the job's lock

    @property
    def label(self) -> str:
        return str(RUN_STATUS_LABELS[self])


RUN_STATUS_LABELS = {
    RunStatus.RUNNING: _l("Đang chạy"),
    RunStatus.SUCCEEDED: _l("Thành công"),
    RunStatus.FAILED: _l("Thất bại"),
    RunStatus.SKIPPED: _l("Bỏ qua (đang chạy ở nơi khác)"),
}


class JobRun(db.Model):
    """One run of a monitor job: kept for the admin page, written outside the run's transaction."""

    __tablename__ = "job_run"
    __table_args__ = (Index("ix_job_run_started", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[JobKind] = mapped_column(str_enum(JobKind, 10))
    day: Mapped[date]
    trigger: Mapped[str] = mapped_column(String(20), default="scheduler")
    status: Mapped[RunStatus] = mapped_column(str_enum(RunStatus, 10), default=RunStatus.RUNNING)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rows: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    # The days this run computed and why, one line per day: "2026-11-28 12 late_payments".
    computed: Mapped[str] = mapped_column(Text, default="")


class StaleMark(db.Model):
    """A market's figures from ``since`` on no longer match what the registry and the evidence
    say (late evidence, a change dated in the past): the next run recomputes those days,
    back to its horizon; ``monitor backfill`` the older ones. One row per market and reason."""

    __tablename__ = "stale_mark"
    __table_args__ = (UniqueConstraint("market_id", "reason"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    market_id: Mapped[int] = mapped_column(ForeignKey("market.id"))
    reason: Mapped[str] = mapped_column(String(20))
    since: Mapped[date]
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
