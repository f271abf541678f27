"""Vendors (household businesses) and their tenancies of stalls."""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from market.models.base import UTCDateTime, db, utcnow

if TYPE_CHECKING:
    from market.models.banking import BankAccount
    from market.models.registry import Stall


class Vendor(db.Model):
    """A household business (hộ kinh doanh): the person or family trading at a stall."""

    __tablename__ = "vendor"
    __table_args__ = (
        CheckConstraint("birth_year IS NULL OR birth_year BETWEEN 1900 AND 2100", name="birth_year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    shop_name: Mapped[str] = mapped_column(String(120), default="")
    phone: Mapped[str | None] = mapped_column(String(20))
    birth_year: Mapped[int | None]
    consent_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    tenancies: Mapped[list[Tenancy]] = relationship(back_populates="vendor")
    accounts: Mapped[list[BankAccount]] = relationship(
        back_populates="vendor", order_by="BankAccount.version"
    )

    @property
    def display_name(self) -> str:
        return self.shop_name or self.name

    def __repr__(self) -> str:
        return f"<Vendor {self.id} {self.name}>"


class Tenancy(db.Model):
    """A vendor trading at a stall from ``start_on`` until ``end_on`` (open while None)."""

    __tablename__ = "tenancy"
    __table_args__ = (
        CheckConstraint("end_on IS NULL OR end_on >= start_on", name="dates_in_order"),
        # At most one open tenancy per stall.
        Index(
            "uq_tenancy_open_per_stall",
            "stall_id",
            unique=True,
            sqlite_where=text("end_on IS NULL"),
            postgresql_where=text("end_on IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    stall_id: Mapped[int] = mapped_column(ForeignKey("stall.id"), index=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendor.id"), index=True)
    start_on: Mapped[date]
    end_on: Mapped[date | None]

    stall: Mapped[Stall] = relationship(back_populates="tenancies")
    vendor: Mapped[Vendor] = relationship(back_populates="tenancies")
