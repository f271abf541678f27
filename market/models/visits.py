"""Follow-up visits of the community digital team: assignments and what each visit found."""
from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from market.models.base import UTCDateTime, db, str_enum, utcnow


class VisitOutcome(enum.StrEnum):
    """What came of a follow-up visit to a vendor."""

    HELPED = "helped"  # account opened, sign put up or use explained
    NEEDS_ANOTHER = "needs_another"
    NOT_THERE = "not_there"  # stall shut or vendor away
    REFUSED = "refused"

    @property
    def label(self) -> str:
        return str(OUTCOME_LABELS[self])


OUTCOME_LABELS = {
    VisitOutcome.HELPED: _l("Đã hỗ trợ xong"),
    VisitOutcome.NEEDS_ANOTHER: _l("Cần quay lại"),
    VisitOutcome.NOT_THERE: _l("Không gặp người bán"),
    VisitOutcome.REFUSED: _l("Người bán từ chối"),
}


class VisitAssignment(db.Model):
    """A stall handed to a team member for a visit, optionally on a planned day."""

    __tablename__ = "visit_assignment"
    __table_args__ = (Index("ix_visit_assignment_assignee_day", "assignee_id", "planned_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    stall_id: Mapped[int] = mapped_column(ForeignKey("stall.id"), index=True)
    assignee_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    planned_on: Mapped[date | None]
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set when a visit is recorded or the stall is handed to someone else: kept, not deleted.
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Visit(db.Model):
    """One follow-up visit recorded from a phone; ``client_uuid`` makes a resend harmless."""

    __tablename__ = "visit"
    __table_args__ = (Index("ix_visit_stall_day", "stall_id", "visited_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_uuid: Mapped[str] = mapped_column(String(36), unique=True)
    stall_id: Mapped[int] = mapped_column(ForeignKey("stall.id"))
    visitor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # When the visit was made (stamped by the phone); ``received_at`` is when the server got it.
    visited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    visited_on: Mapped[date]
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    outcome: Mapped[VisitOutcome] = mapped_column(str_enum(VisitOutcome, 16))
    next_visit_on: Mapped[date | None]
    note: Mapped[str] = mapped_column(Text, default="")
