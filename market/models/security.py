"""Failed sign-in attempts, kept in the database so every web worker sees the same count."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from market.models.base import UTCDateTime, db, utcnow


class LoginFailure(db.Model):
    """One failed sign-in, counted against a username and against a network address."""

    __tablename__ = "login_failure"
    __table_args__ = (Index("ix_login_failure_key_at", "key", "failed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # "user:<lower-case username>" or "addr:<address>": one row per key and failure.
    key: Mapped[str] = mapped_column(String(120))
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<LoginFailure {self.key} {self.failed_at}>"
