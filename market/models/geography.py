"""Administrative units: one self-referencing hierarchy, so the 2025 mergers fit."""
from __future__ import annotations

import enum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from market.models.base import db, str_enum


class UnitLevel(enum.StrEnum):
    PROVINCE = "province"
    DISTRICT = "district"  # older data still names districts (huyện/quận)
    COMMUNE = "commune"  # xã, phường, thị trấn


class AdminUnit(db.Model):
    __tablename__ = "admin_unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    level: Mapped[UnitLevel] = mapped_column(str_enum(UnitLevel))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("admin_unit.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    # A unit abolished by a merger points at today's unit that took it over; its markets
    # have moved there and its figures are counted there.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("admin_unit.id"))

    parent: Mapped[AdminUnit | None] = relationship(
        remote_side=[id], back_populates="children", foreign_keys=[parent_id]
    )
    children: Mapped[list[AdminUnit]] = relationship(
        back_populates="parent", foreign_keys=[parent_id]
    )
    merged_into: Mapped[AdminUnit | None] = relationship(
        remote_side=[id], foreign_keys=[merged_into_id]
    )

    def __repr__(self) -> str:
        return f"<AdminUnit {self.code} {self.name}>"
