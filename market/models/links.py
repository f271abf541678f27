"""Vendor links: a private, revocable address that shows one stall's own sign to its vendor."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from market.models.base import UTCDateTime, db, utcnow

if TYPE_CHECKING:
    from market.models.registry import Stall
    from market.models.users import User


class VendorLink(db.Model):
    """Only a hash of the token is kept: a copy of the database opens no vendor's page."""

    __tablename__ = "vendor_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    stall_id: Mapped[int] = mapped_column(ForeignKey("stall.id"), index=True)
    # The tenancy the link was given for: it opens nothing once that tenancy has ended.
    tenancy_id: Mapped[int | None] = mapped_column(ForeignKey("tenancy.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    stall: Mapped[Stall] = relationship()
    created_by: Mapped[User | None] = relationship()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def __repr__(self) -> str:
        return f"<VendorLink {self.id} stall {self.stall_id}>"
