"""People who sign in, their role and their scope."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from market.models.base import UTCDateTime, db, str_enum, utcnow

if TYPE_CHECKING:
    from market.models.geography import AdminUnit
    from market.models.registry import Market


class Role(enum.StrEnum):
    ADMIN = "admin"  # district/city administrator: everything
    COMMUNE = "commune"  # UBND xã/phường: reads its area's markets, sets targets
    BOARD = "board"  # Ban quản lý chợ: manages its markets
    TEAM = "team"  # Tổ chuyển đổi số cộng đồng: visits and inspections


user_market = Table(
    "user_market",
    db.metadata,
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    Column("market_id", ForeignKey("market.id", ondelete="CASCADE"), primary_key=True),
)


class User(UserMixin, db.Model):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(str_enum(Role, 10))
    # A commune user's area; board and team users are scoped by ``markets``.
    admin_unit_id: Mapped[int | None] = mapped_column(ForeignKey("admin_unit.id"))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Kept in the session at sign-in; bumping it ends every session of this user.
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")

    admin_unit: Mapped[AdminUnit | None] = relationship()
    markets: Mapped[list[Market]] = relationship(secondary=user_market)

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method="scrypt")

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"
