"""Markets and their stalls."""
from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint, event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from market.models.base import UTCDateTime, db, str_enum, utcnow

if TYPE_CHECKING:
    from market.models.geography import AdminUnit
    from market.models.vendors import Tenancy


class GoodsCategory(enum.StrEnum):
    """What a stall sells: a fixed list, labelled in Vietnamese in the UI."""

    VEGETABLES = "vegetables"
    FRUIT = "fruit"
    MEAT = "meat"
    FISH = "fish"
    POULTRY = "poultry"
    RICE = "rice"
    DRY_GOODS = "dry_goods"
    COOKED_FOOD = "cooked_food"
    DRINKS = "drinks"
    CLOTHING = "clothing"
    FOOTWEAR = "footwear"
    HOUSEHOLD = "household"
    FLOWERS = "flowers"
    GROCERY = "grocery"
    SERVICES = "services"
    OTHER = "other"

    @property
    def label(self) -> str:
        return str(CATEGORY_LABELS[self])


CATEGORY_LABELS = {
    GoodsCategory.VEGETABLES: _l("Rau, củ"),
    GoodsCategory.FRUIT: _l("Trái cây"),
    GoodsCategory.MEAT: _l("Thịt"),
    GoodsCategory.FISH: _l("Cá, thủy hải sản"),
    GoodsCategory.POULTRY: _l("Gia cầm, trứng"),
    GoodsCategory.RICE: _l("Gạo, ngũ cốc"),
    GoodsCategory.DRY_GOODS: _l("Đồ khô, gia vị"),
    GoodsCategory.COOKED_FOOD: _l("Đồ ăn chín, quán ăn"),
    GoodsCategory.DRINKS: _l("Đồ uống, giải khát"),
    GoodsCategory.CLOTHING: _l("Quần áo, vải vóc"),
    GoodsCategory.FOOTWEAR: _l("Giày dép, túi xách"),
    GoodsCategory.HOUSEHOLD: _l("Đồ gia dụng"),
    GoodsCategory.FLOWERS: _l("Hoa, cây cảnh"),
    GoodsCategory.GROCERY: _l("Tạp hóa"),
    GoodsCategory.SERVICES: _l("Dịch vụ (may, cắt tóc, sửa chữa)"),
    GoodsCategory.OTHER: _l("Khác"),
}


class StallStatus(enum.StrEnum):
    OPERATING = "operating"
    VACANT = "vacant"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self])


STATUS_LABELS = {
    StallStatus.OPERATING: _l("Đang kinh doanh"),
    StallStatus.VACANT: _l("Bỏ trống"),
    StallStatus.CLOSED: _l("Đã đóng"),
}


def local_today() -> date:
    """Today in the configured time zone: the day a registry change takes effect."""
    return utcnow().astimezone(ZoneInfo(current_app.config.get("TIMEZONE", "Asia/Ho_Chi_Minh"))).date()


class Market(db.Model):
    __tablename__ = "market"
    __table_args__ = (CheckConstraint("market_class IN (1, 2, 3)", name="market_class"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    market_class: Mapped[int]
    address: Mapped[str] = mapped_column(String(255), default="")
    commune_id: Mapped[int] = mapped_column(ForeignKey("admin_unit.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The first day the market counts; it counts until the day it is retired (that day
    # and after it does not: see ``market.monitor.ladder``).
    opened_on: Mapped[date] = mapped_column(default=local_today)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    commune: Mapped[AdminUnit] = relationship()
    stalls: Mapped[list[Stall]] = relationship(back_populates="market")

    def __repr__(self) -> str:
        return f"<Market {self.code}>"


class Stall(db.Model):
    __tablename__ = "stall"
    __table_args__ = (
        UniqueConstraint("market_id", "code"),
        Index("ix_stall_market_layout", "market_id", "zone", "row", "number"),
        CheckConstraint("number IS NULL OR number >= 0", name="number_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    market_id: Mapped[int] = mapped_column(ForeignKey("market.id"))
    code: Mapped[str] = mapped_column(String(20))
    zone: Mapped[str] = mapped_column(String(40), default="")
    row: Mapped[str] = mapped_column(String(20), default="")
    number: Mapped[int | None]
    category: Mapped[GoodsCategory] = mapped_column(str_enum(GoodsCategory, 20))
    status: Mapped[StallStatus] = mapped_column(
        str_enum(StallStatus, 12), default=StallStatus.OPERATING, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The first day the stall is in the registry's figures (the day it was entered, unless
    # the board says it traded earlier).
    opened_on: Mapped[date] = mapped_column(default=local_today)

    market: Mapped[Market] = relationship(back_populates="stalls")
    tenancies: Mapped[list[Tenancy]] = relationship(back_populates="stall")

    def __repr__(self) -> str:
        return f"<Stall {self.code} of market {self.market_id}>"


class StallStatusChange(db.Model):
    """A stall's status changed on ``changed_on`` (from that day on): with ``old_status`` kept,
    the status on any earlier day is the old status of the first change after it, and the
    stall's own ``status`` when there is none. Written for every change, by whatever path."""

    __tablename__ = "stall_status_change"
    __table_args__ = (Index("ix_stall_status_change_day", "changed_on", "stall_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    stall_id: Mapped[int] = mapped_column(ForeignKey("stall.id"), index=True)
    changed_on: Mapped[date]
    old_status: Mapped[StallStatus] = mapped_column(str_enum(StallStatus, 12, "old_status"))
    new_status: Mapped[StallStatus] = mapped_column(str_enum(StallStatus, 12, "new_status"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


@event.listens_for(Session, "before_flush")
def _record_status_changes(session: Session, flush_context, instances) -> None:
    """Every status change of a loaded stall leaves its history row, whichever service made it."""
    for stall in session.dirty:
        if not isinstance(stall, Stall):
            continue
        history = db.inspect(stall).attrs.status.history
        if history.deleted and history.added and history.deleted[0] != history.added[0]:
            session.add(StallStatusChange(
                stall_id=stall.id, changed_on=local_today(),
                old_status=history.deleted[0], new_status=history.added[0]))
